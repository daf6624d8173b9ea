"""PF301."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.model.requirement_files import repository_requirement_files
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from preflight.model.project import Project
    from preflight.parse.requirements import Requirement


class InvalidRequirement(Rule):
    """A requirements file has a line pip rejects.

    ## What it does
    Parses every requirements and constraints file of the repository (and every file an image
    installs) as pip does, and reports the lines pip would refuse, with pip's reason. A bare
    path to another requirements file (`requirements/base.txt` without `-r`) is one: pip installs
    a path only when it is a project folder or an archive, so the help says to add `-r`. A bare
    file name (`base.txt`) is a valid project name to pip, which then looks for a project of
    that name on the index: a warning when a file of that name lies beside the requirements file.

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
            folder = (project.root / parsed.path).parent
            for requirement in parsed.requirements:
                if _names_sibling_file(requirement, folder):
                    yield self.at(
                        Span(parsed.path, requirement.line, requirement.col, requirement.line, requirement.end_col),
                        f"pip reads `{requirement.name}` as the name of a project to download from the index, "
                        "not as the requirements file beside this one",
                        severity=Severity.WARNING,
                        help=f"add `-r`: `-r {requirement.name}` (read relative to this file's folder)",
                    )


def _names_sibling_file(requirement: Requirement, folder: Path) -> bool:
    """`base.txt` alone on a line, and `base.txt` is a file next to the requirements file."""
    name = requirement.name
    plain = not (requirement.specifier or requirement.extras or requirement.url or requirement.marker)
    return plain and name is not None and name.lower().endswith((".txt", ".in")) and (folder / name).is_file()
