"""Whole fixture projects with hostile edits, through the CLI: the check always ends with a
verdict (exit 0 or 1), machine-readable output stays valid, and it ends in bounded time."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from fuzzing import PROJECT_FUZZ, fixture_projects, mutated
from hypothesis import given
from hypothesis import strategies as st

from preflight.cli import main

if TYPE_CHECKING:
    import pytest

PROJECTS = fixture_projects()
TIME_BOUND = 30.0
"""Seconds one check may take on a small project, however hostile (a hang fails the test)."""


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "expected.txt")


def _config_error(code: int, err: str) -> bool:
    """Exit 2 is right for a broken preflight configuration (a `[tool.preflight]` an edit broke)."""
    return code == 2 and "pyproject.toml" in err and "invalid TOML" not in err


@st.composite
def _edited_project(draw: st.DrawFn, tmp: Path) -> Path:
    source = draw(st.sampled_from(PROJECTS))
    root = tmp / "project"
    shutil.copytree(source, root, symlinks=True)
    files = [p for p in _files(root) if p.name != "preflight.toml"]  # a broken config must stop the run
    for path in draw(st.lists(st.sampled_from(files), min_size=1, max_size=3, unique=True)) if files else []:
        if path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        edited = draw(mutated([text]))
        path.write_bytes(edited.encode("utf-8", errors="surrogateescape"))
    return root


@PROJECT_FUZZ
@given(st.data(), st.sampled_from(["json", "sarif"]))
def test_mutated_projects_always_get_a_verdict(
    capsys: pytest.CaptureFixture[str], data: st.DataObject, output_format: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = data.draw(_edited_project(Path(tmp)))
        before = {p: p.read_bytes() for p in _files(root)}
        started = time.perf_counter()
        code = main(["check", "--format", output_format, str(root)])
        elapsed = time.perf_counter() - started
        out, err = capsys.readouterr()
        if _config_error(code, err):
            return
        assert code in (0, 1), err
        assert "Traceback" not in err
        json.loads(out)
        assert elapsed < TIME_BOUND
        code = main(["graph", str(root)])
        out, err = capsys.readouterr()
        assert code in (0, 1), err
        assert {p: p.read_bytes() for p in _files(root)} == before  # the checked tree is unchanged
