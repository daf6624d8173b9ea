"""What an image's filesystem holds, answered lazily from COPY/ADD mappings and the context.

`locate(image, stage, "/app/config.py")` walks the stage's COPY/ADD operations from the last
one back, maps the image path to a path in the build context (or in another stage), and checks
that the context has it and `.dockerignore` lets it through. Nothing is ever copied.
"""

from __future__ import annotations

import enum
import os
import posixpath
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.files import FileProblem
from preflight.model.image.stages import CopyOp, Image, RunOp, Stage
from preflight.parse.gomatch import BadPattern, glob_in_tree, go_match, has_glob

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.files import SourceTree
    from preflight.model.runtime.mounts import Mounts
    from preflight.parse.dockerignore import DockerIgnore, IgnorePattern


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


@dataclass(slots=True)
class ContextFS:
    """A build context on disk, seen through its `.dockerignore` (read lazily, cached)."""

    root: Path
    ignore: DockerIgnore | None
    known: bool = True
    """False when the build context is a guess (a Dockerfile nobody is seen building)."""
    tree: SourceTree | None = None
    """Where a folder that cannot be read is recorded (and then reported as PF002)."""
    _kinds: dict[str, str | None] = field(default_factory=dict)
    _dirs: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    """Context folders that cannot be listed or searched: what they hold is unknown."""

    def is_unknown(self, rel: str) -> bool:
        """Whether `rel` lies in (or is) a context folder that cannot be read."""
        rel = _clean(rel)
        return any(rel == u or u == "." or rel.startswith(u + "/") for u in self.unreadable)

    def walk_error(self, err: OSError) -> None:
        """`os.walk`'s onerror: a folder of the context that cannot be listed."""
        if err.filename is not None and not isinstance(err, (FileNotFoundError, NotADirectoryError)):
            rel = os.path.relpath(err.filename, self.root).replace(os.sep, "/")
            self._cannot_read(_clean(rel), err)

    def _cannot_read(self, rel: str, err: OSError) -> None:
        """Record the outermost folder that cannot be read (a path below it cannot even be
        looked at, so the problem is reported once, at that folder)."""
        while rel != ".":
            try:
                (self.root / rel).stat()
                break
            except OSError:
                rel = posixpath.dirname(rel) or "."
        if self.is_unknown(rel):
            return
        self.unreadable.add(rel)
        if self.tree is not None:
            path = self.root / rel if rel != "." else self.root
            self.tree.note(FileProblem(self.tree.rel(path), f"cannot read folder: {err.strerror or err}"))

    def kind(self, rel: str) -> str | None:
        """'file', 'dir' or None for a context-relative POSIX path (links are not followed out)."""
        rel = _clean(rel)
        if rel not in self._kinds:
            path = self.root / rel if rel != "." else self.root
            kind: str | None = None
            try:
                mode = path.stat().st_mode
                kind = "dir" if stat.S_ISDIR(mode) else "file"
            except (FileNotFoundError, NotADirectoryError):
                kind = "file" if os.path.lexists(path) else None  # a dangling link is copied as a link
            except OSError as err:  # its folder cannot be searched: unknown, not absent
                self._cannot_read(posixpath.dirname(rel) or ".", err)
                kind = None
            self._kinds[rel] = kind
        return self._kinds[rel]

    def excluded_by(self, rel: str) -> IgnorePattern | None:
        """The `.dockerignore` pattern that keeps `rel` out of the context, if any."""
        rel = _clean(rel)
        if self.ignore is None or rel == ".":
            return None
        return self.ignore.match(rel)

    def list_dir(self, rel: str) -> list[tuple[str, bool]]:
        """Entries of a context folder (name, is_dir), ignored ones included."""
        rel = _clean(rel)
        if rel not in self._dirs:
            path = self.root / rel if rel != "." else self.root
            try:
                entries = sorted((e.name, e.is_dir()) for e in os.scandir(path))
            except (FileNotFoundError, NotADirectoryError):
                entries = []
            except OSError as err:
                self._cannot_read(rel, err)
                entries = []
            self._dirs[rel] = entries
        return self._dirs[rel]

    def glob(self, pattern: str) -> list[str]:
        """Context paths matching a COPY source pattern, as BuildKit expands it."""
        try:
            matches = glob_in_tree(_clean(pattern), self.list_dir)
        except BadPattern:
            return []
        return [m for m in matches if self.excluded_by(m) is None]


def _clean(path: str) -> str:
    cleaned = posixpath.normpath("/" + path.strip()).lstrip("/")
    return cleaned or "."


def path_under(path: str, base: str) -> str | None:
    """`path` relative to `base` ('.' when equal), or None when it is not inside."""
    if path == base:
        return "."
    prefix = base.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


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

    def in_container(self, stage: Stage, mounts: Mounts) -> ImageFS:
        """The filesystem a service's container sees: this image's `stage` with compose's mounts."""
        if not mounts.items and not mounts.unknown:
            return self
        return ImageFS(self.image, self.context, self.python_files, self._run_effects, mounts, stage.index)

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

    def locate(self, stage: Stage, path: str, before: int | None = None, depth: int = 0) -> Found:
        """Is `path` in `stage` (before op number `before`, or at its end)?"""
        path = posixpath.normpath(path)
        if self.mounts is not None and depth == 0 and before is None and stage.index == self.final:
            found = self._mounted(path) or self._locate(stage, path, before, depth)
            if self.mounts.unknown and found.presence is Presence.ABSENT:
                return Found(Presence.UNKNOWN, reason="a volume whose target is not known may hold it")
            return found
        return self._locate(stage, path, before, depth)

    def _locate(self, stage: Stage, path: str, before: int | None, depth: int) -> Found:
        ops = stage.ops if before is None else stage.ops[:before]
        missed: Found | None = None
        unknown: Found | None = None
        # a later COPY can only add files, so the first PRESENT answer (from the end) decides
        for op in reversed(ops):
            if not isinstance(op, CopyOp):
                if unknown is None and (why := self._run_creates(op)) is not None:
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
            found = self.locate(self.image.stages[stage.base_stage], path, None, depth + 1)
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
        matches = self.context.glob(source) if has_glob(source) else [_clean(source)]
        if not matches and self.context.unreadable:
            return Found(Presence.UNKNOWN, None, op, None, "a build context folder cannot be read")
        missed: Found | None = None
        for match in matches:
            kind = self.context.kind(match)
            if kind == "dir" or match == ".":
                base = posixpath.join(op.dest or "/", match) if op.parents and match != "." else op.dest or "/"
                rel = path_under(path, posixpath.normpath(base))
                if rel is None:
                    continue
                candidate = _clean(f"{match}/{rel}")
            else:
                name = match if op.parents else posixpath.basename(match)
                target = posixpath.join(op.dest or "/", name) if op.dest_is_dir else op.dest
                if path != posixpath.normpath(target or "/"):
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
    context_rel = _clean(context_rel)
    paths = []
    for op in stage.ops:
        if not isinstance(op, CopyOp) or op.dest is None or op.sources is None:
            continue
        if op.from_stage is not None or op.from_image or op.from_context or op.heredoc or op.remote:
            continue
        for source in op.sources:
            for match in fs.context.glob(source) if has_glob(source) else [_clean(source)]:
                rel = path_under(context_rel, match) if match != "." else context_rel
                if rel is None:
                    continue
                if fs.context.kind(match) == "dir" or match == ".":
                    base = posixpath.join(op.dest, match) if op.parents and match != "." else op.dest
                    paths.append(posixpath.normpath(posixpath.join(base, rel)))
                elif rel == ".":
                    name = match if op.parents else posixpath.basename(match)
                    paths.append(posixpath.normpath(posixpath.join(op.dest, name) if op.dest_is_dir else op.dest))
    return paths
