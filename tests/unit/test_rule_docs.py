"""docs/rules/ is generated from the rule docstrings and must be up to date."""

from __future__ import annotations

from pathlib import Path

from preflight.report.rule_docs import rule_pages
from preflight.report.sarif import DOCS_URI, rule_help_uri
from preflight.rules.registry import ALL_RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
REGENERATE = "stale: run `.venv/bin/python tools/gen_rule_docs.py`"


def test_pages_are_up_to_date() -> None:
    pages = rule_pages(ALL_RULES)
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert sorted(on_disk) == sorted(pages), REGENERATE
    for name, text in pages.items():
        assert on_disk[name] == text, f"docs/rules/{name} is {REGENERATE}"


def test_every_rule_has_a_page_that_its_help_uri_names() -> None:
    for rule in ALL_RULES:
        uri = rule_help_uri(rule.id)
        assert uri == f"{DOCS_URI}/{rule.id}.md"
        page = DOCS / uri.rsplit("/", 1)[1]
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        assert text.splitlines()[1] == f"# {rule.id} `{rule.name}`"
        assert "## What it does" in text
        assert "## Why is this bad?" in text
