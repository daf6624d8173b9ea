"""Shared helpers for rules that report problems found while loading the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.runtime.package_needs import NeedKind
from preflight.rules.base import assert_never

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from preflight.diagnostics import Span
    from preflight.model.compose.env import InterpolationEnv
    from preflight.model.compose.problems import LoadProblem
    from preflight.model.compose.project import ComposeProject
    from preflight.model.project import Project
    from preflight.model.runtime.package_needs import Need


def load_problems(project: Project) -> Iterator[tuple[ComposeProject, LoadProblem]]:
    """The problems met while loading each compose project; each rule words the kinds it owns."""
    for compose in project.compose:
        for problem in compose.problems:
            yield compose, problem


def interpolation_sources(env: InterpolationEnv) -> str:
    """The sources compose interpolates from, for a help line: 'looked in .env; process environment not read'."""
    parts = [f"looked in {', '.join(env.env_files)}" if env.env_files else "no .env file found"]
    if env.template:
        parts.append(f"template {env.template}")
    if env.provided:
        parts.append("provided-env")
    parts.append("the process environment" if env.use_os_env else "process environment not read (--use-os-env)")
    return "; ".join(parts)


def services_by_span(pairs: Iterable[tuple[Span, str]]) -> dict[Span, list[str]]:
    """Group service names by the span they share (a YAML anchor reused by several services)."""
    grouped: dict[Span, list[str]] = {}
    for span, service in pairs:
        names = grouped.setdefault(span, [])
        if service not in names:
            names.append(service)
    return grouped


def service_list(names: list[str]) -> str:
    """`service "a"` or `services "a", "b"`."""
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"service {quoted}" if len(names) == 1 else f"services {quoted}"


def need_text(need: Need) -> str:
    """How a container needs a package, for a message: 'its command loads `pkg.wsgi`'."""
    match need.kind:
        case NeedKind.ENTRY:
            return f"its command loads `{need.name}`"
        case NeedKind.SCRIPT:
            return f"its command runs the project's console script `{need.name}`"
        case NeedKind.IMPORT:
            return f"its code imports `{need.name}`"
        case _:
            assert_never(need.kind)
