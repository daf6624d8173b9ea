"""Compose's unicity rule: entries of a service's lists (`ports`, `volumes`, `dns`, `env_file`,
`profiles`...) that share their unique key keep the first position and the last value.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from preflight.parse.yaml import YMap, YNode, YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Callable


Path = tuple[str, ...]
"""Where a node is, from the document's root: `("services", "web", "ports")`."""

_PORT = re.compile(r"^(?:(?P<ip>\[[^\]]*\]|[^:\[\]]*):)??(?:(?P<host>[^:]*):)?(?P<target>[^:/]+)(?:/(?P<proto>\w+))?$")


def service_attr(path: Path) -> str | None:
    """Attribute name when `path` is services.<name>.<attr>[.<sub>], else None."""
    if len(path) >= 3 and path[0] == "services":
        return ".".join(path[2:])
    return None


def _key_value(node: YNode) -> str:
    return node.text().partition("=")[0] if isinstance(node, YScalar) else repr(node)


def port_key(node: YNode) -> str:
    """A published port's identity: host address, host port, container port and protocol."""
    if isinstance(node, YMap):
        fields = [node.get(name) for name in ("host_ip", "published", "target", "protocol")]
        ip, published, target, protocol = (f.text() if isinstance(f, YScalar) else "" for f in fields)
        return f"{ip or '0.0.0.0'}:{published}:{target}/{protocol or 'tcp'}"  # noqa: S104 - a key, nothing binds
    if not isinstance(node, YScalar):
        return repr(node)
    match = _PORT.match(node.text().strip())
    if match is None:
        return node.text()
    ip = (match.group("ip") or "").strip("[]") or "0.0.0.0"  # noqa: S104 - a key, nothing binds
    return f"{ip}:{match.group('host') or ''}:{match.group('target')}/{(match.group('proto') or 'tcp').lower()}"


def volume_target(node: YNode) -> str:
    """A mount's identity: its path in the container."""
    if isinstance(node, YMap):
        target = node.get("target")
        return target.text() if isinstance(target, YScalar) else repr(node)
    if not isinstance(node, YScalar):
        return repr(node)
    parts = node.text().split(":")
    if len(parts) > 1 and len(parts[0]) == 1 and parts[0].isalpha():
        parts = [f"{parts[0]}:{parts[1]}", *parts[2:]]  # a Windows drive letter
    return parts[1] if len(parts) >= 2 else parts[0]


def _device_target(node: YNode) -> str:
    if isinstance(node, YScalar):
        parts = node.text().split(":")
        return parts[1] if len(parts) > 1 else parts[0]
    return volume_target(node)


def _mount_key(default: str) -> Callable[[YNode], str]:
    def key(node: YNode) -> str:
        if isinstance(node, YScalar):
            return f"{default}/{node.text()}"
        if isinstance(node, YMap):
            target, source = node.get("target"), node.get("source")
            if isinstance(target, YScalar):
                return target.text()
            return f"{default}/{source.text() if isinstance(source, YScalar) else ''}"
        return repr(node)

    return key


def _env_file_key(node: YNode) -> str:
    path = node.get("path") if isinstance(node, YMap) else node
    return path.text() if isinstance(path, YScalar) else repr(node)


_UNIQUE: dict[str, Callable[[YNode], str]] = {
    "ports": port_key,
    "volumes": volume_target,
    "devices": _device_target,
    "secrets": _mount_key("/run/secrets"),
    "configs": _mount_key(""),
    "env_file": _env_file_key,
    "expose": lambda node: node.text() if isinstance(node, YScalar) else repr(node),
    **dict.fromkeys(
        ("cap_add", "cap_drop", "dns", "dns_opt", "dns_search", "links", "profiles", "tmpfs", "build.tags"), _key_value
    ),
}
"""How compose identifies the entries of a service's lists (later duplicates replace earlier ones)."""


def _unique_key(path: Path) -> Callable[[YNode], str] | None:
    attr = service_attr(path)
    if attr is None:
        return None
    if len(path) == 5 and path[2] == "networks" and path[4] in ("aliases", "link_local_ips"):
        return _key_value
    return _UNIQUE.get(attr)


def dedupe(node: YSeq, path: Path) -> YSeq:
    """Entries sharing their unique key keep the first one's position and the last one's value."""
    key_of = _unique_key(path)
    if key_of is None:
        return node
    items: list[YNode] = []
    index: dict[str, int] = {}
    for item in node.items:
        key = key_of(item)
        if key in index:
            items[index[key]] = item
        else:
            index[key] = len(items)
            items.append(item)
    return node if len(items) == len(node.items) else YSeq(tuple(items), node.span, node.tag)


def enforce_unicity(node: YMap, path: Path) -> YMap:
    """`node` (a service) with the duplicates of its lists removed, as compose does after each file."""
    items = []
    changed = False
    for key, value in node.items:
        new = value
        if isinstance(value, YSeq):
            new = dedupe(value, (*path, key.text()))
        elif isinstance(value, YMap):
            new = enforce_unicity(value, (*path, key.text()))  # `networks.<name>.aliases`, `build.tags`
        changed = changed or new is not value
        items.append((key, new))
    return YMap(tuple(items), node.span, node.tag) if changed else node
