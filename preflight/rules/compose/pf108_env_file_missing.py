"""PF108."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.files import PathKind, probe
from preflight.model.compose.env_files import env_file_refs
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

    ## References
    - [Compose file reference: `env_file`](https://docs.docker.com/reference/compose-file/services/#env_file)
    - [Compose: `.env` file syntax](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax)
    """

    id = "PF108"
    name = "env-file-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Required env files that are absent: one finding per file, the other uses as notes."""
        by_file: dict[tuple[str, str], list[tuple[Span, str, str]]] = {}
        for compose, service in project.services():
            for ref in env_file_refs(service):
                if ref.required and probe(ref.path) is PathKind.MISSING:
                    by_file.setdefault((str(compose.directory), str(ref.path)), []).append(
                        (ref.span, service.name, ref.shown)
                    )
        for uses in by_file.values():
            groups = services_by_span((span, name) for span, name, _ in uses)
            spans = sorted(groups, key=lambda s: (s.path, s.line, s.col))
            names = [n for span in spans for n in groups[span]]
            yield self.at(
                spans[0],
                f"env file `{uses[0][2]}` of {service_list(list(dict.fromkeys(names)))} not found",
                help="create it before deploying, or use `- path: ...` with `required: false`",
                service=names[0],
                related=[Related(span, f"also required by {service_list(groups[span])}") for span in spans[1:]],
            )
