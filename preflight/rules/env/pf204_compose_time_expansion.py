"""PF204."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.runtime.compose_time import compose_time_expansions
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class ComposeTimeExpansion(Rule):
    """A `$VAR` in a command is expanded by compose, not by the container's shell.

    ## What it does
    Finds `$VAR` in `command`, `entrypoint` or `healthcheck.test` that has no value when compose
    reads the file, but that the service's container environment does set (`environment:` or
    `env_file`).

    ## Why is this bad?
    Compose substitutes `""` before the container starts, so the shell never sees the variable
    the container has: `redis-cli -a $REDIS_PASSWORD ping` becomes `redis-cli -a ping`.

    ## Example
    ```yaml
    worker:
      environment:
        CONCURRENCY: "4"
      command: sh -c "celery -A app worker --concurrency=$CONCURRENCY"
    ```

    ## Use instead
    Escape it so the container's shell expands it: `--concurrency=$$CONCURRENCY`.
    Deliberate compose-time use (`${POSTGRES_USER:-postgres}`, or a variable `.env` defines)
    is not reported.

    ## References
    - [Compose file reference: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    """

    id = "PF204"
    name = "compose-time-expansion"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Compose-time expansions of container-only variables."""
        for compose in project.compose:
            for service in compose.services.values():
                for use, var in compose_time_expansions(project, compose, service):
                    yield self.at(
                        use.span,
                        f"`${use.name}` is expanded by compose when it reads the file, where it is not set; "
                        f'the container of "{service.name}" has it, but will receive an empty string',
                        help=f"write `$${use.name}` so the container's shell expands it",
                        service=service.name,
                        related=[Related(var.span, f"`{use.name}` is set for the container here ({var.origin.value})")],
                    )
