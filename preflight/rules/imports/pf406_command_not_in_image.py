"""PF406."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.runtime.programs import missing_programs
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class CommandNotInImage(Rule):
    """A health check or command runs a program the image does not have.

    ## What it does
    Finds the programs `healthcheck.test`, `command` and `entrypoint` run and checks them
    against what well-known base images contain (`python:*-slim` has no `curl` or `wget`,
    alpine images have no `bash`), unless a `RUN apt-get install` / `apk add` provides them.
    Unknown images are not judged.

    ## Why is this bad?
    The health check fails with `exec: "curl": executable file not found`, the service never
    becomes healthy, and everything that waits for it never starts.

    ## Example
    ```yaml
    api:
      build: .            # FROM python:3.12-slim
      healthcheck:
        test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
    ```

    ## Use instead
    `test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]`,
    or install curl in the Dockerfile.

    ## References
    - [Compose file reference: `healthcheck`](https://docs.docker.com/reference/compose-file/services/#healthcheck)
    - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    - [Compose file reference: `command`](https://docs.docker.com/reference/compose-file/services/#command)
    """

    id = "PF406"
    name = "command-not-in-image"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Programs missing from images."""
        for found in missing_programs(project):  # one rule, one pass: nothing to share
            yield self.at(
                found.span,
                f'service "{found.service.name}" runs `{found.program}` ({found.context}), '
                f"which the image `{found.image}` does not have",
                help=f"install it in the Dockerfile (`apt-get install -y {found.program}` / `apk add {found.program}`) "
                "or use a program the image has (python, sh)",
                service=found.service.name,
            )
