"""What an image's filesystem holds, answered lazily from COPY/ADD mappings and the context.

`locate(image, stage, "/app/config.py")` walks the stage's COPY/ADD operations from the last
one back, maps the image path to a path in the build context (or in another stage), and checks
that the context has it and `.dockerignore` lets it through. Nothing is ever copied.
"""

from __future__ import annotations

import enum
import os
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.model.image.context import (
    ContextFS,
    clean_path,
    context_copies,
    file_destination,
    folder_destination,
    path_under,
)
from preflight.model.image.stages import CopyOp, Image, RunOp, Stage
from preflight.parse.gomatch import BadPattern, go_match, has_glob

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.diagnostics import Span
    from preflight.parse.dockerignore import IgnorePattern


class Presence(enum.Enum):
    """Whether a path is in the image."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Found:
    """The answer for one image path, with where it comes from or why it is missing."""

    presence: Presence
    context_path: str | None = None
    op: CopyOp | None = None
    excluded_by: IgnorePattern | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Mount:
    """One mount of a container (compose's, read by `model.runtime.mounts`): target and bind-mount host folder."""

    target: str
    host: Path | None
    """The repository path a bind mount shows; None for volumes and unknown sources."""
    what: str
    """For messages: `volume data`, `bind mount ./src`, ..."""
    span: Span | None = None
    """Where the compose file declares it."""


@dataclass(frozen=True, slots=True)
class Mounts:
    """Every mount of a service; `unknown` when a target could not be read (interpolated)."""

    items: tuple[Mount, ...] = ()
    unknown: bool = False

    def over(self, path: str) -> tuple[Mount, str] | None:
        """The mount that holds `path` (the deepest), with `path` relative to its target."""
        best: tuple[Mount, str] | None = None
        for mount in self.items:
            rel = path_under(path, mount.target)
            if rel is not None and (best is None or len(mount.target) > len(best[0].target)):
                best = (mount, rel)
        return best


@dataclass(slots=True)
class ImageFS:
    """Path queries over one image, with a context view per build context."""

    image: Image
    context: ContextFS
    python_files: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    """Cache of `image_python_files` per stage index (the context walk is done once)."""
    _run_effects: dict[int, str | None] = field(default_factory=dict)
    mounts: Mounts | None = None
    """The container's mounts over the final stage (set on a service's view, see `in_container`)."""
    final: int | None = None
    _located: dict[tuple[int, str, int | None, int, frozenset[int]], Found] = field(default_factory=dict)
    """Answers without mounts, shared with the container views: a service asks the same paths often."""

    def in_container(self, stage: Stage, mounts: Mounts) -> ImageFS:
        """The filesystem a service's container sees: this image's `stage` with compose's mounts."""
        if not mounts.items and not mounts.unknown:
            return self
        return ImageFS(
            self.image, self.context, self.python_files, self._run_effects, mounts, stage.index, self._located
        )

    def _mounted(self, path: str) -> Found | None:
        """A container path answered by a mount, or None when no mount covers it."""
        assert self.mounts is not None  # noqa: S101 - only called on a container view
        hit = self.mounts.over(path)
        if hit is None:
            return None
        mount, rel = hit
        if mount.host is None:
            return Found(Presence.UNKNOWN, reason=f"{mount.what} is mounted there")
        host = mount.host / rel if rel != "." else mount.host
        try:
            exists = host.exists()
        except OSError:
            return Found(Presence.UNKNOWN, reason=f"{mount.what} cannot be read")
        if not exists:
            return Found(Presence.ABSENT, reason=f"not in {mount.what}, which replaces that folder")
        real, context = os.path.realpath(host), os.path.realpath(self.context.root)
        if os.path.commonpath([real, context]) != context:
            return Found(Presence.UNKNOWN, reason=f"{mount.what} shows a folder outside the build context")
        return Found(Presence.PRESENT, posixpath.normpath(os.path.relpath(real, context).replace(os.sep, "/")))

    def _run_creates(self, run: RunOp) -> str | None:
        """Why a RUN may create files (cached per instruction), or None."""
        key = id(run)
        if key not in self._run_effects:
            from preflight.model.image.run_effects import may_create

            self._run_effects[key] = may_create(run)
        return self._run_effects[key]

    def locate(
        self, stage: Stage, path: str, before: int | None = None, depth: int = 0, ignore: frozenset[int] = frozenset()
    ) -> Found:
        """Is `path` in `stage` (before op number `before`, or at its end)?

        `ignore` holds the `id()` of RUN instructions known not to create `path`.
        """
        path = posixpath.normpath(path)
        if self.mounts is not None and depth == 0 and before is None and stage.index == self.final:
            found = self._mounted(path) or self._locate(stage, path, before, depth, ignore)
            if self.mounts.unknown and found.presence is Presence.ABSENT:
                return Found(Presence.UNKNOWN, reason="a volume whose target is not known may hold it")
            return found
        return self._locate(stage, path, before, depth, ignore)

    def _locate(self, stage: Stage, path: str, before: int | None, depth: int, ignore: frozenset[int]) -> Found:
        key = (stage.index, path, before, depth, ignore)
        found = self._located.get(key)
        if found is None:
            found = self._located[key] = self._locate_uncached(stage, path, before, depth, ignore)
        return found

    def _locate_uncached(
        self, stage: Stage, path: str, before: int | None, depth: int, ignore: frozenset[int]
    ) -> Found:
        ops = stage.ops if before is None else stage.ops[:before]
        missed: Found | None = None
        unknown: Found | None = None
        # a later COPY can only add files, so the first PRESENT answer (from the end) decides
        for op in reversed(ops):
            if not isinstance(op, CopyOp):
                if unknown is None and id(op) not in ignore and (why := self._run_creates(op)) is not None:
                    unknown = Found(Presence.UNKNOWN, reason=f"RUN at line {op.inst.span.line}: {why}")
                continue
            found = self._from_copy(op, path, depth)
            if found is None:
                continue
            if found.presence is Presence.PRESENT:
                return found
            if found.presence is Presence.UNKNOWN:
                unknown = unknown or found
            else:
                missed = missed or found
        if stage.base_stage is not None and depth < 32:
            found = self.locate(self.image.stages[stage.base_stage], path, None, depth + 1, ignore)
        else:
            found = Found(self._base_presence(stage), reason=f"no COPY puts it there (base image {stage.base})")
        if found.presence is Presence.PRESENT:
            return found
        if unknown is not None:
            return unknown
        if found.presence is Presence.ABSENT and missed is not None:
            return missed
        return found

    def _base_presence(self, stage: Stage) -> Presence:
        """Paths no COPY provides: absent on images we know, unknown on others."""
        if stage.base is None:
            return Presence.UNKNOWN
        if stage.base == "scratch":
            return Presence.ABSENT
        from preflight.knowledge import image_info

        return Presence.ABSENT if image_info(stage.base) is not None else Presence.UNKNOWN

    def _from_copy(self, op: CopyOp, path: str, depth: int) -> Found | None:
        if op.dest is None or op.sources is None:
            return Found(Presence.UNKNOWN, op=op, reason="a COPY with an unknown source or destination")
        if path_under(path, op.dest) is None:
            return None
        if op.heredoc:
            return Found(Presence.UNKNOWN, op=op, reason="heredoc COPY")
        if op.from_image is not None or op.from_context is not None or op.remote:
            return Found(Presence.UNKNOWN, op=op, reason="copied from outside the build context")
        missed: Found | None = None
        for source in op.sources:
            found = (
                self._from_stage(op, source, path, depth)
                if op.from_stage is not None
                else self._from_context(op, source, path)
            )
            if found is not None and found.presence is not Presence.ABSENT:
                return found
            missed = missed or found
        return missed

    def _from_context(self, op: CopyOp, source: str, path: str) -> Found | None:
        if not self.context.known:
            return Found(Presence.UNKNOWN, op=op, reason="the build context is not known")
        matches = self.context.named_by(source)
        if not matches and self.context.unreadable:
            return Found(Presence.UNKNOWN, None, op, None, "a build context folder cannot be read")
        missed: Found | None = None
        for match in matches:
            kind = self.context.kind(match)
            if kind == "dir" or match == ".":
                rel = path_under(path, posixpath.normpath(folder_destination(op, match)))
                if rel is None:
                    continue
                candidate = clean_path(f"{match}/{rel}")
            else:
                if path != posixpath.normpath(file_destination(op, match)):
                    continue
                candidate = match
            if any(_excluded_by_flag(p, candidate) for p in op.excludes):
                continue
            if self.context.kind(candidate) is None and self.context.is_unknown(candidate):
                return Found(Presence.UNKNOWN, candidate, op, None, "in a build context folder that cannot be read")
            if self.context.kind(candidate) is None:
                missed = missed or Found(Presence.ABSENT, candidate, op, None, "not in the build context")
                continue
            excluded = self.context.excluded_by(candidate)
            if excluded is not None:
                missed = missed or Found(Presence.ABSENT, candidate, op, excluded, "excluded by .dockerignore")
                continue
            return Found(Presence.PRESENT, candidate, op)
        return missed

    def _from_stage(self, op: CopyOp, source: str, path: str, depth: int) -> Found | None:
        if has_glob(source) or depth > 32 or op.from_stage is None:
            return Found(Presence.UNKNOWN, op=op, reason="copied from another stage")
        other = self.image.stages[op.from_stage]
        src = posixpath.normpath(posixpath.join("/", source))
        rel = path_under(path, op.dest or "/")
        candidates = []
        if rel is not None:
            candidates.append(posixpath.normpath(posixpath.join(src, rel)))  # source was a directory
        target = posixpath.join(op.dest or "/", posixpath.basename(src)) if op.dest_is_dir else op.dest
        if path == posixpath.normpath(target or "/"):
            candidates.append(src)  # source was a file
        for candidate in candidates:
            found = self.locate(other, candidate, None, depth + 1)
            if found.presence is not Presence.ABSENT:
                return Found(found.presence, found.context_path, op, None, found.reason)
        return Found(Presence.ABSENT, None, op, None, f"not in stage {other.name or other.index}")


def _excluded_by_flag(pattern: str, candidate: str) -> bool:
    try:
        return go_match(pattern, candidate) or go_match(pattern, posixpath.basename(candidate))
    except BadPattern:
        return False


def image_paths_of(fs: ImageFS, stage: Stage, context_rel: str) -> list[str]:
    """Image paths where the stage's COPYs put a context path (for explaining what went where)."""
    context_rel = clean_path(context_rel)
    paths = []
    for op in context_copies(stage):
        for source in op.sources or ():
            for match in fs.context.named_by(source):
                rel = path_under(context_rel, match) if match != "." else context_rel
                if rel is None:
                    continue
                if fs.context.kind(match) == "dir" or match == ".":
                    paths.append(posixpath.normpath(posixpath.join(folder_destination(op, match), rel)))
                elif rel == ".":
                    paths.append(posixpath.normpath(file_destination(op, match)))
    return paths
