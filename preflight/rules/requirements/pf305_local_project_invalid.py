"""PF305."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.image.local_installs import PackageCopiedLater, local_install_gaps
from preflight.model.image.requirements import NotAProject
from preflight.rules.base import Rule
from preflight.rules.requirements._install_locations import install_locations

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class LocalProjectInvalid(Rule):
    """A path requirement points at a folder that is not a Python project (yet).

    ## What it does
    Checks that every local folder an image installs (`pip install ./lib`, `-e .`) holds a
    `pyproject.toml`, `setup.py` or `setup.cfg`, and that its build backend can build it from
    what the image holds at that step: a package folder that only a later COPY brings makes
    hatchling, poetry-core, flit, uv's backend and setuptools with explicit `packages` refuse.

    ## Why is this bad?
    pip fails with `Directory './lib' is not installable. Neither 'setup.py' nor
    'pyproject.toml' found.`, or the backend stops the build: `No file/folder found for
    package app`, `Unable to determine which files to ship inside the wheel`.

    ## Example
    ```
    -e ./libs
    ```
    where the project is `./libs/common`.

    ## Use instead
    ```
    -e ./libs/common
    ```

    ## References
    - [pip: local project installs](https://pip.pypa.io/en/stable/topics/local-project-installs/)
    - [`pyproject.toml` specification (PEP 621)](https://packaging.python.org/en/latest/specifications/pyproject-toml/)
    """

    id = "PF305"
    name = "local-project-invalid"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Local install targets without project metadata."""
        for analysis in project.installs():
            for problem in analysis.problems:
                match problem:
                    case NotAProject():
                        yield self.at(
                            problem.span,
                            f"`{problem.written}` ({problem.image_path}) is not a Python project: it has no "
                            "pyproject.toml, setup.py or setup.cfg",
                            help="point pip at the folder that holds the project's pyproject.toml",
                            service=analysis.first_service,
                            related=install_locations(analysis, with_run=problem.in_file),
                        )
                    case _:
                        pass
        for gap in local_install_gaps(project):
            if isinstance(gap, PackageCopiedLater) and gap.refusal is not None:
                analysis = gap.analysis
                yield self.at(
                    analysis.install.run.inst.span,
                    f"the project at `{gap.project_dir}` cannot be built at this step: its package `{gap.package}` "
                    f"(`{gap.source}`) is COPYed only later, and the build backend stops: {gap.refusal}",
                    help="COPY the package before installing the project",
                    service=analysis.first_service,
                    related=[
                        Related(gap.copied_at, f"`{gap.source}` is COPYed here, after the install"),
                        *install_locations(analysis, with_run=False),
                    ],
                )
