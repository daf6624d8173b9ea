"""One harness over `rules/`: every positive case matches its snapshot, every negative is silent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from preflight.config import load_config
from preflight.engine import check
from preflight.report.text import render_text
from preflight.rules.registry import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "rules"


def _cases(kind: str) -> list[tuple[str, Path]]:
    cases: list[tuple[str, Path]] = []
    for rule in ALL_RULES:
        folder = FIXTURES / f"{rule.id}-{rule.name}" / kind
        if folder.is_dir():
            cases.extend((rule.id, case) for case in sorted(folder.iterdir()) if case.is_dir())
    return cases


def _run(code: str, case: Path) -> str:
    """The case's findings of one rule, as text (the summary line is left out: it counts files).

    The snapshot is no file of the project under test: it is excluded (it names what it expects).
    """
    config = load_config(case)
    config = dataclasses.replace(config, select=(code,), exclude=(*config.exclude, "expected.txt"))
    report = check(case, config, cwd=case)
    return render_text(report, summary=False)


@pytest.mark.parametrize(("code", "case"), _cases("positive"), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_positive_case_matches_snapshot(code: str, case: Path, update_snapshots: bool) -> None:
    output = _run(code, case)
    expected = case / "expected.txt"
    if update_snapshots:
        expected.write_text(output, encoding="utf-8")
    assert expected.is_file(), f"missing snapshot {expected}; run pytest --update-snapshots"
    assert output == expected.read_text(encoding="utf-8")
    assert f": {code} [" in output, "a positive case must produce at least one finding of its rule"


@pytest.mark.parametrize(("code", "case"), _cases("negative"), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_negative_case_is_silent(code: str, case: Path) -> None:
    output = _run(code, case)
    assert output == "", output
