"""PF108."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.container_env import env_file_refs
from preflight.rules.base import Rule
from preflight.rules.issues import service_list, services_by_span

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class EnvFileMissing(Rule):
    """A service's `env_file` does not exist.

    ## What it does
    Checks every `env_file` entry of every service, relative to the compose project folder,
    unless the entry says `required: false`.

    ## Why is this bad?
    Compose refuses the project: `env file /srv/app/.env.prod not found`.

    ## Example
    ```yaml
    services:
      web:
        env_file: .env.prod
    ```
    in a repository that only has `.env.prod-sample`.

    ## Use instead
    Create the file during deployment, or mark it optional:
    ```yaml
        env_file:
          - path: .env.prod
            required: false
    ```
    """

    id = "PF108"
    name = "env-file-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Required env files that are absent."""
        missing = {}
        pairs = []
        for _compose, service in project.services():
            for ref in env_file_refs(service):
                if ref.required and not ref.path.exists():
                    missing[ref.span] = ref
                    pairs.append((ref.span, service.name))
        for span, names in services_by_span(pairs).items():
            yield self.at(
                span,
                f"env file `{missing[span].shown}` of {service_list(names)} not found",
                help="create it before deploying, or use `- path: ...` with `required: false`",
                service=names[0],
            )
