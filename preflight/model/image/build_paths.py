"""Where a service's build context and Dockerfile are (local paths only)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.parse.yaml import YMap, YScalar

if TYPE_CHECKING:
    from preflight.diagnostics import Span
    from preflight.model.compose.project import Service

_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*://|git@|github\.com/)|\.git(#.*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BuildPaths:
    """A service's local build context and Dockerfile (None parts when not applicable)."""

    context: Path
    context_span: Span
    dockerfile: Path | None
    dockerfile_span: Span
    inline: bool
    context_shown: str = "."
    """The context as written in compose (interpolated values are never shown)."""
    dockerfile_shown: str = "Dockerfile"


def is_remote(context: str) -> bool:
    """URLs and git references are built remotely: nothing to check on disk."""
    return bool(_REMOTE.search(context))


def build_paths(service: Service) -> BuildPaths | None:
    """The local build context and Dockerfile of a service with `build:`, else None."""
    build = service.get("build")
    if build is None:
        return None
    context_node: YScalar | None = None
    dockerfile_node: YScalar | None = None
    inline = False
    if isinstance(build, YScalar):
        context_node = build
    elif isinstance(build, YMap):
        ctx = build.get("context")
        context_node = ctx if isinstance(ctx, YScalar) else None
        df = build.get("dockerfile")
        dockerfile_node = df if isinstance(df, YScalar) else None
        inline = build.get("dockerfile_inline") is not None
    else:
        return None
    if context_node is not None and not isinstance(context_node.value, str):
        return None  # not a path at all: the schema check reports it
    context_text = context_node.text() if context_node is not None else "."
    if (context_node is not None and context_node.unknown) or is_remote(context_text):
        return None
    context = Path(os.path.normpath(service.base_dir / context_text))  # no `docker/..` in messages
    context_span = context_node.span if context_node is not None else service.span_of("build")
    dockerfile: Path | None = None
    dockerfile_span = dockerfile_node.span if dockerfile_node is not None else context_span
    if not inline and not (dockerfile_node is not None and dockerfile_node.unknown):
        name = dockerfile_node.text() if dockerfile_node is not None else "Dockerfile"
        dockerfile = Path(name) if Path(name).is_absolute() else context / name
    context_shown = context_node.as_written() if context_node is not None else "."
    dockerfile_shown = dockerfile_node.as_written() if dockerfile_node is not None else "Dockerfile"
    return BuildPaths(context, context_span, dockerfile, dockerfile_span, inline, context_shown, dockerfile_shown)
