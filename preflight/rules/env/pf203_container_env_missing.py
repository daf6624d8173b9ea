"""PF203."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.rules.base import Rule
from preflight.rules.env._findings import env_findings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class ContainerEnvMissing(Rule):
    """The container reads a variable it never receives.

    ## What it does
    Follows each service's code from its entry point and finds the environment variables it
    reads (`os.environ["X"]`, `os.getenv`, pydantic-settings fields, django-environ/environs/
    decouple calls), and the `$VAR` its `command`, `entrypoint` and `healthcheck.test` expand
    in the container. Each is checked against what the container really gets: compose
    `environment` and `env_file`, Dockerfile `ENV`, and the base image's own variables. `.env`
    is not among them: it only feeds compose interpolation.

    ## Why is this bad?
    `KeyError: 'REDIS_PASSWORD'` at start, or a health check that authenticates with an
    empty password forever, so every service that waits for it never starts.

    ## Example
    ```yaml
    redis:
      image: redis:7
      command: redis-server --requirepass ${REDIS_PASSWORD}
      healthcheck:
        test: ["CMD-SHELL", "redis-cli -a $$REDIS_PASSWORD ping"]
    ```

    ## Use instead
    ```yaml
      environment:
        REDIS_PASSWORD: ${REDIS_PASSWORD}
    ```

    ## References
    - [Compose: set environment variables within a container's environment](https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/)
    - [Compose file reference: `environment`](https://docs.docker.com/reference/compose-file/services/#environment)
    - [Compose file reference: `env_file`](https://docs.docker.com/reference/compose-file/services/#env_file)
    - [Compose: variables and interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    """

    id = "PF203"
    name = "container-env-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Variables read in the container but not passed to it."""
        for f in env_findings(project, self.id):
            yield self.at(f.span, f.message, help=f.help, service=f.service, related=f.related, severity=f.severity)
