"""What the model says of local projects an image installs without their package sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.config import Config
from preflight.model.build import build_project
from preflight.model.image.local_installs import EditableLeftBehind, PackageCopiedLater, local_install_gaps
from preflight.model.image.provided import provided_modules
from preflight.model.runtime.container import project_runtimes
from preflight.model.runtime.package_needs import NeedKind, package_need

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.project import Project

SETUPTOOLS = (
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
    '[project]\nname = "myapp"\nversion = "0.1"\n[project.scripts]\nmyapp = "myapp.main:run"\n'
)
SOURCES = {"src/myapp/__init__.py": "", "src/myapp/main.py": "def run() -> None: ...\n"}


def _project(root: Path, dockerfile: str, pyproject: str = SETUPTOOLS, compose: str = "") -> Project:
    files = {
        "compose.yaml": compose or "services:\n  api:\n    build: .\n",
        "Dockerfile": dockerfile,
        "pyproject.toml": pyproject,
        **SOURCES,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return build_project(root, Config())


BEFORE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml .\nRUN pip install .\nCOPY src/ src/\n"


def test_package_copied_after_a_setuptools_install(tmp_path: Path) -> None:
    project = _project(tmp_path, BEFORE + 'CMD ["myapp"]\n')
    (gap,) = local_install_gaps(project)
    assert isinstance(gap, PackageCopiedLater)
    assert (gap.project_dir, gap.package, gap.source, gap.refusal) == ("/app", "myapp", "/app/src/myapp", None)
    assert (gap.copied_at.line, gap.scripts) == (5, (("myapp", "myapp.main:run"),))
    provided = provided_modules(project, project.images[0])
    assert "myapp" not in provided.declared
    assert "myapp" in provided.broken
    (runtime,) = project_runtimes(project)
    need = package_need(runtime, "myapp", gap.scripts)
    assert need is not None
    assert (need.kind, need.name, need.span.line) == (NeedKind.SCRIPT, "myapp", 6)


def test_backend_refusal_and_explicit_packages(tmp_path: Path) -> None:
    hatch = SETUPTOOLS.replace('["setuptools>=61"]', '["hatchling"]').replace(
        "setuptools.build_meta", "hatchling.build"
    )
    (gap,) = local_install_gaps(_project(tmp_path / "hatch", BEFORE, hatch))
    assert isinstance(gap, PackageCopiedLater)
    assert gap.refusal is not None
    assert gap.refusal.startswith("Unable to determine which files to ship")
    listed = SETUPTOOLS + '[tool.setuptools]\npackages = ["myapp"]\npackage-dir = {"" = "src"}\n'
    (gap,) = local_install_gaps(_project(tmp_path / "listed", BEFORE, listed))
    assert isinstance(gap, PackageCopiedLater)
    assert gap.refusal == "error in 'egg_base' option: 'src' does not exist or is not a directory"


def test_no_gap_when_copied_first_reinstalled_or_editable(tmp_path: Path) -> None:
    first = "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml .\nCOPY src/ src/\nRUN pip install .\n"
    assert local_install_gaps(_project(tmp_path / "a", first)) == []
    again = BEFORE + "RUN pip install --no-deps .\n"
    assert local_install_gaps(_project(tmp_path / "b", again)) == []
    editable = BEFORE.replace("pip install .", "pip install -e .")
    assert local_install_gaps(_project(tmp_path / "c", editable)) == []


def test_importable_from_the_working_directory_is_not_a_need(tmp_path: Path) -> None:
    project = _project(tmp_path, BEFORE + "WORKDIR /app/src\nCMD python -m myapp\n")
    (gap,) = local_install_gaps(project)
    (runtime,) = project_runtimes(project)
    assert package_need(runtime, gap.package, gap.scripts) is None


VENV = (
    "FROM python:3.12-slim AS builder\nRUN python -m venv /venv\nENV PATH=/venv/bin:$PATH\n"
    "WORKDIR /src\nCOPY . .\nRUN pip install -e .\n"
    "FROM python:3.12-slim\nCOPY --from=builder /venv /venv\nENV PATH=/venv/bin:$PATH\n"
)


def test_editable_install_left_behind(tmp_path: Path) -> None:
    project = _project(tmp_path, VENV + "CMD python -m myapp\n")
    (gap,) = local_install_gaps(project)
    assert isinstance(gap, EditableLeftBehind)
    assert (gap.environment, gap.package, gap.source, gap.copy.inst.span.line) == (
        "/venv",
        "myapp",
        "/src/src/myapp",
        8,
    )
    (runtime,) = project_runtimes(project)
    need = package_need(runtime, gap.package, gap.scripts)
    assert need is not None
    assert (need.kind, need.name) == (NeedKind.ENTRY, "myapp")


def test_editable_environment_must_be_known_and_the_source_missing(tmp_path: Path) -> None:
    no_venv = VENV.replace("RUN python -m venv /venv\n", "")
    assert local_install_gaps(_project(tmp_path / "a", no_venv)) == []
    system_first = VENV.replace("ENV PATH=/venv/bin:$PATH\nWORKDIR", "ENV PATH=/usr/local/bin:/venv/bin\nWORKDIR")
    assert local_install_gaps(_project(tmp_path / "b", system_first)) == []
    copied = VENV + "COPY --from=builder /src /src\n"
    assert local_install_gaps(_project(tmp_path / "c", copied)) == []
    explicit = VENV.replace("RUN pip install -e .", "RUN /venv/bin/pip install -e .").replace(
        "ENV PATH=/venv/bin:$PATH\nWORKDIR", "WORKDIR"
    )
    (gap,) = local_install_gaps(_project(tmp_path / "d", explicit))
    assert isinstance(gap, EditableLeftBehind)


def test_uv_sync_and_poetry_environments(tmp_path: Path) -> None:
    uv = (
        "FROM python:3.12-slim AS builder\nWORKDIR /app\nCOPY . .\n"
        "ENV UV_PROJECT_ENVIRONMENT=/opt/venv\nRUN uv sync --frozen\n"
        "FROM python:3.12-slim\nCOPY --from=builder /opt/venv /opt/venv\n"
    )
    (gap,) = local_install_gaps(_project(tmp_path / "uv", uv))
    assert isinstance(gap, EditableLeftBehind)
    assert gap.environment == "/opt/venv"
    assert local_install_gaps(_project(tmp_path / "uv-ne", uv.replace("--frozen", "--no-editable"))) == []
    virtual = SETUPTOOLS.replace(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n', ""
    )
    assert local_install_gaps(_project(tmp_path / "uv-virtual", uv, virtual)) == []
    poetry = (
        "FROM python:3.12-slim AS builder\nWORKDIR /app\nCOPY . .\nRUN poetry install\n"
        "FROM python:3.12-slim\nCOPY --from=builder /app/.venv /app/.venv\n"
    )
    assert local_install_gaps(_project(tmp_path / "poetry", poetry)) == []  # where poetry puts it is not known
    in_project = poetry.replace("RUN poetry", "ENV POETRY_VIRTUALENVS_IN_PROJECT=1\nRUN poetry")
    (gap,) = local_install_gaps(_project(tmp_path / "poetry-in", in_project))
    assert isinstance(gap, EditableLeftBehind)
    assert local_install_gaps(_project(tmp_path / "no-root", in_project.replace("install", "install --no-root"))) == []
