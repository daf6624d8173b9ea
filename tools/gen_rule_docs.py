"""Regenerate ``docs/rules/`` (one page per rule and an index) from the rule docstrings (dev only).

Usage::

    .venv/bin/python tools/gen_rule_docs.py [--check]

``--check`` reports stale or missing pages and exits 1 instead of writing them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from preflight.report.rule_docs import rule_pages
from preflight.rules.registry import ALL_RULES

OUT_DIR = Path(__file__).resolve().parent.parent / "docs" / "rules"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) every page; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a page is stale instead of writing")
    args = parser.parse_args(argv)
    pages = rule_pages(ALL_RULES)
    stale = sorted(name for name, text in pages.items() if _read(OUT_DIR / name) != text)
    extra = sorted(p.name for p in OUT_DIR.glob("*.md") if p.name not in pages) if OUT_DIR.is_dir() else []
    if args.check:
        for name in stale:
            sys.stderr.write(f"docs/rules/{name} is stale: run python tools/gen_rule_docs.py\n")
        for name in extra:
            sys.stderr.write(f"docs/rules/{name} documents no rule: delete it\n")
        return 1 if stale or extra else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (OUT_DIR / name).write_text(pages[name], encoding="utf-8")
    for name in extra:
        (OUT_DIR / name).unlink()
    sys.stderr.write(f"wrote {len(stale)} page(s), removed {len(extra)}\n")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


if __name__ == "__main__":
    sys.exit(main())
