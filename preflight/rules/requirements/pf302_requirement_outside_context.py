"""PF302."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.image.requirements import (
    CopiedLater,
    InContextNotCopied,
    LocalTargetMissing,
    OutsideContextBeside,
)
from preflight.rules.base import Rule, assert_never
from preflight.rules.requirements._install_locations import install_locations

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class RequirementOutsideContext(Rule):
    """A local requirement is not in the image when pip installs it.

    ## What it does
    Resolves every `-e` and path requirement an image installs the way pip does (relative to
    the working directory of the `pip install`) and checks the image has it at that step: it
    must be inside the build context and COPYed before the `RUN pip install`.

    ## Why is this bad?
    `docker compose build` fails with `../shared-lib is not a valid editable requirement`: a
    Docker build sees only its context, and `../` climbs out of it.

    ## Example
    ```yaml
    services:
      api:
        build: ./api          # context: api/
    ```
    with `-e ../shared-lib` in `api/requirements.txt`.

    ## Use instead
    Build from the repository root (`context: .`, `dockerfile: api/Dockerfile`), COPY
    `shared-lib/` before installing and install it by its path in the image; or build a wheel.

    ## References
    - [pip: requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
    - [Build context](https://docs.docker.com/build/concepts/context/)
    - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    """

    id = "PF302"
    name = "requirement-outside-context"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Local requirements missing from the image at install time."""
        for analysis in project.installs():
            for problem in analysis.problems:
                match problem:
                    case LocalTargetMissing():
                        yield self.at(
                            problem.span,
                            f"`{problem.written}` is not in the image when pip runs: pip resolves it from "
                            f"`{problem.cwd}` to `{problem.image_path}`, which nothing has copied there"
                            + _where(problem),
                            help=(
                                "build from a context that contains the library (e.g. `context: .` with "
                                "`dockerfile: <service>/Dockerfile`), COPY it before installing, and install it by "
                                "its path in the image; or build a wheel and install that"
                            ),
                            service=analysis.first_service,
                            related=install_locations(analysis, with_run=problem.in_file),
                        )
                    case _:
                        pass


def _where(problem: LocalTargetMissing) -> str:
    match problem.where:
        case None:
            return ""
        case OutsideContextBeside(repo_path, context_rel):
            return f"; next to the requirements file it is `{repo_path}`, outside the build context `{context_rel}`"
        case InContextNotCopied():
            return "; it is in the build context but not yet COPYed"
        case CopiedLater(at):
            return f"; it is COPYed only later, at {at.path}:{at.line}"
        case _:
            assert_never(problem.where)
