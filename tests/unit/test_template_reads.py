"""Who reads the keys of an env template: the facts behind dead template keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from preflight.config import Config
from preflight.model.build import build_project
from preflight.model.compose.template_reads import TemplateReads, template_reads

if TYPE_CHECKING:
    from pathlib import Path

COMPOSE = "services:\n  api:\n    image: python:3.12-slim\n    environment:\n      URL: ${URL}\n"


def _reads(tmp_path: Path, files: dict[str, str], compose: str = COMPOSE) -> TemplateReads:
    tree = {"compose.yaml": compose, ".env.example": "URL=x\nTOKEN=\n", **files}
    for name, text in tree.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (found,) = template_reads(build_project(tmp_path, Config()))
    return found


def _unread(found: TemplateReads) -> list[str]:
    return [key.name for key in found.keys if not key.read]


def test_a_key_compose_never_names_is_unread(tmp_path: Path) -> None:
    found = _reads(tmp_path, {})
    assert found.unknown is None
    assert found.path == ".env.example"
    assert _unread(found) == ["TOKEN"]
    assert found.keys[1].span.line == 2


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deploy.sh", 'curl -H "X: $TOKEN" x\n'),
        ("app/settings.py", 'import os\nTOKEN = os.environ["TOKEN"]\n'),
        ("config/app.toml", "token_var = 'TOKEN'\n"),
        ("compose.prod.yaml", "services:\n  api:\n    environment:\n      - TOKEN\n"),
        ("db.env", "DSN=${TOKEN}\n"),
    ],
)
def test_a_key_any_file_names_is_read(tmp_path: Path, name: str, text: str) -> None:
    assert _unread(_reads(tmp_path, {name: text})) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("README.md", "Set TOKEN to your API token.\n"),  # prose documents, it does not read
        ("tools/check.sh", "echo $TOKEN_OLD\n"),  # a whole word only
        ("prod.env", "TOKEN=abc\n"),  # an env file nobody uses defines it: still unread
    ],
)
def test_what_does_not_count_as_a_read(tmp_path: Path, name: str, text: str) -> None:
    assert _unread(_reads(tmp_path, {name: text})) == ["TOKEN"]


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("Makefile", "include .env\nexport\n", "Makefile loads env files itself (`.env`)"),
        ("app/main.py", "from dotenv import load_dotenv\n", "app/main.py loads env files itself (`dotenv`)"),
        ("package.json", "{}\n", "the JavaScript tooling of its folder may load `.env` itself"),
    ],
)
def test_a_program_that_loads_the_file_leaves_every_key_unknown(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    found = _reads(tmp_path, {name: text})
    assert found.unknown == reason
    assert _unread(found) == []


def test_a_service_receiving_the_whole_file_leaves_every_key_unknown(tmp_path: Path) -> None:
    compose = COMPOSE + "    env_file: .env\n"
    found = _reads(tmp_path, {".env": "URL=y\n"}, compose)
    assert found.unknown == 'service "api" receives the whole file through env_file'


def test_an_env_file_not_in_the_repository_leaves_every_key_unknown(tmp_path: Path) -> None:
    found = _reads(tmp_path, {}, COMPOSE + "    env_file: ./config/prod.env\n")
    assert found.unknown == 'the env_file `./config/prod.env` of service "api" is not in the repository'


def test_an_env_file_of_unknown_path_leaves_every_key_unknown(tmp_path: Path) -> None:
    found = _reads(tmp_path, {}, COMPOSE + "    env_file: ${ENV_FILE}\n")
    assert found.unknown == 'an env_file of service "api" cannot be known'


def test_a_key_another_env_file_of_a_service_defines_is_read(tmp_path: Path) -> None:
    compose = COMPOSE + "    env_file: api.env\n"
    assert _unread(_reads(tmp_path, {"api.env": "TOKEN=abc\n"}, compose)) == []


def test_keys_compose_and_docker_read_themselves(tmp_path: Path) -> None:
    template = "URL=x\nCOMPOSE_PROJECT_NAME=shop\nDOCKER_DEFAULT_PLATFORM=linux/amd64\nBUILDKIT_PROGRESS=plain\n"
    assert _unread(_reads(tmp_path, {".env.example": template})) == []


def test_excluded_files_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    (tmp_path / ".env.example").write_text("URL=x\nTOKEN=\n", encoding="utf-8")
    (tmp_path / "old.sh").write_text("echo $TOKEN\n", encoding="utf-8")
    (found,) = template_reads(build_project(tmp_path, Config(exclude=("old.sh",))))
    assert _unread(found) == ["TOKEN"]


def test_a_compose_file_no_project_loads_is_read_as_text(tmp_path: Path) -> None:
    prod = "services:\n  api:\n    image: python:3.12-slim\n    env_file: .env\n"
    found = _reads(tmp_path, {"deploy/compose.prod.yaml": prod})
    assert found.unknown == "deploy/compose.prod.yaml loads env files itself (`env_file`)"
