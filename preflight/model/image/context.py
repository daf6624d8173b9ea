"""A build context on disk, and how COPY/ADD map its paths into an image.

:class:`ContextFS` answers what the context holds (through its `.dockerignore`, read lazily);
the functions below say which COPY/ADDs take context paths and where they put them.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.files import FileProblem
from preflight.model.image.stages import CopyOp
from preflight.parse.gomatch import BadPattern, glob_in_tree, has_glob

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from preflight.files import SourceTree
    from preflight.model.image.stages import Stage
    from preflight.parse.dockerignore import DockerIgnore, IgnorePattern


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
        rel = clean_path(rel)
        return any(rel == u or u == "." or rel.startswith(u + "/") for u in self.unreadable)

    def walk_error(self, err: OSError) -> None:
        """`os.walk`'s onerror: a folder of the context that cannot be listed."""
        if err.filename is not None and not isinstance(err, (FileNotFoundError, NotADirectoryError)):
            rel = os.path.relpath(err.filename, self.root).replace(os.sep, "/")
            self._cannot_read(clean_path(rel), err)

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
        rel = clean_path(rel)
        if rel not in self._kinds:
            root = os.fspath(self.root)
            path = os.path.join(root, rel) if rel != "." else root  # noqa: PTH118 - a pathlib join per file costs more than the stat
            kind: str | None = None
            try:
                mode = os.stat(path).st_mode  # noqa: PTH116
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
        rel = clean_path(rel)
        if self.ignore is None or rel == ".":
            return None
        return self.ignore.match(rel)

    def list_dir(self, rel: str) -> list[tuple[str, bool]]:
        """Entries of a context folder (name, is_dir), ignored ones included."""
        rel = clean_path(rel)
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
            matches = glob_in_tree(clean_path(pattern), self.list_dir)
        except BadPattern:
            return []
        return [m for m in matches if self.excluded_by(m) is None]

    def named_by(self, source: str) -> list[str]:
        """Context paths a COPY source names: a pattern's matches, or the path itself."""
        return self.glob(source) if has_glob(source) else [clean_path(source)]


def clean_path(path: str) -> str:
    """A COPY source or context path as a clean context-relative POSIX path (`.` for the root)."""
    cleaned = posixpath.normpath("/" + path.strip()).lstrip("/")
    return cleaned or "."


def path_under(path: str, base: str) -> str | None:
    """`path` relative to `base` ('.' when equal), or None when it is not inside."""
    if path == base:
        return "."
    prefix = base.rstrip("/") + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def is_context_copy(op: CopyOp) -> bool:
    """Whether a COPY/ADD takes known build-context paths to a known destination (the others
    bring what no static reading can list: another stage, an image, a heredoc, a URL)."""
    return (
        op.dest is not None
        and op.sources is not None
        and op.from_stage is None
        and not (op.from_image or op.from_context or op.heredoc or op.remote)
    )


def context_copies(stage: Stage) -> Iterator[CopyOp]:
    """The stage's COPY/ADDs of build-context paths (see `is_context_copy`), in order."""
    return (op for op in stage.ops if isinstance(op, CopyOp) and is_context_copy(op))


def folder_destination(op: CopyOp, match: str) -> str:
    """The image folder where a COPY puts the contents of the context folder `match`."""
    dest = op.dest or "/"
    return posixpath.join(dest, match) if op.parents and match != "." else dest


def file_destination(op: CopyOp, match: str) -> str:
    """The image path where a COPY puts the context file `match`."""
    name = match if op.parents else posixpath.basename(match)
    return posixpath.join(op.dest or "/", name) if op.dest_is_dir else op.dest or "/"
