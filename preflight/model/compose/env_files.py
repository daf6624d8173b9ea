"""A service's `env_file:` entries, resolved from its base folder (short and long syntax)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.diagnostics import Span
    from preflight.model.compose.project import Service


@dataclass(frozen=True, slots=True)
class EnvFileRef:
    """One `env_file` entry of a service."""

    path: Path
    span: Span
    required: bool
    raw_format: bool
    shown: str = ""
    """The path as written in compose (interpolated values are never shown)."""


def env_file_refs(service: Service) -> list[EnvFileRef]:
    """The service's env_file entries, resolved from its base folder."""
    node = service.get("env_file")
    entries = node.items if isinstance(node, YSeq) else ((node,) if node is not None else ())
    refs = []
    for entry in entries:
        required, raw = True, False
        target: YScalar | None = entry if isinstance(entry, YScalar) else None
        if isinstance(entry, YMap):
            path_node = entry.get("path")
            target = path_node if isinstance(path_node, YScalar) else None
            req = entry.get("required")
            required = not (isinstance(req, YScalar) and req.value in (False, "false"))
            fmt = entry.get("format")
            raw = isinstance(fmt, YScalar) and fmt.text() == "raw"
        if target is None or target.unknown or not target.text():
            continue
        refs.append(EnvFileRef(service.base_dir / target.text(), target.span, required, raw, target.as_written()))
    return refs
