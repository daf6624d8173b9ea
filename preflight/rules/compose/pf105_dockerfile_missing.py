"""PF105."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.files import PathKind, probe
from preflight.model.image.build_paths import build_paths
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class DockerfileMissing(Rule):
    """A service's Dockerfile does not exist.

    ## What it does
    Checks that `build.dockerfile` (default `Dockerfile`, relative to the build context) exists.
    `dockerfile_inline` and remote contexts are not checked.

    ## Why is this bad?
    `docker compose build` fails with `failed to read dockerfile: open Dockerfile: no such file`.

    ## Example
    ```yaml
    services:
      api:
        build:
          context: .
          dockerfile: api/Dockerfile.prod
    ```
    when the file is `api/Dockerfile`.

    ## Use instead
    Point `dockerfile:` at the file, relative to the context.

    ## References
    - [Compose file reference: `build.dockerfile`](https://docs.docker.com/reference/compose-file/build/#dockerfile)
    """

    id = "PF105"
    name = "dockerfile-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Dockerfiles that are not files (when the context itself exists)."""
        for _compose, service in project.services():
            paths = build_paths(service)
            if paths is None or paths.dockerfile is None or probe(paths.context) is not PathKind.DIR:
                continue
            if probe(paths.dockerfile) is not PathKind.MISSING:
                continue  # a Dockerfile that is there but cannot be read is PF002
            yield self.at(
                paths.dockerfile_span,
                f"Dockerfile `{paths.dockerfile_shown}` (in context `{paths.context_shown}`) "
                f'of service "{service.name}" does not exist',
                help="`dockerfile:` is relative to the build context",
                service=service.name,
            )
