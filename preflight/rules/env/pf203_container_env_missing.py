"""PF203."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.env_reads import (
    CodeRead,
    InterpolationOnly,
    Nowhere,
    OtherService,
    SetAtStart,
    WhenMissing,
    command_refs,
    container_code,
    defined_elsewhere,
    healthy_dependents,
)
from preflight.model.runtime.environment import EnvAbsent, EnvUnknown, RuntimeVar
from preflight.rules.base import Rule, assert_never

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.env_reads import CommandRef
    from preflight.model.project import Project
    from preflight.model.runtime.container import ServiceRuntime


class ContainerEnvMissing(Rule):
    """The container reads a variable it never receives.

    ## What it does
    Follows each service's code from its entry point and finds the environment variables it
    reads (`os.environ["X"]`, `os.getenv`, pydantic-settings fields, django-environ/environs/
    decouple calls), and the `$VAR` its `command`, `entrypoint` and `healthcheck.test` expand
    in the container. Each is checked against what the container really gets: compose
    `environment` and `env_file`, Dockerfile `ENV`, and the base image's own variables. `.env`
    is not among them: it only feeds compose interpolation.

    ## Why is this bad?
    `KeyError: 'REDIS_PASSWORD'` at start, or a health check that authenticates with an
    empty password forever, so every service that waits for it never starts.

    ## Example
    ```yaml
    redis:
      image: redis:7
      command: redis-server --requirepass ${REDIS_PASSWORD}
      healthcheck:
        test: ["CMD-SHELL", "redis-cli -a $$REDIS_PASSWORD ping"]
    ```

    ## Use instead
    ```yaml
      environment:
        REDIS_PASSWORD: ${REDIS_PASSWORD}
    ```

    ## References
    - [Compose: set environment variables within a container's environment](https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/)
    - [Compose file reference: `environment`](https://docs.docker.com/reference/compose-file/services/#environment)
    - [Compose file reference: `env_file`](https://docs.docker.com/reference/compose-file/services/#env_file)
    - [Compose: variables and interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    """

    id = "PF203"
    name = "container-env-missing"
    severity = Severity.ERROR
    env_edge = True

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Variables read in the container but not passed to it (one finding per location)."""
        code = project.derived(container_code)
        found = [d for c in code for read in c.reads if (d := self._read(c.runtime, read)) is not None]
        found.extend(d for ref in command_refs(project) if (d := self._command(ref)) is not None)
        yield from _first_per_location(found)

    def _read(self, runtime: ServiceRuntime, read: CodeRead) -> Diagnostic | None:
        if not isinstance(read.found, EnvAbsent):
            return None  # received, or not known
        severity = Severity.WARNING if runtime.guessed else Severity.ERROR
        match read.when_missing:
            case WhenMissing.HANDLED:
                return None
            case WhenMissing.RAISES:
                effect = "raises an error"
            case WhenMissing.NONE_REFUSED:
                effect = "returns None, which the code then refuses"
            case WhenMissing.INVALID_SETTINGS:
                effect = f"makes `{read.settings}()` fail validation (required field `{read.field}`)"
            case _:
                assert_never(read.when_missing)
        service = runtime.service
        why, notes = _where_defined(runtime.compose, service, read.name)
        return self.at(
            read.span,
            f'`{read.name}` is read here, but the container of service "{service.name}" does not receive it '
            f"(reading it {effect}); {why}",
            help=f"pass it under services.{service.name}.environment (or an env_file), or give the read a default",
            related=(Related(service.key_span, f'service "{service.name}"'), *notes),
            service=service.name,
            severity=severity,
        )

    def _command(self, ref: CommandRef) -> Diagnostic | None:
        name, service = ref.name, ref.service
        match ref.found:
            case RuntimeVar() | SetAtStart():
                return None
            case EnvAbsent() | EnvUnknown() if not ref.shell:
                return self.at(
                    ref.span,
                    f"`${name}` in `{ref.attr}` is passed literally: no shell runs this exec-form command, "
                    "so nothing expands it",
                    help=f'run it through a shell (`["CMD-SHELL", "..."]` or `sh -c`) so `${name}` is expanded',
                    service=service.name,
                    severity=Severity.WARNING,
                )
            case EnvUnknown():
                return None
            case EnvAbsent():
                if ref.guarded:
                    return None  # checked by the command, or with a default/alternative: not missing
            case _:
                assert_never(ref.found)
        why, notes = _where_defined(ref.compose, service, name)
        dependents = healthy_dependents(ref.compose, service) if ref.attr == "healthcheck.test" else []
        waiting = [Related(span, f'"{other}" waits for "{service.name}" to be healthy') for other, span in dependents]
        return self.at(
            ref.span,
            f'`${name}` in `{ref.attr}` is expanded in the container of service "{service.name}", '
            f"which does not receive `{name}`; {why}",
            help=f"add `{name}: ${{{name}}}` under services.{service.name}.environment",
            related=(*notes, *waiting),
            service=service.name,
        )


def _where_defined(compose: ComposeProject, service: Service, name: str) -> tuple[str, list[Related]]:
    """Why the container lacks `name`, with the place it is set instead."""
    match defined_elsewhere(compose, service, name):
        case InterpolationOnly(path, line):
            note = Related(Span(path, line, 1), f"`{name}` is set here, for compose interpolation only")
            return (
                f"it is set in {path}, which only feeds compose interpolation; add `{name}: ${{{name}}}` "
                f"under services.{service.name}.environment",
                [note],
            )
        case OtherService(other, key_span):
            return (
                f'it is set for service "{other}" only; add it to services.{service.name}.environment',
                [Related(key_span, f'`{name}` is set for "{other}" here')],
            )
        case Nowhere():
            return f"it is set nowhere compose looks; add it to services.{service.name}.environment", []
        case unreachable:
            assert_never(unreachable)


def _first_per_location(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One finding per location: services that share an image (or a YAML anchor) share their code."""
    first: dict[tuple[str, int, int], Diagnostic] = {}
    for diagnostic in found:
        first.setdefault((diagnostic.span.path, diagnostic.span.line, diagnostic.span.col), diagnostic)
    return list(first.values())
