"""PF101."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.compose.problems import LoadProblemKind as Kind
from preflight.parse.interpolate import INVALID_REFERENCE
from preflight.rules.base import Rule, assert_never
from preflight.rules.issues import load_problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.problems import LoadProblem
    from preflight.model.compose.project import ComposeProject
    from preflight.model.project import Project


class ComposeSchema(Rule):
    """A compose file does not follow the Compose specification.

    ## What it does
    Checks every compose file, after interpolation, against the Compose specification: unknown
    keys (with a "did you mean" for typos), wrong types, invalid values, invalid interpolation
    templates, and services with neither `image` nor `build`.

    ## Why is this bad?
    Docker Compose refuses the whole project, and stops at the first error it meets; a typo such
    as `enviroment:` in an older tool was silently ignored and the service started without its
    variables.

    ## Example
    ```yaml
    services:
      api:
        image: api
        enviroment:
          DEBUG: "0"
    ```

    ## Use instead
    ```yaml
    services:
      api:
        image: api
        environment:
          DEBUG: "0"
    ```

    ## References
    - [Compose file reference](https://docs.docker.com/reference/compose-file/)
    - [Compose specification JSON schema](https://github.com/compose-spec/compose-spec/blob/main/schema/compose-spec.json)
    """

    id = "PF101"
    name = "compose-schema"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Schema problems found while loading, and services that cannot be created."""
        for _, loading in load_problems(project):
            message = _message(loading)
            if message is not None:
                yield self.at(loading.span, message, service=loading.service)
        for compose, service in project.services():
            if service.name in compose.remote or _is_fragment(compose):
                continue  # it extends a remote file, or the whole file is an overlay of another
            if service.get("image") is None and service.get("build") is None:
                yield self.at(
                    service.key_span,
                    f'service "{service.name}" has neither an image nor a build context specified',
                    help="add `image:` or `build:` (an override file alone cannot define a service)",
                    service=service.name,
                )


def _is_fragment(compose: ComposeProject) -> bool:
    """A compose file none of whose services can be created alone: an overlay for `-f base -f it`."""
    services = compose.all_services().values()
    return (
        not compose.explicit
        and bool(services)
        and all(s.get("image") is None and s.get("build") is None for s in services)
    )


def _message(problem: LoadProblem) -> str | None:
    """The message for a file or project compose refuses as written (others: other rules)."""
    match problem.kind:
        case Kind.NOT_A_MAPPING:
            return "a compose file must be a mapping at the top level"
        case Kind.EMPTY:
            return "empty compose file: it defines no services"
        case Kind.INVALID_INTERPOLATION:
            return f"{problem.subject}: invalid interpolation: {INVALID_REFERENCE}"
        case Kind.SCHEMA:
            return problem.detail
        case Kind.INCLUDE_CYCLE:
            return f"include cycle: `{problem.subject}`"
        case Kind.INCLUDED_SERVICE_CONFLICT:
            return f'service "{problem.subject}" is defined by an included project too'
        case Kind.EXTENDS_CYCLE:
            return f'circular extends from service "{problem.service}"'
        case (
            Kind.UNREADABLE
            | Kind.UNPARSABLE
            | Kind.REQUIRED_VARIABLE
            | Kind.INCLUDE_MISSING
            | Kind.EXTENDS_MISSING
            | Kind.UNDEFINED_BASE_SERVICE
        ):
            return None
        case _:
            assert_never(problem.kind)
