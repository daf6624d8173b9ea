"""The compose model: services after interpolation, extends, include and merging."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.discover import DEFAULT_COMPOSE_FILES as DEFAULT_COMPOSE_FILES
from preflight.model.compose.merge import as_mapping
from preflight.parse.yaml import YMap, YNode, YScalar, YSeq

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.diagnostics import Span
    from preflight.model.compose.env import InterpolationEnv
    from preflight.model.compose.problems import LoadProblem
    from preflight.parse.interpolate import VarStatus

RESOURCE_KINDS = ("volumes", "networks", "secrets", "configs")


@dataclass(frozen=True, slots=True)
class VarUse:
    """One `${VAR...}` reference in a compose file, with the outcome of interpolating it."""

    name: str
    span: Span
    status: VarStatus
    evaluated: bool
    has_fallback: bool
    required: bool
    service: str | None
    path: tuple[str | int, ...]
    template: str
    """The whole scalar the reference sits in, as written (not a value from any env file)."""
    lines: tuple[tuple[int, int, int], ...] = ()
    """The template's source lines, when it is a block scalar (see `YScalar.lines`)."""


@dataclass(frozen=True, slots=True)
class Service:
    """One service after interpolation, `extends` and merging of every file."""

    name: str
    node: YMap
    key_span: Span
    base_dir: Path
    """Directory that relative paths of this service resolve from (absolute)."""

    def get(self, attr: str) -> YNode | None:
        """A top-level attribute of the service."""
        return self.node.get(attr)

    def dependencies(self) -> list[str]:
        """The services compose starts before this one: `depends_on`, `links`, `volumes_from` and
        `network_mode`/`ipc`/`pid` of the form `service:<name>`."""
        names = [key.text() for key, _ in self.mapping("depends_on").items]
        names += [link.split(":", 1)[0] for link in self._strings("links")]
        names += [v.split(":", 1)[0] for v in self._strings("volumes_from") if not v.startswith("container:")]
        for attr in ("network_mode", "ipc", "pid"):
            node = self.scalar(attr)
            if node is not None and node.text().startswith("service:"):
                names.append(node.text().removeprefix("service:"))
        return names

    def _strings(self, attr: str) -> list[str]:
        value = self.node.get(attr)
        items = value.items if isinstance(value, YSeq) else ()
        return [item.text() for item in items if isinstance(item, YScalar)]

    def scalar(self, attr: str) -> YScalar | None:
        """A scalar attribute, or None."""
        value = self.node.get(attr)
        return value if isinstance(value, YScalar) else None

    def mapping(self, attr: str) -> YMap:
        """A list-or-mapping attribute (`environment`, `depends_on`, ...) as a mapping."""
        value = self.node.get(attr)
        return as_mapping(value) if value is not None else YMap((), self.key_span)

    def span_of(self, attr: str) -> Span:
        """The attribute's key if present, else the service's key."""
        key = self.node.key_node(attr)
        return key.span if key is not None else self.key_span

    @property
    def profiles(self) -> tuple[str, ...]:
        """The profiles the service belongs to."""
        return tuple(self._strings("profiles"))


@dataclass(slots=True)
class ComposeProject:
    """One compose project: its files, its interpolation environment and its services."""

    directory: Path
    rel_dir: str
    files: list[str]
    env: InterpolationEnv
    services: dict[str, Service] = field(default_factory=dict)
    inactive: dict[str, Service] = field(default_factory=dict)
    resources: dict[str, YMap] = field(default_factory=dict)
    var_uses: list[VarUse] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    name: str | None = None
    explicit: bool = False
    """Loaded from files someone names (`-f`, a command in the repository), not found by name."""
    started: tuple[str, ...] | None = None
    """The services the command that uses these files starts (None: every service); compose starts
    what they depend on too (see `started_services`)."""
    remote: set[str] = field(default_factory=set)
    """What comes from remote `include`/`extends` (git, oci, URLs) and so is not known: the
    services that extend a remote file, and "*" when an include may define any service."""

    def all_services(self) -> dict[str, Service]:
        """Active and profile-disabled services together."""
        return {**self.inactive, **self.services}

    def started_services(self) -> dict[str, Service]:
        """The active services that run together: all of them, or those started and their dependencies."""
        if self.started is None:
            return self.services
        wanted: list[str] = [name for name in self.started if name in self.services]
        for name in wanted:  # grows while it is walked: the dependencies' dependencies too
            needed = self.services[name].dependencies()
            wanted.extend(d for d in needed if d in self.services and d not in wanted)
        return {name: service for name, service in self.services.items() if name in wanted}

    def declared(self, kind: str) -> set[str]:
        """Names declared under a top-level `volumes`/`networks`/`secrets`/`configs`."""
        node = self.resources.get(kind)
        return set(node.keys()) if node is not None else set()


REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://", "oci://")


def is_remote(reference: str) -> bool:
    """An `include`/`extends`/`build` reference to a git repository, registry or URL."""
    return reference.startswith(REMOTE_PREFIXES) or reference.endswith(".git") or ".git#" in reference
