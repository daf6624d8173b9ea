"""PF303."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.model.image.requirements import RequirementsFileMissing
from preflight.model.requirement_files import repository_requirement_files
from preflight.rules.base import Rule
from preflight.rules.requirements._install_locations import install_locations

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class IncludeMissing(Rule):
    """A `-r`/`-c` requirements file does not exist (in the repository, or in the image).

    ## What it does
    Checks that every `-r` and `-c` include names an existing file relative to the including
    file, and that every requirements file a `RUN pip install` reads is in the image at that
    step (COPY order matters).

    ## Why is this bad?
    pip stops with `Could not open requirements file: [Errno 2] No such file or directory`.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    COPY requirements.txt .
    ```

    ## Use instead
    ```dockerfile
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    ```

    ## References
    - [pip: requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
    """

    id = "PF303"
    name = "include-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Missing includes in the repository and in images."""
        for parsed in repository_requirement_files(project):
            folder = (project.root / parsed.path).parent
            for include in parsed.includes:
                if "$" in include.target or "://" in include.target:
                    continue
                if not (folder / include.target).is_file():
                    yield self.at(
                        Span(parsed.path, include.line, include.col, include.line, include.end_col),
                        f"included file `{include.target}` does not exist (relative to {parsed.path})",
                    )
        for analysis in project.installs():
            for problem in analysis.problems:
                match problem:
                    case RequirementsFileMissing():
                        kind = "constraints" if problem.constraint else "requirements"
                        excluded = problem.excluded_by
                        why = f" ({problem.reason} `{excluded.text}`)" if excluded is not None else ""
                        yield self.at(
                            problem.span,
                            f"{kind} file `{problem.image_path}` is not in the image when pip runs{why}",
                            help="COPY it into the image before the RUN that installs it",
                            service=analysis.first_service,
                            related=install_locations(analysis, with_run=problem.in_file),
                        )
                    case _:
                        pass
