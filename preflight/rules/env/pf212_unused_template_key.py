"""PF212."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.compose.template_reads import template_reads
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class UnusedTemplateKey(Rule):
    """A key of the env template that nothing reads.

    ## What it does
    Lists the keys of a compose project's env template (`.env.example`, `.env.sample`,
    `.env.template`, `env.example`...) that no compose file interpolates or passes on, and that
    no other file of the repository names: not the code, the scripts, the Dockerfiles, the
    configuration files or the Makefiles. It stays silent on a template whose `.env` a container
    may receive whole (`env_file: .env`), or that some program may load itself (python-dotenv,
    `source .env`, `include .env`, pydantic's `env_file`, the JavaScript tooling of a folder
    with a `package.json`), since any program in the container may then read any key; keys that
    compose and Docker read themselves (`COMPOSE_*`, `DOCKER_*`) are never reported.

    ## Why is this bad?
    Compose only passes a container the variables its compose file names. A key that nothing
    reads is dead configuration: whoever deploys fills it in and expects it to do something,
    while the setting it was meant for is a default nobody sees, or was renamed.

    ## Example
    ```dotenv
    # .env.example
    DATABASE_URL=postgres://app:app@db/app
    SENTRY_DSN=
    ```
    ```yaml
    services:
      api:
        environment:
          DATABASE_URL: ${DATABASE_URL}
    ```

    ## Use instead
    Remove `SENTRY_DSN` from the template, or pass it to the service that needs it
    (`SENTRY_DSN: ${SENTRY_DSN}` under `environment:`).

    ## References
    - [Compose: set environment variables within a container](https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/)
    - [Compose: interpolation and the `.env` file](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    """

    id = "PF212"
    name = "unused-template-key"
    severity = Severity.INFO

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """One finding per unread key, at its line in the template."""
        for template in template_reads(project):
            if template.unknown is not None:
                continue
            for key in template.keys:
                if key.read:
                    continue
                yield self.at(
                    key.span,
                    f"`{key.name}` is listed in the env template {template.path} but nothing reads it: no compose "
                    "file interpolates or passes it on, and no other file of the repository names it",
                    help=f"remove `{key.name}` from {template.path}, or pass it to the service that needs it "
                    f"(`{key.name}: ${{{key.name}}}` under `environment:`)",
                )
