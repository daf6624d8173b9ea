"""Published ports of a service, in short (`"127.0.0.1:8000-8001:80/udp"`) or long syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from preflight.diagnostics import Span
    from preflight.model.compose.project import Service

_SHORT = re.compile(
    r"^(?:(?P<ip>\[[^\]]*\]|[^:\[\]]*):)??(?:(?P<host>\d+(?:-\d+)?)?:)?(?P<container>\d+(?:-\d+)?)(?:/(?P<proto>\w+))?$"
)
_ANY = ("", "0.0.0.0", "::", "[::]")  # noqa: S104 - wildcard addresses we compare against, nothing binds


@dataclass(frozen=True, slots=True)
class PublishedPort:
    """Host ports a service binds on one host address and protocol."""

    host_ip: str
    host_ports: tuple[int, ...]
    protocol: str
    span: Span
    interpolated: bool = False
    """True when the port came through interpolation (its value is then never printed)."""

    def overlaps(self, other: PublishedPort) -> bool:
        """Same protocol and addresses that collide (the wildcard collides with everything)."""
        if self.protocol != other.protocol:
            return False
        return self.host_ip in _ANY or other.host_ip in _ANY or self.host_ip == other.host_ip


def _range(text: str) -> tuple[int, ...]:
    start, _, end = text.partition("-")
    low, high = int(start), int(end or start)
    return tuple(range(low, high + 1)) if 0 < high - low < 65536 else (low,)


def _short(item: YScalar) -> PublishedPort | None:
    match = _SHORT.match(item.text().strip())
    if match is None or not match.group("host"):
        return None
    ip = (match.group("ip") or "").strip("[]")
    return PublishedPort(
        ip, _range(match.group("host")), (match.group("proto") or "tcp").lower(), item.span, item.raw is not None
    )


def _long(item: YMap) -> PublishedPort | None:
    published = item.get("published")
    if not isinstance(published, YScalar) or published.unknown or published.value in (None, ""):
        return None
    try:
        ports = _range(published.text())
    except ValueError:
        return None
    ip = item.get("host_ip")
    proto = item.get("protocol")
    return PublishedPort(
        ip.text() if isinstance(ip, YScalar) else "",
        ports,
        proto.text().lower() if isinstance(proto, YScalar) else "tcp",
        published.span,
        published.raw is not None or (isinstance(ip, YScalar) and ip.raw is not None),
    )


def published_ports(service: Service) -> list[PublishedPort]:
    """The host ports the service publishes (unknown values are skipped)."""
    node = service.get("ports")
    result = []
    for item in node.items if isinstance(node, YSeq) else ():
        port: PublishedPort | None = None
        if isinstance(item, YScalar) and not item.unknown:
            port = _short(item)
        elif isinstance(item, YMap):
            port = _long(item)
        if port is not None:
            result.append(port)
    return result
