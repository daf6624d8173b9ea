"""PF301."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.model.requirement_files import repository_requirement_files
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class InvalidRequirement(Rule):
    """A requirements file has a line pip rejects.

    ## What it does
    Parses every requirements and constraints file of the repository (and every file an image
    installs) as pip does, and reports the lines pip would refuse, with pip's reason. A bare
    path to another requirements file (`requirements/base.txt` without `-r`) is one: pip installs
    a path only when it is a project folder or an archive, so the help says to add `-r`.

    ## Why is this bad?
    `pip install -r` stops at the first bad line, so `docker compose build` fails.

    ## Example
    ```
    fastapi = 0.115
    -e ../pyairtable-common
    ```

    ## Use instead
    ```
    fastapi==0.115
    ```

    ## References
    - [pip: requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
    - [Dependency specifiers (PEP 508)](https://packaging.python.org/en/latest/specifications/dependency-specifiers/)
    """

    id = "PF301"
    name = "invalid-requirement"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """pip's parse errors."""
        for parsed in repository_requirement_files(project):
            for problem in parsed.problems:
                yield self.at(
                    Span(parsed.path, problem.line, problem.col, problem.end_line, problem.end_col),
                    problem.message,
                    help=problem.help,
                )
