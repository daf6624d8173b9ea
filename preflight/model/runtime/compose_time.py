"""`$VAR` in a command that compose expands at config time although only the container has it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.compose.command_refs import in_command, through_shell
from preflight.model.runtime.environment import ContainerVar, container_env
from preflight.parse.interpolate import VarStatus

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.project import ComposeProject, Service, VarUse
    from preflight.model.project import Project


def compose_time_expansions(
    project: Project, compose: ComposeProject, service: Service
) -> Iterator[tuple[VarUse, ContainerVar]]:
    """Unset `$VAR` references in the service's commands that its container environment sets."""
    uses = [
        u
        for u in compose.var_uses
        if u.service == service.name
        and in_command(u)
        and u.status is VarStatus.UNSET
        and u.evaluated
        and not u.has_fallback
        and not u.required
        and through_shell(service, u)
    ]
    if not uses:
        return
    env = container_env(project.tree, compose, service)
    for use in uses:
        if use.name in env:
            yield use, env[use.name]


def expanded_at_compose_time(project: Project, compose: ComposeProject) -> set[int]:
    """The `id` of every use `compose_time_expansions` yields, over all the project's services."""
    return {
        id(use)
        for service in compose.services.values()
        for use, _ in compose_time_expansions(project, compose, service)
    }
