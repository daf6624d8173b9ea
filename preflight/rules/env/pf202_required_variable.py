"""PF202."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.compose.problems import LoadProblemKind as Kind
from preflight.rules.base import Rule, assert_never
from preflight.rules.issues import interpolation_sources, load_problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.problems import LoadProblem
    from preflight.model.project import Project


class RequiredVariable(Rule):
    """A required variable (`${VAR:?message}`) has no value: compose refuses to start.

    ## What it does
    Evaluates `${VAR:?err}` and `${VAR?err}` with the interpolation sources and reports those
    that compose would reject.

    ## Why is this bad?
    `docker compose up` stops with `required variable VAR is missing a value: err`.

    ## Example
    ```yaml
    labels:
      - traefik.http.routers.api.rule=Host(`${DOMAIN?Variable not set}`)
    ```
    with no `DOMAIN` anywhere.

    ## Use instead
    Set the variable in `.env`, or list it in `provided-env` when the deployment supplies it.

    ## References
    - [Compose file reference: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    """

    id = "PF202"
    name = "required-variable"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Required variables that are missing."""
        for compose, problem in load_problems(project):
            message = _message(problem)
            if message is not None:
                yield self.at(problem.span, message, help=interpolation_sources(compose.env), service=problem.service)


def _message(problem: LoadProblem) -> str | None:
    """Compose's own words for a required variable without a value (others: other rules)."""
    match problem.kind:
        case Kind.REQUIRED_VARIABLE:
            if problem.detail:
                return f"required variable {problem.subject} is missing a value: {problem.detail}"
            return f"required variable {problem.subject} is missing a value"
        case (
            Kind.UNREADABLE
            | Kind.UNPARSABLE
            | Kind.NOT_A_MAPPING
            | Kind.EMPTY
            | Kind.INVALID_INTERPOLATION
            | Kind.SCHEMA
            | Kind.INCLUDE_MISSING
            | Kind.INCLUDE_CYCLE
            | Kind.INCLUDED_SERVICE_CONFLICT
            | Kind.EXTENDS_MISSING
            | Kind.EXTENDS_CYCLE
            | Kind.UNDEFINED_BASE_SERVICE
        ):
            return None
        case _:
            assert_never(problem.kind)
