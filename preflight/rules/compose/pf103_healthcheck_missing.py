"""PF103."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.runtime.healthcheck import has_healthcheck
from preflight.parse.yaml import YMap, YScalar
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class HealthcheckMissing(Rule):
    """A service waits for another to be healthy, but that one has no health check.

    ## What it does
    Finds `depends_on: {x: {condition: service_healthy}}` where service `x` defines no
    `healthcheck` (itself, through `extends`, or in its image's Dockerfile) and its image is not
    known to declare one.

    ## Why is this bad?
    Compose refuses to start the dependent service: `dependency failed to start: container x has
    no healthcheck configured`.

    ## Example
    ```yaml
    services:
      api:
        depends_on:
          cache: {condition: service_healthy}
      cache:
        image: redis:7
    ```

    ## Use instead
    ```yaml
      cache:
        image: redis:7
        healthcheck:
          test: ["CMD", "redis-cli", "ping"]
    ```

    ## References
    - [Compose file reference: `depends_on`](https://docs.docker.com/reference/compose-file/services/#depends_on)
    - [Compose file reference: `healthcheck`](https://docs.docker.com/reference/compose-file/services/#healthcheck)
    - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    """

    id = "PF103"
    name = "healthcheck-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """`service_healthy` conditions on services without a health check."""
        for compose, service in project.services():
            known = compose.all_services()
            for key, spec in service.mapping("depends_on").items:
                if not isinstance(spec, YMap):
                    continue
                condition = spec.get("condition")
                if not (isinstance(condition, YScalar) and condition.text() == "service_healthy"):
                    continue
                target = known.get(key.text())
                if target is None or has_healthcheck(project, target) is not False:
                    continue
                yield self.at(
                    condition.span,
                    f'service "{service.name}" waits for "{target.name}" to be healthy, '
                    f'but "{target.name}" has no healthcheck',
                    help=f'add a `healthcheck:` to "{target.name}", or use `condition: service_started`',
                    service=service.name,
                    related=[Related(target.key_span, f'service "{target.name}" is defined here')],
                )
