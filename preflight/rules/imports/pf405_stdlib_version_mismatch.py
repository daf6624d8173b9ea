"""PF405."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.imports import NotInThisPython, import_resolutions
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class StdlibVersionMismatch(Rule):
    """A standard-library module that the image's Python does not have.

    ## What it does
    Judges imports against the standard library of the image's Python version (from the base
    image tag, `python:3.10-slim` -> 3.10): `tomllib` needs 3.11, `distutils` and `imp` are gone
    in 3.12, and `python:3.12+` images no longer ship `setuptools`/`pkg_resources`.

    ## Why is this bad?
    The code works on the developer's Python and fails in the container.

    ## Example
    `import tomllib` in an image built `FROM python:3.10-slim`.

    ## Use instead
    Install the backport (`tomli`, `setuptools`) or use a newer base image.

    ## References
    - [Python: `sys.stdlib_module_names`](https://docs.python.org/3/library/sys.html#sys.stdlib_module_names)
    - [PEP 594: removing dead batteries from the standard library](https://peps.python.org/pep-0594/)
    - [PEP 632: deprecate distutils](https://peps.python.org/pep-0632/)
    - [PEP 680: tomllib](https://peps.python.org/pep-0680/)
    - [What's new in Python 3.12](https://docs.python.org/3/whatsnew/3.12.html)
    """

    id = "PF405"
    name = "stdlib-version-mismatch"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Imports resolved to `NotInThisPython`."""
        for found in import_resolutions(project):
            match found.resolution:
                case NotInThisPython(python, base):
                    yield self.at(
                        found.span,
                        f"`{found.top}` is not in the standard library of Python {python}, the image's Python "
                        f"({base or 'base image'})",
                        help="install the backport (e.g. `setuptools`, `tomli`), or pick a base image with a Python "
                        "that has it",
                        service=found.service,
                        severity=Severity.ERROR if found.breaks_start else Severity.WARNING,
                    )
                case _:
                    pass
