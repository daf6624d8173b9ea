"""References in a service's commands: whether a `${VAR}` sits in `command`, `entrypoint` or
`healthcheck.test`, and whether a shell runs that command (and would expand `$$VAR`).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.model.compose.project import Service, VarUse


def in_command(use: VarUse) -> bool:
    """Whether the reference sits in `command`, `entrypoint` or `healthcheck.test`."""
    rest = use.path[2:] if len(use.path) > 2 and use.path[0] == "services" else ()
    return bool(rest) and (rest[0] in ("command", "entrypoint") or rest[:2] == ("healthcheck", "test"))


_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash"})


def through_shell(service: Service, use: VarUse) -> bool:
    """Whether a shell in the container would expand `$$VAR` (so the `$$` advice is right): `sh -c`,
    `CMD-SHELL` or a string health check; not an exec form, where compose-time expansion is the only one."""
    from preflight.parse.yaml import YMap, YScalar, YSeq

    attr = use.path[2]
    node = service.get(str(attr))
    if attr == "healthcheck":
        node = node.get("test") if isinstance(node, YMap) else None
        if isinstance(node, YSeq):
            first = node.items[0] if node.items else None
            return isinstance(first, YScalar) and first.text() == "CMD-SHELL"
        return isinstance(node, YScalar)
    if isinstance(node, YSeq):
        words = [i.text() for i in node.items[:3] if isinstance(i, YScalar)]
    elif isinstance(node, YScalar) and node.value is not None:
        words = node.text().split()[:3]
    else:
        return False
    return bool(words) and words[0] in _SHELLS and "-c" in words[1:3]


SHELLS = frozenset(posixpath.basename(s) for s in _SHELLS)
