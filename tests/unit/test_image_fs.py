"""COPY/ADD semantics of the image model, with exact expectations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from preflight.diagnostics import Span
from preflight.model.image.context import ContextFS
from preflight.model.image.evaluation import evaluate
from preflight.model.image.filesystem import ImageFS, Presence, image_paths_of
from preflight.model.image.stages import BuildSpec
from preflight.parse.dockerfile import parse_dockerfile
from preflight.parse.dockerignore import parse_dockerignore

if TYPE_CHECKING:
    from pathlib import Path


def _image(
    tmp_path: Path,
    dockerfile: str,
    files: dict[str, str],
    ignore: str | None = None,
    args: dict[str, str | None] | None = None,
) -> ImageFS:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    build = BuildSpec(tmp_path, tmp_path / "Dockerfile", None, dict(args or {}), None, {}, Span("compose.yaml"))
    image = evaluate(parse_dockerfile(dockerfile, "Dockerfile"), build)
    dockerignore = parse_dockerignore(ignore, ".dockerignore") if ignore is not None else None
    return ImageFS(image, ContextFS(tmp_path, dockerignore))


def _where(fs: ImageFS, path: str, stage: int = -1) -> tuple[str, str | None]:
    found = fs.locate(fs.image.stages[stage], path)
    return found.presence.value, found.context_path


FILES = {"requirements.txt": "x\n", "src/app/main.py": "", "src/app/__init__.py": "", "config.py": "", "README.md": ""}


def test_directory_source_copies_its_contents(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nWORKDIR /app\nCOPY src/ ./src/\n", FILES)
    assert _where(fs, "/app/src/app/main.py") == ("present", "src/app/main.py")
    assert _where(fs, "/app/src/app") == ("present", "src/app")
    assert _where(fs, "/app/app/main.py") == ("absent", None)
    assert _where(fs, "/app/config.py") == ("absent", None)


def test_file_into_workdir_and_renamed_file(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nCOPY config.py /etc/app.py\n"
    fs = _image(tmp_path, dockerfile, FILES)
    assert _where(fs, "/app/requirements.txt") == ("present", "requirements.txt")
    assert _where(fs, "/etc/app.py") == ("present", "config.py")
    assert _where(fs, "/etc/config.py") == ("absent", None)


def test_existing_directory_destination_without_slash(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nWORKDIR /app\nCOPY config.py /app\n", FILES)
    assert _where(fs, "/app/config.py") == ("present", "config.py")


def test_leading_slash_means_context_root_and_dot_copies_everything(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nCOPY /src /srv\nCOPY . /code\n", FILES)
    assert _where(fs, "/srv/app/main.py") == ("present", "src/app/main.py")
    assert _where(fs, "/code/config.py") == ("present", "config.py")


def test_glob_sources_and_multiple_sources(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nWORKDIR /app\nCOPY *.py requirements.txt uv.lock* ./\n", FILES)
    assert _where(fs, "/app/config.py") == ("present", "config.py")
    assert _where(fs, "/app/requirements.txt") == ("present", "requirements.txt")
    assert _where(fs, "/app/uv.lock") == ("absent", None)


def test_dockerignore_exclusion_and_exception(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n", FILES, ignore="*.py\n!src/**\n")
    found = fs.locate(fs.image.stages[0], "/app/config.py")
    assert found.presence is Presence.ABSENT
    assert found.excluded_by is not None
    assert found.excluded_by.text == "*.py"
    assert _where(fs, "/app/src/app/main.py") == ("present", "src/app/main.py")


def test_copy_from_stage_and_copy_order(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS builder\nWORKDIR /build\nCOPY src/ ./src/\n"
        "FROM python:3.12-slim\nCOPY --from=builder /build/src /app\nCOPY --from=ghcr.io/astral-sh/uv:0.9 /uv /bin/\n"
    )
    fs = _image(tmp_path, dockerfile, FILES)
    assert _where(fs, "/app/app/main.py") == ("present", "src/app/main.py")
    assert _where(fs, "/bin/uv") == ("unknown", None)
    final = fs.image.stages[1]
    assert fs.locate(final, "/app/app/main.py", before=0).presence is Presence.ABSENT


def test_parents_flag_keeps_the_path(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nCOPY --parents src/app/main.py /out/\n", FILES)
    assert _where(fs, "/out/src/app/main.py") == ("present", "src/app/main.py")


def test_build_args_substitute_in_copy_and_unknown_stays_unknown(tmp_path: Path) -> None:
    dockerfile = (
        "ARG BASE=python:3.12-slim\nFROM ${BASE}\nARG SRC=src\nARG DEST\nCOPY ${SRC}/ /app/\nCOPY config.py ${DEST}\n"
    )
    fs = _image(tmp_path, dockerfile, FILES, args={"DEST": None})
    assert fs.image.stages[0].base == "python:3.12-slim"
    assert _where(fs, "/app/app/main.py") == ("present", "src/app/main.py")
    assert _where(fs, "/anything/config.py") == ("unknown", None)


def test_unknown_base_image_leaves_paths_unknown(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM registry.example.com/team/base:1\nCOPY src/ /app/\n", FILES)
    assert _where(fs, "/app/config.py") == ("unknown", None)


def test_image_paths_of_explains_where_a_file_went(tmp_path: Path) -> None:
    fs = _image(tmp_path, "FROM python:3.12-slim\nCOPY src/ /opt/src/\nCOPY config.py /etc/\n", FILES)
    stage = fs.image.stages[0]
    assert image_paths_of(fs, stage, "src/app/main.py") == ["/opt/src/app/main.py"]
    assert image_paths_of(fs, stage, "config.py") == ["/etc/config.py"]
    assert image_paths_of(fs, stage, "README.md") == []


@pytest.mark.parametrize(
    ("target", "final", "built"),
    [(None, "runtime", ["runtime"]), ("builder", "builder", ["builder"])],
)
def test_target_selects_the_final_stage(tmp_path: Path, target: str | None, final: str, built: list[str]) -> None:
    dockerfile = "FROM python:3.12 AS builder\nRUN true\nFROM python:3.12-slim AS runtime\n"
    build = BuildSpec(tmp_path, None, None, {}, target, {}, Span("compose.yaml"))
    image = evaluate(parse_dockerfile(dockerfile, "Dockerfile"), build)
    assert image.final is not None
    assert image.final.name == final
    assert [s.name for s in image.needed_stages()] == built
