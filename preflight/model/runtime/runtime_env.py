"""The environment a container really gets: image ENV (base image included) + env_file + environment."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.runtime.container_env import Origin, container_env, container_env_known

if TYPE_CHECKING:
    from preflight.diagnostics import Span
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.image.stages import Stage
    from preflight.model.project import Project

ALWAYS_SET = frozenset({"HOSTNAME", "HOME", "PATH"})
"""Variables Docker sets in every container."""


class RuntimeOrigin(enum.Enum):
    """Where a container variable comes from."""

    DOCKER = "set by Docker"
    BASE_IMAGE = "the base image"
    DOCKERFILE = "Dockerfile ENV"
    ENV_FILE = "env_file"
    ENVIRONMENT = "environment"


@dataclass(frozen=True, slots=True)
class RuntimeVar:
    """A variable the container has; `value` None when it cannot be known (never printed)."""

    name: str
    value: str | None
    origin: RuntimeOrigin
    span: Span | None


@dataclass(frozen=True, slots=True)
class RuntimeEnv:
    """A service's container environment; `complete` False when the image may add unknown names."""

    vars: dict[str, RuntimeVar]
    complete: bool

    def has(self, name: str, case_sensitive: bool = True) -> bool:
        """Whether the container has `name` (possibly with an unknown value)."""
        if name in self.vars:
            return True
        return not case_sensitive and name.upper() in {n.upper() for n in self.vars}

    def values(self) -> dict[str, str | None]:
        """Name -> value (None unknown), the convention the entry-point analysis uses."""
        return {n: v.value for n, v in self.vars.items()}


def runtime_env(project: Project, compose: ComposeProject, service: Service, stage: Stage | None) -> RuntimeEnv:
    """Container environment of a service; `stage` is its final build stage (None for `image:`)."""
    found: dict[str, RuntimeVar] = {n: RuntimeVar(n, None, RuntimeOrigin.DOCKER, None) for n in ALWAYS_SET}
    complete = True
    if stage is not None:
        for name, value in stage.env.items():
            span = stage.env_spans.get(name)
            origin = RuntimeOrigin.DOCKERFILE if span is not None else RuntimeOrigin.BASE_IMAGE
            found[name] = RuntimeVar(name, value, origin, span)
        complete = _base_known(project, stage)
    else:
        image = service.scalar("image")
        info = None
        if image is not None and not image.unknown:
            from preflight.knowledge import image_info

            info = image_info(image.text())
        if info is None:
            complete = False
        else:
            for name, value in info.default_env.items():
                found[name] = RuntimeVar(name, value or None, RuntimeOrigin.BASE_IMAGE, None)
    if not container_env_known(project.tree, service):
        complete = False
    for name, var in container_env(project.tree, compose, service).items():
        origin = RuntimeOrigin.ENVIRONMENT if var.origin is Origin.ENVIRONMENT else RuntimeOrigin.ENV_FILE
        found[name] = RuntimeVar(name, var.value, origin, var.span)
    return RuntimeEnv(found, complete)


def _base_known(project: Project, stage: Stage) -> bool:
    """Whether the external base image of a stage chain is one whose ENV we know."""
    model = next((m for m in project.images if m.image is not None and stage in m.image.stages), None)
    if model is None or model.image is None:
        return False
    root = model.image.chain(stage)[-1]
    if root.base is None:
        return False
    if root.base == "scratch":
        return True
    from preflight.knowledge import image_info

    return image_info(root.base) is not None
