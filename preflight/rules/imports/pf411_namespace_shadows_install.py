"""PF411."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.runtime.shadowing import ShadowedImport, shadowed_imports
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class NamespaceShadowsInstall(Rule):
    """A folder without `__init__.py` on `sys.path` takes the place of a package installed in editable mode.

    ## What it does
    For each import of the container's code whose top-level name only a setuptools editable
    install provides (`pip install -e ./libs/common`, or `-e` in a requirements file), looks for
    a folder of that name without `__init__.py` in the container's `sys.path` folders (the
    working directory, the script's folder, `PYTHONPATH`). It reports `from name import X` when
    the project is one whose editable install setuptools serves through an import hook (a
    `pyproject.toml` without `setup.py`, setuptools 64 or later, a flat layout or a `packages`
    list without `package-dir`) and `X` is a submodule of neither the folder nor the package. A
    project in a `src` layout, `--config-settings editable_mode=strict|compat`, `--no-build-isolation`,
    another install of the same name, a regular package of that name elsewhere on `sys.path`, a
    folder that a `RUN` step or a mount may fill: none of these is judged.

    ## Why is this bad?
    Python's path finder looks for a regular package in every `sys.path` folder first, and
    settles for a folder without `__init__.py` (a namespace package) only when there is none.
    A plain install is a regular package in site-packages, so it wins; setuptools' editable
    install is not a folder on `sys.path` but an import hook that Python asks only *after* the
    path finder. So the stray folder wins, and the container dies at start with
    `ImportError: cannot import name 'Settings' from 'common' (unknown location)`, although the
    library is installed and works on the developer's machine, where the working directory holds
    no such folder. (`import common.db` and `from common import db` still work: the hook finds
    the package's submodules; a name its `__init__.py` defines is what is lost.)

    The folder is often the library's own project folder: with `COPY . .` and
    `pip install -e ./common` in `WORKDIR /app`, where the repository holds
    `common/pyproject.toml` and `common/common/__init__.py`, the working directory puts
    `/app/common` itself, without `__init__.py`, on `sys.path`.

    ## Example
    ```dockerfile
    WORKDIR /app
    COPY . .
    RUN pip install -e ./libs/common   # libs/common/common/__init__.py defines Settings
    CMD ["python", "main.py"]          # /app/common/ holds only settings.yaml
    ```

    ## Use instead
    Install the library without `-e` (`pip install ./libs/common`): a container seldom needs an
    editable install. Or rename the folder, or keep it out of the image with `.dockerignore`.
    `--config-settings editable_mode=compat` works too: it puts the project folder on `sys.path`.

    ## References
    - [Python: the import system, namespace packages](https://docs.python.org/3/reference/import.html#namespace-packages)
    - [PEP 420: implicit namespace packages, specification](https://peps.python.org/pep-0420/#specification)
    - [setuptools: development mode (editable installs), how it works](https://setuptools.pypa.io/en/latest/userguide/development_mode.html#how-editable-installations-work)
    """

    id = "PF411"
    name = "namespace-shadows-install"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Imports that a namespace folder answers instead of the editable install."""
        from preflight.model.runtime.container import project_runtimes

        seen: set[tuple[str, int, int, str]] = set()
        for runtime in project_runtimes(project):
            service = runtime.service.name
            for found in shadowed_imports(project, runtime):
                ref = found.ref
                key = (found.importer.path, ref.line, ref.col, found.name)
                if key in seen:
                    continue  # services built from one image import the same code
                seen.add(key)
                yield self.at(
                    Span(found.importer.path, ref.line, ref.col, ref.end_line, ref.end_col),
                    f"cannot import name `{found.name}` from `{found.top}` (unknown location): `{found.top}` "
                    f"is the folder `{found.folder_in_image}` without `__init__.py`, "
                    f"which Python imports as a namespace package before it asks the editable install of "
                    f'`{found.top}` (in the container of service "{service}")',
                    help=_fix(found),
                    service=service,
                    related=[
                        Related(found.folder, "the folder without `__init__.py`"),
                        Related(found.install.installed_at, "installed in editable mode here"),
                        Related(found.install.package_span, f"the package `{found.top}` the install provides"),
                    ],
                )


def _fix(found: ShadowedImport) -> str:
    if found.install.package.startswith(found.folder_in_image.rstrip("/") + "/"):
        return (
            f"install the library without `-e`, or with `--config-settings editable_mode=compat`: its project "
            f"folder `{found.folder.path}` is what Python imports instead"
        )
    folder = found.folder.path
    return f"install the library without `-e`, or rename or leave out the folder `{folder}` (`.dockerignore`)"
