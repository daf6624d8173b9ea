"""Which editable installs an import hook serves, and the imports a namespace folder takes from them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from preflight.config import Config
from preflight.model.build import build_project
from preflight.model.image.run_effects import editable_projects
from preflight.model.runtime.container import project_runtimes
from preflight.model.runtime.shadowing import finder_installs, shadowed_imports, uses_import_hook
from preflight.parse.pyproject import read_local_project

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.project import Project

PYPROJECT = '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
PROJECT = '[project]\nname = "common"\nversion = "1"\n'


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize(
    ("files", "hooked"),
    [
        ({"pyproject.toml": PYPROJECT + PROJECT, "common/__init__.py": ""}, True),
        ({"pyproject.toml": PROJECT, "common/__init__.py": ""}, True),  # pip's default build requirements
        ({"pyproject.toml": PYPROJECT + PROJECT, "src/common/__init__.py": ""}, False),  # src layout: a .pth folder
        ({"pyproject.toml": PYPROJECT + PROJECT + '[tool.setuptools]\npackages = ["common"]\n', "src/x": ""}, True),
        ({"pyproject.toml": PYPROJECT + PROJECT + '[tool.setuptools.package-dir]\n"" = "."\n'}, False),
        ({"pyproject.toml": PYPROJECT.replace(">=64", "<64") + PROJECT, "common/__init__.py": ""}, False),
        ({"pyproject.toml": PYPROJECT.replace(">=64", ">=61,<70") + PROJECT, "common/__init__.py": ""}, True),
        ({"pyproject.toml": '[build-system]\nrequires = ["wheel"]\n' + PROJECT, "common/__init__.py": ""}, False),
        ({"pyproject.toml": PYPROJECT + PROJECT, "setup.py": "", "common/__init__.py": ""}, False),
        ({"pyproject.toml": PYPROJECT.replace("setuptools.build_meta", "hatchling.build") + PROJECT}, False),
    ],
)
def test_uses_import_hook(tmp_path: Path, files: dict[str, str], hooked: bool) -> None:
    _write(tmp_path, files)
    local = read_local_project(tmp_path)
    assert local is not None
    assert uses_import_hook(local) is hooked


COMPOSE = "services:\n  api:\n    build: .\n"
LIB = {"libs/common/pyproject.toml": PYPROJECT + PROJECT, "libs/common/common/__init__.py": "X = 1\n"}


def _project(root: Path, install: str, files: dict[str, str]) -> Project:
    dockerfile = f'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n{install}\nCMD ["python", "main.py"]\n'
    _write(root, {"compose.yaml": COMPOSE, "Dockerfile": dockerfile, **LIB, **files})
    return build_project(root, Config())


@pytest.mark.parametrize(
    ("command", "projects"),
    [
        ("pip install -e ./libs/common", ("/app/libs/common",)),
        ("cd libs && pip install -e common[dev] -e /opt/x && rm -rf /tmp/x", ("/app/libs/common", "/opt/x")),
        ("pip install -r requirements.txt", None),  # creates nothing outside site-packages
        ("pip install -e ./libs/common && python generate.py", None),
        ("pip install -e git+https://example.com/x.git#egg=x", None),
        ("pip install --target /app -e ./libs/common", None),
        ("pip install -e ./libs/common > /app/log.txt", None),
    ],
)
def test_editable_projects(tmp_path: Path, command: str, projects: tuple[str, ...] | None) -> None:
    project = _project(tmp_path, f"RUN {command}", {"main.py": ""})
    model = project.image_of(project.compose[0].services["api"])
    assert model is not None
    assert model.image is not None
    assert model.image.final is not None
    (run,) = model.image.final.runs
    assert editable_projects(run) == projects


def test_shadowed_name_and_what_stays_silent(tmp_path: Path) -> None:
    main = "from common import X, helpers\nimport common.db\n"
    project = _project(tmp_path, "RUN pip install -e ./libs/common", {"main.py": main, "common/helpers.py": ""})
    (runtime,) = project_runtimes(project)
    assert set(finder_installs(project, runtime)) == {"common"}
    (found,) = shadowed_imports(project, runtime)
    assert (found.top, found.name, found.folder.path) == ("common", "X", "common/")
    assert found.folder_in_image == "/app/common"
    assert found.install.package == "/app/libs/common/common"
    assert (found.install.installed_at.path, found.install.installed_at.line) == ("Dockerfile", 4)


@pytest.mark.parametrize(
    ("install", "files"),
    [
        ("RUN pip install ./libs/common", {}),
        ("RUN pip install -e ./libs/common --config-settings editable_mode=strict", {}),
        ("RUN pip install --no-build-isolation -e ./libs/common", {}),
        ("RUN PIP_CONFIG_SETTINGS=editable_mode=compat pip install -e ./libs/common", {}),
        ("RUN pip install -e ./libs/common ./vendor/common-shim", {}),
        ("RUN pip install -e ./libs/common common", {}),  # a distribution of that name in site-packages
        ("RUN pip install -e ./libs/common && uv sync", {}),
        ("RUN pip install -e ./libs/common && ./generate.sh", {}),
        ("RUN pip install -e ./libs/common", {"common.py": ""}),
        ("RUN pip install -e ./libs/common", {"common/__init__.py": ""}),
        ("RUN pip install -e ./libs/common", {"common.cpython-311-x86_64-linux-gnu.so": ""}),
    ],
)
def test_nothing_is_shadowed(tmp_path: Path, install: str, files: dict[str, str]) -> None:
    shim = {"vendor/common-shim/pyproject.toml": '[project]\nname = "shim"\n', "vendor/common-shim/common/x.py": ""}
    main = {"main.py": "from common import X\n", "common/settings.yaml": "", **shim, **files}
    project = _project(tmp_path, install, main)
    (runtime,) = project_runtimes(project)
    assert shadowed_imports(project, runtime) == []
