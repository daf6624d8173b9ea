"""Every parser on hostile text: a result with problems at real positions, never an exception."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from fuzzing import FUZZ, texts
from hypothesis import given
from hypothesis import strategies as st

from preflight.diagnostics import ParseProblem
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.dockerfile import parse_dockerfile
from preflight.parse.dockerignore import parse_dockerignore
from preflight.parse.dotenv_lint import lint_dotenv
from preflight.parse.gomatch import BadPattern, go_match
from preflight.parse.interpolate import UNKNOWN, interpolate
from preflight.parse.pyproject import read_local_project
from preflight.parse.python import analyze_python
from preflight.parse.requirements import parse_requirements
from preflight.parse.shell.compose_words import split_compose_command
from preflight.parse.shell.words import ShellSyntaxError, lex_script
from preflight.parse.template_text import references_only
from preflight.parse.toml import parse_toml
from preflight.parse.yaml import parse_yaml, to_plain
from preflight.parse.yaml_depth import limit_depth

if TYPE_CHECKING:
    from collections.abc import Iterable


def _positions_are_real(text: str, problems: Iterable[ParseProblem]) -> None:
    lines = max(text.count("\n") + text.count("\r"), len(text.splitlines())) + 2  # pip splits at \f too
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.col >= 1, problem
        assert problem.message, problem


@FUZZ
@given(texts("compose.yaml", ".yaml", ".yml"))
def test_yaml(text: str) -> None:
    document = parse_yaml(text, "compose.yaml")
    _positions_are_real(text, document.problems)
    to_plain(document.root)
    limited, _ = limit_depth(text)
    assert limited.count("\n") == text.count("\n")  # positions survive the depth limit


@FUZZ
@given(texts(".env", ".env.example", "web.env"))
def test_dotenv(text: str) -> None:
    for raw in (False, True):
        parsed = parse_compose_dotenv(text, ".env", lambda name: UNKNOWN if name.startswith("U") else None, raw=raw)
        _positions_are_real(text, parsed.problems)
        assert len(parsed.compose_messages) == len(parsed.problems)
    for issue in lint_dotenv(text, ".env"):
        assert issue.line >= 1
        assert issue.col >= 1


@FUZZ
@given(texts("compose.yaml", ".env"))
def test_interpolation(text: str) -> None:
    result = interpolate(text, lambda name: "v" if name < "M" else None)
    assert (result.value is None) == (result.error is not None or result.required_error is not None)
    references_only(text)


@FUZZ
@given(texts("Dockerfile"))
def test_dockerfile(text: str) -> None:
    _positions_are_real(text, parse_dockerfile(text, "Dockerfile").problems)


@FUZZ
@given(texts(".dockerignore"))
def test_dockerignore(text: str) -> None:
    ignore = parse_dockerignore(text, ".dockerignore")
    _positions_are_real(text, ignore.problems)
    ignore.match("app/main.py")


@FUZZ
@given(texts("requirements.txt", "constraints.txt"))
def test_requirements(text: str) -> None:
    _positions_are_real(text, parse_requirements(text, "requirements.txt").problems)


@FUZZ
@given(texts("pyproject.toml", "preflight.toml"))
def test_toml(text: str) -> None:
    result = parse_toml(text)
    if isinstance(result, ParseProblem):
        _positions_are_real(text, [result])


@FUZZ
@given(texts(".py"))
def test_python(text: str) -> None:
    _positions_are_real(text, analyze_python(text, "app.py").problems)


@FUZZ
@given(texts("compose.yaml", "Dockerfile", ".sh"))
def test_shell_words(text: str) -> None:
    split_compose_command(text)
    with contextlib.suppress(ShellSyntaxError):  # the one error its callers handle
        lex_script(text)


@FUZZ
@given(texts(".dockerignore"), st.text(max_size=30))
def test_go_patterns(pattern: str, name: str) -> None:
    with contextlib.suppress(BadPattern):  # the one error its callers handle
        go_match(pattern, name)


@FUZZ
@given(texts("pyproject.toml"), texts("setup.cfg"), texts("setup.py"))
def test_local_project(pyproject: str, setup_cfg: str, setup_py: str) -> None:
    """A local project the image installs: metadata or problems, never an exception."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in (("pyproject.toml", pyproject), ("setup.cfg", setup_cfg), ("setup.py", setup_py)):
            (root / name).write_bytes(text.encode("utf-8", "surrogateescape"))
        project = read_local_project(root)
        assert project is not None
        _positions_are_real(pyproject + setup_cfg + setup_py, project.problems)
