"""PF302."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.rules.base import Rule
from preflight.rules.requirements._install_issues import install_issues

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
        for issue, service in install_issues(project, self.id):
            yield self.at(issue.span, issue.message, help=issue.help, service=service, related=issue.related)
