"""PF102."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.model.compose.problems import LoadProblemKind as Kind
from preflight.parse.yaml import YScalar, YSeq
from preflight.rules.base import Rule, assert_never
from preflight.rules.issues import load_problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.problems import LoadProblem
    from preflight.model.compose.project import Service
    from preflight.model.project import Project


def _references(service: Service) -> Iterator[tuple[str, str, Span]]:
    """(kind, target service, span) for every reference to another service."""
    for key, _ in service.mapping("depends_on").items:
        yield "depends_on", key.text(), key.span
    links = service.get("links")
    for item in links.items if isinstance(links, YSeq) else ():
        if isinstance(item, YScalar) and not item.unknown:
            yield "links", item.text().split(":", 1)[0], item.span
    mode = service.scalar("network_mode")
    if mode is not None and not mode.unknown and mode.text().startswith("service:"):
        yield "network_mode", mode.text().removeprefix("service:"), mode.span
    volumes_from = service.get("volumes_from")
    for item in volumes_from.items if isinstance(volumes_from, YSeq) else ():
        if isinstance(item, YScalar) and not item.unknown and not item.text().startswith("container:"):
            yield "volumes_from", item.text().removeprefix("service:").split(":", 1)[0], item.span


class UndefinedService(Rule):
    """A service refers to a service that does not exist.

    ## What it does
    Checks that `depends_on`, `links`, `extends.service`, `network_mode: service:x` and
    `volumes_from` name a service of the project (in any profile).

    ## Why is this bad?
    Compose refuses the project (`depends on undefined service`), usually after a rename.

    ## Example
    ```yaml
    services:
      api:
        image: api
        depends_on: [postgres]
      db:
        image: postgres:16
    ```

    ## Use instead
    ```yaml
        depends_on: [db]
    ```

    ## References
    - [Compose file reference: `depends_on`](https://docs.docker.com/reference/compose-file/services/#depends_on)
    - [Compose file reference: `extends`](https://docs.docker.com/reference/compose-file/services/#extends)
    - [Compose file reference: `links`](https://docs.docker.com/reference/compose-file/services/#links)
    - [Compose file reference: `network_mode`](https://docs.docker.com/reference/compose-file/services/#network_mode)
    - [Compose file reference: `volumes_from`](https://docs.docker.com/reference/compose-file/services/#volumes_from)
    """

    id = "PF102"
    name = "undefined-service"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """References to services that are not defined."""
        for _, loading in load_problems(project):
            message = _message(loading)
            if message is not None:
                yield self.at(loading.span, message, service=loading.service)
        for compose, service in project.services():
            if "*" in compose.remote:
                continue  # a remote include may define the service
            known = compose.all_services()
            for kind, target, span in _references(service):
                if target and target not in known:
                    yield self.at(
                        span,
                        f'service "{service.name}" refers to undefined service "{target}" in `{kind}`',
                        help=_did_you_mean(target, sorted(known)),
                        service=service.name,
                    )


def _did_you_mean(name: str, candidates: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1)
    return f'did you mean "{close[0]}"?' if close else None


def _message(problem: LoadProblem) -> str | None:
    """The message for an `extends` of a service that does not exist (others: other rules)."""
    match problem.kind:
        case Kind.UNDEFINED_BASE_SERVICE:
            return (
                f'service "{problem.service}" extends service "{problem.subject}", '
                f"which is not defined in {problem.in_file}"
            )
        case (
            Kind.UNREADABLE
            | Kind.UNPARSABLE
            | Kind.NOT_A_MAPPING
            | Kind.EMPTY
            | Kind.INVALID_INTERPOLATION
            | Kind.SCHEMA
            | Kind.REQUIRED_VARIABLE
            | Kind.INCLUDE_MISSING
            | Kind.INCLUDE_CYCLE
            | Kind.INCLUDED_SERVICE_CONFLICT
            | Kind.EXTENDS_MISSING
            | Kind.EXTENDS_CYCLE
        ):
            return None
        case _:
            assert_never(problem.kind)
