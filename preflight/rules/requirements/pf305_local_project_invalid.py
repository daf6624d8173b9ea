"""PF305."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.image.requirements import NotAProject
from preflight.rules.base import Rule
from preflight.rules.requirements._install_locations import install_locations

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class LocalProjectInvalid(Rule):
    """A path requirement points at a folder that is not a Python project.

    ## What it does
    Checks that every local folder an image installs (`pip install ./lib`, `-e .`) holds a
    `pyproject.toml`, `setup.py` or `setup.cfg`.

    ## Why is this bad?
    pip fails with `Directory './lib' is not installable. Neither 'setup.py' nor
    'pyproject.toml' found.`

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
