"""PF107."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.compose.resources import resource_uses
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project

_IMPLICIT = {"networks": {"default"}}


class UndefinedResource(Rule):
    """A service uses a named volume, network, secret or config that is not declared.

    ## What it does
    Checks that every named volume (`pgdata:/var/lib/postgresql/data`), network, secret and
    config a service uses is declared under the top-level key of the same name.

    ## Why is this bad?
    Compose refuses the project: `service "db" refers to undefined volume pgdata`.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        volumes: ["pgdata:/var/lib/postgresql/data"]
    ```

    ## Use instead
    ```yaml
    volumes:
      pgdata:
    ```

    ## References
    - [Compose file reference: volumes](https://docs.docker.com/reference/compose-file/volumes/)
    - [Compose file reference: networks](https://docs.docker.com/reference/compose-file/networks/)
    - [Compose file reference: secrets](https://docs.docker.com/reference/compose-file/secrets/)
    - [Compose file reference: configs](https://docs.docker.com/reference/compose-file/configs/)
    """

    id = "PF107"
    name = "undefined-resource"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Uses of undeclared top-level resources."""
        for compose, service in project.services():
            for use in resource_uses(service):
                if use.name in compose.declared(use.kind) or use.name in _IMPLICIT.get(use.kind, set()):
                    continue
                singular = use.kind.rstrip("s")
                yield self.at(
                    use.span,
                    f'service "{service.name}" uses undefined {singular} "{use.shown}"',
                    help=f"declare it under the top-level `{use.kind}:` key",
                    service=service.name,
                )
