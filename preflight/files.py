"""Safe reading of the user's files: size limits, encodings, binary data, links out of the root.

Every read goes through `SourceTree.read_text`, which never raises for a problem with the file
itself: it returns a `FileProblem` that rules report as PF002.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Files larger than this are not read (a compose or requirements file is never this big)."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Why a file could not be read."""

    path: str
    message: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True, slots=True)
class SourceText:
    """The decoded text of a file."""

    path: str
    text: str


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8, or by BOM as UTF-16/32; raise UnicodeDecodeError otherwise."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding).lstrip("\ufeff")
    return data.decode("utf-8")


def _first_bad_byte(data: bytes, err: UnicodeDecodeError) -> tuple[int, int]:
    """1-based line and column of the byte that failed to decode."""
    before = data[: err.start]
    line = before.count(b"\n") + 1
    col = err.start - (before.rfind(b"\n") + 1) + 1
    return line, col


@dataclass(slots=True)
class SourceTree:
    """The checked root, with a cache of what was read and every problem met on the way."""

    root: Path
    max_bytes: int = MAX_FILE_BYTES
    _cache: dict[str, SourceText | FileProblem] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        """POSIX path of `path` relative to the root ('..' parts kept when outside)."""
        path = Path(os.path.normpath(path))  # `docker/../docker/Dockerfile` -> `docker/Dockerfile`
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return PurePosixPath(os.path.relpath(path, self.root)).as_posix()

    def inside_root(self, path: Path) -> bool:
        """Whether `path` (lexically normalised, links not followed) lies under the root."""
        normal = Path(os.path.normpath(self.root / path))
        return normal == self.root or self.root in normal.parents

    def read_text(self, path: Path) -> SourceText | FileProblem:
        """Read and decode a file, or say why not. Results are cached per path."""
        rel = self.rel(path)
        cached = self._cache.get(rel)
        if cached is None:
            cached = self._read(path, rel)
            self._cache[rel] = cached
        return cached

    def _read(self, path: Path, rel: str) -> SourceText | FileProblem:
        problem = self._check_link(path, rel)
        if problem is not None:
            return problem
        try:
            size = path.stat().st_size
            if not path.is_file():
                return FileProblem(rel, "not a regular file")
            if size > self.max_bytes:
                return FileProblem(rel, f"file is too large ({size} bytes; the limit is {self.max_bytes})")
            data = path.read_bytes()
        except FileNotFoundError:
            return FileProblem(rel, "file not found")
        except OSError as err:
            return FileProblem(rel, f"cannot read file: {err.strerror or err}")
        try:
            text = decode(data)
        except UnicodeDecodeError as err:
            line, col = _first_bad_byte(data, err)
            return FileProblem(rel, "file is not valid UTF-8 text", line, col)
        if "\x00" in text:
            return FileProblem(rel, "file looks binary (contains NUL bytes)")
        return SourceText(rel, text)

    def _check_link(self, path: Path, rel: str) -> FileProblem | None:
        """Refuse symlink loops and links that resolve outside the root."""
        try:
            resolved = path.resolve(strict=False)
        except RuntimeError:
            return FileProblem(rel, "symlink loop")
        except OSError as err:
            if err.errno == 40:  # ELOOP
                return FileProblem(rel, "symlink loop")
            return FileProblem(rel, f"cannot resolve path: {err.strerror or err}")
        root = self.root.resolve()
        if path.is_symlink() or any(p.is_symlink() for p in path.parents if self.inside_root(p)):
            if resolved != root and root not in resolved.parents:
                return FileProblem(rel, "symlink points outside the checked root")
            if path.is_symlink() and not path.exists():
                try:
                    os.stat(path)  # noqa: PTH116 - distinguishes a loop from a dangling link
                except OSError as err:
                    if err.errno == 40:
                        return FileProblem(rel, "symlink loop")
                    return FileProblem(rel, "broken symlink")
        return None


def files_read(tree: SourceTree) -> int:
    """How many distinct files the check read (or tried to read)."""
    return len(tree._cache)


def read_paths(tree: SourceTree) -> tuple[str, ...]:
    """The root-relative paths of the files the check read (or tried to read), sorted."""
    return tuple(sorted(tree._cache))


def read_small_text(path: Path, limit: int = MAX_FILE_BYTES) -> str | None:
    """A regular file's text (undecodable bytes replaced), or None: for reads outside SourceTree.

    A path may be a link to a device or to something huge; only small regular files are read.
    """
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
