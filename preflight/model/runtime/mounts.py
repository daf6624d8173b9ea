"""What compose mounts into a service's container: bind mounts and volumes over image paths.

A bind mount (`.:/app`, `./src:/app/src`) replaces the image's folder with the repository's
(relative sources are already resolved from the compose file's folder); a named or anonymous
volume holds whatever was last written to it, so paths under it are unknown.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.model.image.filesystem import Mount, Mounts
from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from preflight.diagnostics import Span
    from preflight.model.compose.project import Service


def _is_path(source: str) -> bool:
    return source.startswith(("/", ".", "~")) or (len(source) > 1 and source[1] == ":")


def service_mounts(service: Service, directory: Path) -> Mounts:
    """The service's `volumes:` as mounts (short and long syntax); `directory` is the compose
    project's folder, which relative bind sources start from."""
    node = service.get("volumes")
    items: list[Mount] = []
    unknown = False
    for item in node.items if isinstance(node, YSeq) else ():
        if isinstance(item, YScalar):
            mount = _short(item, directory)
        else:
            mount = _long(item, directory) if isinstance(item, YMap) else None
        if mount is None:
            unknown = True
        elif mount.target:
            items.append(mount)
    return Mounts(tuple(items), unknown)


def _host(source: str, directory: Path) -> Path | None:
    """The host folder of a bind source, when it is a plain path (no `~`, no variables)."""
    if "$" in source or source.startswith("~") or not source.startswith((".", "/")):
        return None
    return Path(os.path.normpath(directory / source))


def _short(item: YScalar, directory: Path) -> Mount | None:
    if item.unknown or item.value is None:
        return None
    parts = item.text().split(":")
    if len(parts) >= 2 and len(parts[0]) == 1 and parts[1].startswith(("\\", "/")) and len(parts) > 2:
        parts = [parts[0] + ":" + parts[1], *parts[2:]]  # a Windows drive letter
    if len(parts) == 1:
        return _mount(parts[0], None, "an anonymous volume", item.span)
    source, target = parts[0], parts[1]
    if _is_path(source):
        return _mount(target, _host(source, directory), f"the bind mount `{source}`", item.span)
    return _mount(target, None, f"the volume `{source}`", item.span)


def _long(item: YMap, directory: Path) -> Mount | None:
    kind, source, target = (item.get(k) for k in ("type", "source", "target"))
    if not isinstance(target, YScalar) or target.unknown or target.value is None:
        return None
    kind_text = kind.text() if isinstance(kind, YScalar) and not kind.unknown else "volume"
    source_text = source.text() if isinstance(source, YScalar) and not source.unknown and source.value else None
    if kind_text == "bind" and source_text is not None:
        return _mount(target.text(), _host(source_text, directory), f"the bind mount `{source_text}`", item.span)
    return _mount(target.text(), None, f"the {kind_text} `{source_text or target.text()}`", item.span)


def _mount(target: str, host: Path | None, what: str, span: Span) -> Mount | None:
    if "$" in target or not target.startswith("/"):
        return None
    return Mount(posixpath.normpath(target), host, what, span)
