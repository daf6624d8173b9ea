"""The environment a container gets: image ENV (base image included), then compose's `env_file`
and `environment` (:func:`runtime_env`); compose's part alone is :func:`container_env`.

(`.env` is NOT container environment: it only feeds interpolation, unless listed in env_file.)
"""

from __future__ import annotations

import enum
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.files import FileProblem, PathKind, SourceTree, probe
from preflight.model.compose.env_files import env_file_refs
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.interpolate import Unknown
from preflight.parse.yaml import YScalar

if TYPE_CHECKING:
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.image.stages import Stage
    from preflight.model.project import Project

ALWAYS_SET = frozenset({"HOSTNAME", "HOME", "PATH"})
"""Variables Docker sets in every container."""


class EnvOrigin(enum.Enum):
    """Where a container variable comes from."""

    DOCKER = "set by Docker"
    BASE_IMAGE = "the base image"
    DOCKERFILE = "Dockerfile ENV"
    ENV_FILE = "env_file"
    ENVIRONMENT = "environment"


@dataclass(frozen=True, slots=True)
class ContainerVar:
    """A variable the container receives; `value` None means unknown (never printed anyway)."""

    name: str
    value: str | None
    origin: EnvOrigin
    span: Span


def container_env_known(tree: SourceTree, service: Service) -> bool:
    """False when an env_file the service has could not be read: its variables are unknown."""
    return not any(
        probe(ref.path) is not PathKind.MISSING and isinstance(tree.read_text(ref.path), FileProblem)
        for ref in env_file_refs(service)
    )


def container_env(tree: SourceTree, project: ComposeProject, service: Service) -> dict[str, ContainerVar]:
    """Variables compose passes to the container (env_file first, `environment` wins)."""
    result: dict[str, ContainerVar] = {}
    for ref in env_file_refs(service):
        if probe(ref.path) is PathKind.MISSING:
            continue
        source = tree.read_text(ref.path)
        if isinstance(source, FileProblem):
            continue  # PF002; container_env_known() says the environment is not fully known
        parsed = parse_compose_dotenv(source.text, source.path, project.env.lookup, raw=ref.raw_format)
        for entry in parsed.entries:
            file_value = parsed.values.get(entry.key)
            if file_value is None:
                continue
            known = None if isinstance(file_value, Unknown) else file_value
            result[entry.key] = ContainerVar(
                entry.key, known, EnvOrigin.ENV_FILE, Span(source.path, entry.line, entry.col)
            )
    for key, value in service.mapping("environment").items:
        name = key.text()
        if not isinstance(value, YScalar):
            continue
        if value.value is None and not value.quoted:
            # a bare NAME passes the interpolation value through, and is absent when unset
            passed = project.env.lookup(name)
            if passed is None:
                result.pop(name, None)
                continue
            known = None if isinstance(passed, Unknown) else passed
        else:
            known = None if value.unknown else value.text()
        result[name] = ContainerVar(name, known, EnvOrigin.ENVIRONMENT, key.span)
    return result


@dataclass(frozen=True, slots=True)
class RuntimeVar:
    """A variable the container has; `value` None when it cannot be known (never printed)."""

    name: str
    value: str | None
    origin: EnvOrigin
    span: Span | None


@dataclass(frozen=True, slots=True)
class EnvAbsent:
    """The container certainly does not have the variable."""


@dataclass(frozen=True, slots=True)
class EnvUnknown:
    """Whether the container has the variable cannot be known."""

    reason: str


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

    def lookup(self, name: str, case_sensitive: bool = True) -> RuntimeVar | EnvAbsent | EnvUnknown:
        """The container's variable `name`, its certain absence, or why that cannot be known."""
        found = self.vars.get(name)
        if found is None and not case_sensitive:
            found = next((v for n, v in self.vars.items() if n.upper() == name.upper()), None)
        if found is not None:
            return found
        if not self.complete:
            return EnvUnknown("the image may set variables preflight does not know")
        return EnvAbsent()

    def values(self) -> dict[str, str | None]:
        """Name -> value (None unknown), the convention the entry-point analysis uses."""
        return {n: v.value for n, v in self.vars.items()}


def runtime_env(project: Project, compose: ComposeProject, service: Service, stage: Stage | None) -> RuntimeEnv:
    """Container environment of a service; `stage` is its final build stage (None for `image:`)."""
    found: dict[str, RuntimeVar] = {n: RuntimeVar(n, None, EnvOrigin.DOCKER, None) for n in ALWAYS_SET}
    complete = True
    if stage is not None:
        for name, value in stage.env.items():
            span = stage.env_spans.get(name)
            origin = EnvOrigin.DOCKERFILE if span is not None else EnvOrigin.BASE_IMAGE
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
                found[name] = RuntimeVar(name, value or None, EnvOrigin.BASE_IMAGE, None)
    if not container_env_known(project.tree, service):
        complete = False
    for name, var in container_env(project.tree, compose, service).items():
        found[name] = RuntimeVar(name, var.value, var.origin, var.span)
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


def pythonpath_dirs(value: str, workdir: str) -> list[str]:
    """The folders a `PYTHONPATH` value puts on sys.path: an empty entry (`/opt/x:`, as
    `ENV PYTHONPATH=/opt/x:$PYTHONPATH` makes it) is the working directory; an empty value, none."""
    dirs: list[str] = []
    for item in value.split(":") if value else ():
        folder = posixpath.normpath(posixpath.join(workdir, item or "."))
        if folder not in dirs:
            dirs.append(folder)
    return dirs
