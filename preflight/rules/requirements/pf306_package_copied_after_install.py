"""PF306."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.image.local_installs import PackageCopiedLater, local_install_gaps
from preflight.model.runtime.package_needs import Need, NeedKind, gap_needs
from preflight.rules.base import Rule, assert_never
from preflight.rules.issues import need_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class PackageCopiedAfterInstall(Rule):
    """The project is installed before its package folder is copied into the image.

    ## What it does
    For every `pip install .` (or `pip install ./path`, `uv pip install .`) of a local project,
    reads the project's package layout statically (pyproject.toml, setup.cfg, setup.py) and
    checks that each top-level package folder is in the image when pip builds the project. It
    reports a package that only a later COPY brings, when the container needs it (an entry
    point, a console script of the project, or an import) and will not find it on its
    `sys.path` some other way.

    ## Why is this bad?
    pip builds the wheel from what is in the folder at that step. With only `pyproject.toml`
    copied, setuptools finds no package and builds a wheel without one: the build succeeds, the
    console script is installed, and the container fails at start with
    `ModuleNotFoundError: No module named 'myapp'`. The later COPY puts the sources in the
    image, but not where Python looks for installed packages.

    ## Example
    ```dockerfile
    WORKDIR /app
    COPY pyproject.toml .
    RUN pip install .
    COPY src/ src/
    CMD ["myapp"]
    ```

    ## Use instead
    ```dockerfile
    WORKDIR /app
    COPY pyproject.toml .
    COPY src/ src/
    RUN pip install .
    CMD ["myapp"]
    ```
    To keep a cached layer for the dependencies, install them first and the project again after
    copying it (`RUN pip install --no-deps .`).

    ## References
    - [pip: local project installs](https://pip.pypa.io/en/stable/topics/local-project-installs/)
    - [setuptools: automatic package discovery](https://setuptools.pypa.io/en/latest/userguide/package_discovery.html)
    - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    """

    id = "PF306"
    name = "package-copied-after-install"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Packages of a local project that pip builds before they are copied, and the container needs."""
        for gap in local_install_gaps(project):
            if not isinstance(gap, PackageCopiedLater) or gap.refusal is not None:
                continue  # a backend that refuses to build without the package: PF305's
            for runtime, need in gap_needs(project, gap):
                service = runtime.service.name
                yield self.at(
                    gap.analysis.install.run.inst.span,
                    f"`{gap.analysis.install.tool} install` builds the project at `{gap.project_dir}` before its "
                    f"package `{gap.package}` is in the image (`{gap.source}` is COPYed only later): the installed "
                    f'project does not contain it, and service "{service}" needs it ({need_text(need)})',
                    help=(
                        "COPY the package before installing the project, or install the project again after "
                        "copying it (`pip install --no-deps .`)"
                    ),
                    service=service,
                    related=[
                        Related(gap.copied_at, f"`{gap.source}` is COPYed here, after the install"),
                        Related(need.span, _needed_here(need)),
                    ],
                )
                break


def _needed_here(need: Need) -> str:
    match need.kind:
        case NeedKind.ENTRY | NeedKind.SCRIPT:
            return "the container's command needs the package here"
        case NeedKind.IMPORT:
            return "imported here"
        case _:
            assert_never(need.kind)
