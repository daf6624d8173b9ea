"""Where the model resolves each import of a container: one typed answer per import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.config import Config
from preflight.diagnostics import Span
from preflight.model.build import build_project
from preflight.model.imports import (
    Excluded,
    InImage,
    Installed,
    InstallFails,
    Missing,
    NeverCopied,
    NotCopied,
    NotInThisPython,
    NotNeeded,
    OffSysPath,
    OutsideContext,
    Resolution,
    Stdlib,
    Undeclared,
    Unknown,
    UnknownReason,
    every_import,
    import_resolutions,
)

if TYPE_CHECKING:
    from pathlib import Path

COMPOSE = "services:\n  api:\n    build: ./api\n"
DOCKERFILE = """FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY main.py .
CMD ["python", "main.py"]
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _resolve(root: Path, main: str, files: dict[str, str] | None = None) -> dict[str, Resolution]:
    """The resolution of every import of `api/main.py` (by imported name) in service api."""
    defaults = {
        "compose.yaml": COMPOSE,
        "api/Dockerfile": DOCKERFILE,
        "api/requirements.txt": "click==8.1.7\n",
        "api/main.py": main,
    }
    _write(root, defaults | (files or {}))
    project = build_project(root, Config())
    return {found.name: found.resolution for found in every_import(project) if found.service == "api"}


def test_stdlib_and_future(tmp_path: Path) -> None:
    found = _resolve(tmp_path, "from __future__ import annotations\nimport os\nimport json.decoder\n")
    assert found == {"__future__": Stdlib(), "os": Stdlib(), "json.decoder": Stdlib()}


def test_optional_type_checking_and_version_guarded_imports_are_not_needed(tmp_path: Path) -> None:
    main = (
        "import sys\nfrom typing import TYPE_CHECKING\n"
        "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"
        "if TYPE_CHECKING:\n    import mypy_extensions\n"
        "if sys.version_info < (3, 11):\n    import tomli\n"
    )
    found = _resolve(tmp_path, main)
    assert found["ujson"] == NotNeeded()
    assert found["mypy_extensions"] == NotNeeded()
    assert found["tomli"] == NotNeeded()


def test_first_party_module_in_the_image(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace("COPY main.py .", "COPY main.py helpers.py ./")
    found = _resolve(tmp_path, "import helpers\n", {"api/Dockerfile": dockerfile, "api/helpers.py": ""})
    resolution = found["helpers"]
    assert isinstance(resolution, InImage)
    assert resolution.hit is not None
    assert (resolution.hit.image_path, resolution.hit.context_path) == ("/app/helpers.py", "helpers.py")


def test_installed_declared_and_transitive(tmp_path: Path) -> None:
    found = _resolve(
        tmp_path, "import yaml\nimport starlette\n", {"api/requirements.txt": "PyYAML==6.0.2\nfastapi==0.115.6\n"}
    )
    assert found["yaml"] == Installed("pyyaml", transitive=False)
    assert found["starlette"] == Installed("fastapi", transitive=True)


def test_missing_when_every_dependency_is_known(tmp_path: Path) -> None:
    assert _resolve(tmp_path, "import yaml\n")["yaml"] == Missing()


def test_undeclared_when_an_installed_distribution_has_unknown_dependencies(tmp_path: Path) -> None:
    found = _resolve(tmp_path, "import yaml\n", {"api/requirements.txt": "somethingunknown==1.0\n"})
    assert found["yaml"] == Undeclared()


def test_unknown_when_a_run_may_have_written_it(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace("RUN pip install -r requirements.txt", "RUN make install")
    found = _resolve(tmp_path, "import yaml\n", {"api/Dockerfile": dockerfile})
    assert found["yaml"] == Unknown(UnknownReason.IMAGE_UNSEEN)


def test_unknown_when_an_install_is_not_understood(tmp_path: Path) -> None:
    found = _resolve(tmp_path, "import yaml\n", {"api/requirements.txt": "-r https://example.com/requirements.txt\n"})
    assert found["yaml"] == Unknown(UnknownReason.INSTALL_NOT_UNDERSTOOD)


def test_not_in_this_python(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace("python:3.12-slim", "python:3.10-slim")
    found = _resolve(tmp_path, "import tomllib\n", {"api/Dockerfile": dockerfile})
    assert found["tomllib"] == NotInThisPython("3.10", "python:3.10-slim")


def test_setuptools_modules_are_gone_from_python_3_12_images(tmp_path: Path) -> None:
    assert _resolve(tmp_path, "import pkg_resources\n")["pkg_resources"] == NotInThisPython("3.12", "python:3.12-slim")


def test_install_that_fails_is_not_judged_again_at_the_import(tmp_path: Path) -> None:
    found = _resolve(
        tmp_path,
        "import shared\n",
        {
            "api/requirements.txt": "-e ../shared-lib\n",
            "shared-lib/pyproject.toml": '[project]\nname = "shared"\nversion = "1"\n',
            "shared-lib/shared/__init__.py": "",
        },
    )
    assert found["shared"] == InstallFails("-e ../shared-lib")


def test_in_the_repository_but_outside_the_build_context(tmp_path: Path) -> None:
    found = _resolve(tmp_path, "import config\n", {"config.py": "X = 1\n"})
    assert found["config"] == NotCopied("config.py", Span("compose.yaml", 3, 12, 3, 17), "api", OutsideContext())


def test_in_the_build_context_but_never_copied(tmp_path: Path) -> None:
    found = _resolve(tmp_path, "import config\n", {"api/config.py": "X = 1\n"})
    resolution = found["config"]
    assert isinstance(resolution, NotCopied)
    assert resolution.found_at == "api/config.py"
    assert resolution.why == NeverCopied(Span("api/Dockerfile", 5, 1, 5, 15))


def test_excluded_by_dockerignore(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace("COPY main.py .", "COPY . .")
    found = _resolve(
        tmp_path,
        "import lib\n",
        {"api/Dockerfile": dockerfile, "api/lib/__init__.py": "", "api/.dockerignore": "lib/\n"},
    )
    resolution = found["lib"]
    assert isinstance(resolution, NotCopied)
    assert resolution.found_at == "api/lib/__init__.py"
    assert resolution.why == Excluded("lib/", Span("api/.dockerignore", 1, 1))


def test_copied_off_sys_path(tmp_path: Path) -> None:
    dockerfile = DOCKERFILE.replace("COPY main.py .", "COPY main.py .\nCOPY lib/ /opt/lib/")
    found = _resolve(tmp_path, "import lib\n", {"api/Dockerfile": dockerfile, "api/lib/__init__.py": ""})
    resolution = found["lib"]
    assert isinstance(resolution, NotCopied)
    assert resolution.why == OffSysPath("/opt/lib", ("/app",))


def test_a_folder_without_init_is_found_at_the_folder(tmp_path: Path) -> None:
    found = _resolve(tmp_path, "import plugins.a\n", {"api/plugins/a.py": ""})
    resolution = found["plugins.a"]
    assert isinstance(resolution, NotCopied)
    assert resolution.found_at == "api/plugins/"


def test_one_answer_per_import_site_and_kind_across_services(tmp_path: Path) -> None:
    compose = COMPOSE + "  worker:\n    build: ./api\n"
    _write(
        tmp_path,
        {
            "compose.yaml": compose,
            "api/Dockerfile": DOCKERFILE,
            "api/requirements.txt": "click==8.1.7\n",
            "api/main.py": "import yaml\nimport yaml.constructor\n",
        },
    )
    found = import_resolutions(build_project(tmp_path, Config()))
    assert [(f.service, f.name, f.top, f.span.line, f.resolution) for f in found] == [
        ("api", "yaml", "yaml", 1, Missing()),
        ("api", "yaml.constructor", "yaml", 2, Missing()),
    ]


def test_precedence_not_in_this_python_before_not_copied(tmp_path: Path) -> None:
    """A repository copy of a module the image's Python lacks does not make it "not copied"."""
    dockerfile = DOCKERFILE.replace("python:3.12-slim", "python:3.10-slim")
    found = _resolve(tmp_path, "import tomllib\n", {"api/Dockerfile": dockerfile, "tomllib.py": ""})
    assert found["tomllib"] == NotInThisPython("3.10", "python:3.10-slim")


def test_precedence_installed_before_not_copied(tmp_path: Path) -> None:
    """A module site-packages provides is installed, whatever copies of it the repository holds."""
    found = _resolve(tmp_path, "import yaml\n", {"api/requirements.txt": "PyYAML\n", "vendor/yaml/__init__.py": ""})
    assert found["yaml"] == Installed("pyyaml", transitive=False)


def test_precedence_not_copied_before_undeclared(tmp_path: Path) -> None:
    """A module the repository has is first-party: it is "not copied", not an undeclared distribution."""
    found = _resolve(tmp_path, "import config\n", {"api/requirements.txt": "somethingunknown\n", "config.py": ""})
    assert isinstance(found["config"], NotCopied)
