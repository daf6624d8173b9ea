"""PF202."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.rules.base import Rule
from preflight.rules.issues import compose_issues

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class RequiredVariable(Rule):
    """A required variable (`${VAR:?message}`) has no value: compose refuses to start.

    ## What it does
    Evaluates `${VAR:?err}` and `${VAR?err}` with the interpolation sources and reports those
    that compose would reject.

    ## Why is this bad?
    `docker compose up` stops with `required variable VAR is missing a value: err`.

    ## Example
    ```yaml
    labels:
      - traefik.http.routers.api.rule=Host(`${DOMAIN?Variable not set}`)
    ```
    with no `DOMAIN` anywhere.

    ## Use instead
    Set the variable in `.env`, or list it in `provided-env` when the deployment supplies it.

    ## References
    - [Compose file reference: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    """

    id = "PF202"
    name = "required-variable"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Required variables that are missing."""
        for compose in project.compose:
            for issue in compose_issues(project, self.id):
                if issue in compose.issues:
                    yield self.at(
                        issue.span,
                        issue.message,
                        help=f"{compose.env.describe_sources()}",
                        service=issue.service,
                    )
