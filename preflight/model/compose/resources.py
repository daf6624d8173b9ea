"""Named volumes, networks, secrets and configs that services use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.parse.template_text import references_only
from preflight.parse.yaml import YMap, YNode, YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.diagnostics import Span
    from preflight.model.compose.project import Service


@dataclass(frozen=True, slots=True)
class ResourceUse:
    """A service's use of a top-level resource by name."""

    kind: str
    name: str
    span: Span
    shown: str = ""
    """The name as written, variables as their references (interpolated values are never shown)."""

    def __post_init__(self) -> None:
        if not self.shown:
            object.__setattr__(self, "shown", self.name)


def _is_named_volume(source: str) -> bool:
    # paths (absolute, relative, home, Windows drive) are bind mounts, not named volumes
    return bool(source) and not source.startswith(("/", ".", "~", "$")) and not (len(source) > 1 and source[1] == ":")


def _volume_uses(node: YNode | None) -> Iterator[ResourceUse]:
    for item in node.items if isinstance(node, YSeq) else ():
        if isinstance(item, YScalar) and not item.unknown:
            parts = item.text().split(":")
            if len(parts) >= 2 and _is_named_volume(parts[0]):
                yield ResourceUse("volumes", parts[0], item.span, _shown(item).split(":")[0])
        elif isinstance(item, YMap):
            kind = item.get("type")
            source = item.get("source")
            if (
                isinstance(kind, YScalar)
                and kind.text() == "volume"
                and isinstance(source, YScalar)
                and not source.unknown
                and source.text()
            ):
                yield ResourceUse("volumes", source.text(), source.span, _shown(source))


def _shown(node: YScalar) -> str:
    return node.text() if node.raw is None else references_only(node.raw)


def _named_uses(node: YNode | None, kind: str) -> Iterator[ResourceUse]:
    for item in node.items if isinstance(node, YSeq) else ():
        if isinstance(item, YScalar) and not item.unknown:
            yield ResourceUse(kind, item.text(), item.span, _shown(item))
        elif isinstance(item, YMap):
            source = item.get("source")
            if isinstance(source, YScalar) and not source.unknown:
                yield ResourceUse(kind, source.text(), source.span, _shown(source))


def resource_uses(service: Service) -> Iterator[ResourceUse]:
    """Every named volume, network, secret and config the service refers to."""
    yield from _volume_uses(service.get("volumes"))
    networks = service.get("networks")
    if isinstance(networks, YSeq):
        yield from _named_uses(networks, "networks")
    elif isinstance(networks, YMap):
        for key, _ in networks.items:
            yield ResourceUse("networks", key.text(), key.span)
    yield from _named_uses(service.get("secrets"), "secrets")
    yield from _named_uses(service.get("configs"), "configs")
    build = service.get("build")
    if isinstance(build, YMap):
        yield from _named_uses(build.get("secrets"), "secrets")
