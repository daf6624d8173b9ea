"""Prompt templates, kept in YAML so non-developers can edit them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PROMPTS_FILE = Path(__file__).with_name("prompts.yaml")


@lru_cache
def load_prompts() -> dict[str, str]:
    with PROMPTS_FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {key: str(value) for key, value in data.items()}


def render(name: str, *, table: str = "", records: list[dict[str, Any]] | None = None) -> str:
    lines = "\n".join(json.dumps(record, default=str) for record in records or [])
    return load_prompts()[name].format(table=table, records=lines)
