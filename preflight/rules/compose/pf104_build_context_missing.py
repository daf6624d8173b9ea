"""PF104."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.files import PathKind, probe
from preflight.model.image.build_paths import build_paths
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class BuildContextMissing(Rule):
    """A service's local build context does not exist.

    ## What it does
    Checks that `build:` / `build.context` names an existing folder (remote contexts such as git
    URLs are not checked).

    ## Why is this bad?
    `docker compose build` fails with `unable to prepare context: path "..." not found`.

    ## Example
    ```yaml
    services:
      api:
        build: ./servcies/api
    ```

    ## Use instead
    ```yaml
        build: ./services/api
    ```

    ## References
    - [Compose file reference: `build.context`](https://docs.docker.com/reference/compose-file/build/#context)
    - [Build context](https://docs.docker.com/build/concepts/context/)
    """

    id = "PF104"
    name = "build-context-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Build contexts that are not folders."""
        for _compose, service in project.services():
            paths = build_paths(service)
            kind = probe(paths.context) if paths is not None else PathKind.DIR
            if paths is None or kind in (PathKind.DIR, PathKind.UNKNOWN):
                continue  # a folder that cannot be looked at is reported as unreadable (PF002)
            what = "does not exist" if kind is PathKind.MISSING else "is not a folder"
            yield self.at(
                paths.context_span,
                f'build context `{paths.context_shown}` of service "{service.name}" {what}',
                service=service.name,
            )
