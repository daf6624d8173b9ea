"""Problems met while loading compose files are facts (kind, where, about what); rules word them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from preflight.config import Config
from preflight.diagnostics import Span
from preflight.model.build import build_project
from preflight.model.compose.problems import LoadProblem, LoadProblemKind
from preflight.rules.compose import pf101_compose_schema, pf102_undefined_service
from preflight.rules.env import pf202_required_variable
from preflight.rules.inputs import pf001_unparsable_file, pf002_unreadable_file

if TYPE_CHECKING:
    from pathlib import Path

Kind = LoadProblemKind


def _problems(tmp_path: Path, files: dict[str, str | bytes]) -> list[LoadProblem]:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    project = build_project(tmp_path, Config())
    return [problem for compose in project.compose for problem in compose.problems]


def _one(tmp_path: Path, compose: str | bytes, **files: str) -> LoadProblem:
    (problem,) = _problems(tmp_path, {"compose.yaml": compose, **files})
    return problem


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    problem = _one(tmp_path, "services:\n  web:\n    image: a\n    image: b\n")
    assert problem.kind is Kind.UNPARSABLE
    assert (problem.span.path, problem.span.line) == ("compose.yaml", 4)
    assert "image" in problem.detail


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    problem = _one(tmp_path, b"services:\n\x00\x01binary\n")
    assert problem.kind is Kind.UNREADABLE
    assert problem.span.path == "compose.yaml"
    assert problem.detail


def test_a_top_level_that_is_not_a_mapping(tmp_path: Path) -> None:
    problem = _one(tmp_path, "- web\n- db\n")
    assert problem.kind is Kind.NOT_A_MAPPING


def test_a_file_that_defines_nothing(tmp_path: Path) -> None:
    problem = _one(tmp_path, "name: empty\n")
    assert (problem.kind, problem.span.path) == (Kind.EMPTY, "compose.yaml")


def test_a_schema_problem_names_its_service(tmp_path: Path) -> None:
    problem = _one(tmp_path, "services:\n  api:\n    image: api\n    enviroment:\n      A: b\n")
    assert (problem.kind, problem.service, problem.span.line) == (Kind.SCHEMA, "api", 4)
    assert "enviroment" in problem.detail


def test_an_invalid_interpolation_names_its_key_path(tmp_path: Path) -> None:
    problem = _one(tmp_path, "services:\n  api:\n    image: ${TAG\n")
    assert (problem.kind, problem.subject, problem.service) == (Kind.INVALID_INTERPOLATION, "services.api.image", "api")


def test_a_required_variable_keeps_the_name_and_the_text(tmp_path: Path) -> None:
    problem = _one(tmp_path, "services:\n  api:\n    image: api:${TAG:?set a tag}\n")
    assert (problem.kind, problem.subject, problem.detail) == (Kind.REQUIRED_VARIABLE, "TAG", "set a tag")
    assert (problem.span.line, problem.span.col, problem.span.end_col) == (3, 16, 33)


def test_an_include_that_is_missing(tmp_path: Path) -> None:
    problem = _one(tmp_path, "include:\n  - other/compose.yaml\nservices:\n  api:\n    image: api\n")
    assert (problem.kind, problem.subject, problem.span.line) == (Kind.INCLUDE_MISSING, "other/compose.yaml", 2)


def test_an_include_cycle(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "compose.yaml": "include:\n  - sub/compose.yaml\nservices:\n  api:\n    image: api\n",
        "sub/compose.yaml": "include:\n  - ../compose.yaml\nservices:\n  db:\n    image: db\n",
    }
    found = {(p.kind, p.subject, p.span.path) for p in _problems(tmp_path, files)}
    # each file is a project of its own too (they are found by name): each meets the cycle
    assert found == {
        (Kind.INCLUDE_CYCLE, "../compose.yaml", "sub/compose.yaml"),
        (Kind.INCLUDE_CYCLE, "sub/compose.yaml", "compose.yaml"),
    }


def test_an_included_service_defined_twice(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "compose.yaml": "include:\n  - sub/compose.yaml\nservices:\n  api:\n    image: api\n",
        "sub/compose.yaml": "services:\n  api:\n    image: other\n",
    }
    (problem,) = _problems(tmp_path, files)
    assert (problem.kind, problem.subject, problem.service) == (Kind.INCLUDED_SERVICE_CONFLICT, "api", "api")


def test_an_extends_file_that_is_missing(tmp_path: Path) -> None:
    compose = "services:\n  api:\n    extends:\n      file: base.yaml\n      service: base\n"
    problem = _one(tmp_path, compose)
    assert (problem.kind, problem.subject, problem.service) == (Kind.EXTENDS_MISSING, "base.yaml", "api")


def test_an_extends_cycle(tmp_path: Path) -> None:
    compose = "services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: x\n    extends: a\n"
    problems = _problems(tmp_path, {"compose.yaml": compose})
    assert {p.kind for p in problems} == {Kind.EXTENDS_CYCLE}
    assert {p.service for p in problems} <= {"a", "b"}


def test_an_undefined_base_service_says_which_file_was_searched(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "compose.yaml": "services:\n  api:\n    extends:\n      file: base.yaml\n      service: nope\n",
        "base.yaml": "services:\n  base:\n    image: x\n",
    }
    (problem,) = _problems(tmp_path, files)
    assert (problem.kind, problem.subject, problem.service) == (Kind.UNDEFINED_BASE_SERVICE, "nope", "api")
    assert problem.in_file == "base.yaml"


def test_a_clean_project_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, {"compose.yaml": "services:\n  api:\n    image: api:${TAG:-1}\n"}) == []


WORDING = (
    pf001_unparsable_file._message,
    pf002_unreadable_file._message,
    pf101_compose_schema._message,
    pf102_undefined_service._message,
    pf202_required_variable._message,
)


@pytest.mark.parametrize("kind", list(LoadProblemKind), ids=lambda k: k.value)
def test_every_kind_is_worded_by_exactly_one_rule(kind: LoadProblemKind) -> None:
    problem = LoadProblem(kind, _span(), subject="x", detail="d", service="s", in_file="f.yaml")
    worded = [message for message in (word(problem) for word in WORDING) if message is not None]
    assert len(worded) == 1, worded
    assert worded[0]


def _span() -> Span:
    return Span("compose.yaml", 1, 1)


def test_the_rules_word_the_facts_as_before() -> None:
    span = _span()
    assert pf002_unreadable_file._message(LoadProblem(Kind.INCLUDE_MISSING, span, "a.yaml")) == (
        "included compose file `a.yaml` not found"
    )
    assert pf101_compose_schema._message(LoadProblem(Kind.EXTENDS_CYCLE, span, "b", service="a")) == (
        'circular extends from service "a"'
    )
    assert pf102_undefined_service._message(
        LoadProblem(Kind.UNDEFINED_BASE_SERVICE, span, "nope", service="api", in_file="base.yaml")
    ) == ('service "api" extends service "nope", which is not defined in base.yaml')
    assert pf202_required_variable._message(LoadProblem(Kind.REQUIRED_VARIABLE, span, "TAG")) == (
        "required variable TAG is missing a value"
    )
