"""Real-world compose files (../shared/corpus): no false errors, the same verdicts as compose.

INDEX.md records what Docker Compose v2 (`config -q`, clean environment, the folder's own .env)
says of each file. The corpus holds data files only, so build contexts and Dockerfiles are
absent and PF104/PF105 are not judged here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from preflight.config import Config
from preflight.diagnostics import Diagnostic, Severity
from preflight.engine import check

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
ROW = re.compile(r"^\| `(?P<path>[^`]+)` \| \d+ \| [^|]* \| (?P<result>[^|]*) \|")

pytestmark = pytest.mark.skipif(not (CORPUS / "INDEX.md").is_file(), reason="corpus not present")


def _rows() -> list[tuple[str, str]]:
    if not (CORPUS / "INDEX.md").is_file():
        return []
    rows = []
    for line in (CORPUS / "INDEX.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and not match.group("path").endswith(".example"):
            rows.append((match.group("path"), match.group("result").strip()))
    return rows


def _check(rel: str) -> list[Diagnostic]:
    path = CORPUS / rel
    config = Config(select=("PF1", "PF2"), ignore=("PF104", "PF105"), compose_files=(path.name,))
    return check(path.parent, config, cwd=path.parent).diagnostics


def _errors(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity is Severity.ERROR]


def _template_keys(folder: Path) -> set[str]:
    keys: set[str] = set()
    for name in (".env.example", ".env.sample", ".env.template", ".env.dist"):
        if (folder / name).is_file() and not (folder / ".env").is_file():
            for line in (folder / name).read_text(encoding="utf-8").splitlines():
                key = line.removeprefix("export ").split("=", 1)[0].strip()
                if key and not key.startswith("#"):
                    keys.add(key)
    return keys


@pytest.mark.parametrize(("rel", "result"), [r for r in _rows() if r[1] == "ok"], ids=lambda v: v)
def test_ok_files_have_no_errors(rel: str, result: str) -> None:
    errors = _errors(_check(rel))
    assert errors == [], "\n".join(f"{d.span.path}:{d.span.line}: {d.code} {d.message}" for d in errors)


@pytest.mark.parametrize(
    ("rel", "result"), [r for r in _rows() if r[1].startswith("ok-with-warnings")], ids=lambda v: v
)
def test_warnings_are_exactly_the_unset_variables(rel: str, result: str) -> None:
    warned = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", result.partition("unset:")[2])) if "unset:" in result else set()
    expected = warned - _template_keys((CORPUS / rel).parent)
    diags = _check(rel)
    assert {d.message.split("`")[1] for d in diags if d.code == "PF201"} == expected
    others = [d for d in _errors(diags) if d.code != "PF201" and d.code != "PF108"]
    assert others == [], "\n".join(f"{d.span.path}:{d.span.line}: {d.code} {d.message}" for d in others)


def _cause(result: str) -> tuple[str, str]:
    if "env file" in result:
        name = re.search(r"env file (\S+) (?:or \S+ )?not found", result)
        assert name is not None
        return "PF108", name.group(1)
    if "required variable" in result:
        name = re.search(r"required variable (\w+)", result)
        assert name is not None
        return "PF202", name.group(1)
    if "neither an image nor a build context" in result:
        return "PF101", "neither an image nor a build context"
    raise AssertionError(f"unknown cause: {result}")


@pytest.mark.parametrize(("rel", "result"), [r for r in _rows() if r[1].startswith("error")], ids=lambda v: v)
def test_rejected_files_are_rejected_for_the_same_cause(rel: str, result: str) -> None:
    code, needle = _cause(result)
    errors = _errors(_check(rel))
    assert any(d.code == code and needle in d.message for d in errors), [f"{d.code} {d.message}" for d in errors]
