"""What the model says of an image's installs: the commands, their typed problems, what they provide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.config import Config
from preflight.diagnostics import Span
from preflight.model.build import build_project
from preflight.model.image.provided import provided_modules
from preflight.model.image.requirements import (
    CopiedLater,
    InContextNotCopied,
    InstallAnalysis,
    InstallProblem,
    LocalTargetMissing,
    NotAProject,
    OutsideContextBeside,
    RequirementsFileMissing,
)

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.project import Project

COMPOSE = "services:\n  api:\n    build: ./api\n"


def _project(root: Path, dockerfile: str, files: dict[str, str]) -> Project:
    for rel, text in {"compose.yaml": COMPOSE, "api/Dockerfile": dockerfile, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return build_project(root, Config())


def _installs(root: Path, dockerfile: str, files: dict[str, str] | None = None) -> list[InstallAnalysis]:
    return _project(root, dockerfile, files or {}).installs()


def _problems(root: Path, dockerfile: str, files: dict[str, str] | None = None) -> list[InstallProblem]:
    return [problem for analysis in _installs(root, dockerfile, files) for problem in analysis.problems]


def test_install_commands_with_cd_and_options(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        "RUN cd sub && pip install --no-deps -r req.txt -c cons.txt -e ./lib fastapi && uv sync --no-dev\n"
    )
    (analysis, sync) = _installs(tmp_path, dockerfile)
    install = analysis.install
    assert (install.tool, install.cwd, install.no_deps) == ("pip", "/app/sub", True)
    assert (install.requirement_files, install.constraint_files) == (("req.txt",), ("cons.txt",))
    assert (install.editables, install.targets) == (("./lib",), ("fastapi",))
    assert install.resolve("../x") == "/app/x"
    assert (sync.install.tool, sync.install.flag("--no-dev")) == ("uv sync", True)
    assert analysis.first_service == "api"


def test_requirements_file_installed_before_it_is_copied(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nRUN pip install -r requirements.txt\nCOPY . .\n"
    (problem,) = _problems(tmp_path, dockerfile, {"api/requirements.txt": "click\n"})
    assert problem == RequirementsFileMissing(
        Span("api/Dockerfile", 3, 1, 3, 36),
        False,
        "/app/requirements.txt",
        False,
        None,
        "no COPY puts it there (base image python:3.12-slim)",
    )


def test_constraints_file_kept_out_by_dockerignore(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    files = {
        "api/requirements.txt": "-c secret.txt\nclick\n",
        "api/secret.txt": "",
        "api/.dockerignore": "secret.txt\n",
    }
    (problem,) = _problems(tmp_path, dockerfile, files)
    assert isinstance(problem, RequirementsFileMissing)
    assert (problem.span, problem.in_file, problem.image_path, problem.constraint) == (
        Span("api/requirements.txt", 1, 4),
        True,
        "/app/secret.txt",
        True,
    )
    assert problem.excluded_by is not None
    assert (problem.excluded_by.text, problem.reason) == ("secret.txt", "excluded by .dockerignore")


def test_local_requirement_outside_the_build_context(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    files = {"api/requirements.txt": "-e ../shared-lib\n", "shared-lib/pyproject.toml": "[project]\nname='s'\n"}
    (problem,) = _problems(tmp_path, dockerfile, files)
    assert isinstance(problem, LocalTargetMissing)
    assert (problem.span, problem.written, problem.cwd, problem.image_path) == (
        Span("api/requirements.txt", 1, 4, 1, 17),
        "-e ../shared-lib",
        "/app",
        "/shared-lib",
    )
    assert problem.where == OutsideContextBeside("shared-lib", "api")
    assert problem.in_file
    assert problem.requirement is not None
    assert (problem.requirement[0], problem.requirement[1].local_path) == ("api/requirements.txt", "../shared-lib")


def test_local_requirement_in_the_context_not_yet_copied(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    files = {"api/requirements.txt": "-e ./lib\n", "api/lib/pyproject.toml": "[project]\nname='lib'\n"}
    (problem,) = _problems(tmp_path, dockerfile, files)
    assert isinstance(problem, LocalTargetMissing)
    assert problem.where == InContextNotCopied()


def test_local_target_on_the_command_line_copied_only_later(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nRUN pip install ./lib\nCOPY lib/ ./lib/\n"
    (problem,) = _problems(tmp_path, dockerfile, {"api/lib/setup.py": ""})
    assert isinstance(problem, LocalTargetMissing)
    assert (problem.span, problem.in_file, problem.requirement) == (Span("api/Dockerfile", 3, 1, 3, 22), False, None)
    assert problem.where == CopiedLater(Span("api/Dockerfile", 4, 1, 4, 17))


def test_local_folder_that_is_no_project(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install ./libs\n"
    (problem,) = _problems(tmp_path, dockerfile, {"api/libs/common/setup.py": ""})
    assert problem == NotAProject(Span("api/Dockerfile", 4, 1, 4, 23), False, "./libs", "/app/libs")


def test_provided_declared_transitive_and_local_projects(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt ./lib\n"
    files = {
        "api/requirements.txt": "fastapi==0.115.6\nPyYAML\n",
        "api/lib/pyproject.toml": '[project]\nname = "mylib"\nversion = "1"\ndependencies = ["click"]\n',
        "api/lib/mylib/__init__.py": "",
    }
    project = _project(tmp_path, dockerfile, files)
    provided = provided_modules(project, project.images[0])
    assert provided.declared["yaml"] == "pyyaml"
    assert provided.declared["mylib"] == "mylib"
    assert provided.declared["click"] == "click"
    assert provided.transitive["starlette"] == "fastapi"
    assert (provided.installs, provided.unknown, provided.broken) == (1, False, {})
    assert {"fastapi", "pyyaml", "click"} <= provided.distributions


def test_provided_remembers_what_a_failing_local_install_was_for(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    files = {
        "api/requirements.txt": "-e ../shared-lib\n",
        "shared-lib/pyproject.toml": '[project]\nname = "shared"\nversion = "1"\n',
        "shared-lib/shared/__init__.py": "",
    }
    project = _project(tmp_path, dockerfile, files)
    provided = provided_modules(project, project.images[0])
    assert provided.broken == {"shared": "-e ../shared-lib"}
    assert "shared" not in provided.declared


def test_provided_is_unknown_after_an_opaque_install(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN ./install.sh\n"
    project = _project(tmp_path, dockerfile, {})
    provided = provided_modules(project, project.images[0])
    assert (provided.unknown, provided.installs) == (True, 0)
