"""Safe reading of the user's files: size limits, encodings, binary data, links out of the root.

Every read goes through `SourceTree.read_text`, which never raises for a problem with the file
itself: it returns a `FileProblem` that rules report as PF002.
"""

from __future__ import annotations

import codecs
import enum
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

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
        try:
            problem = self._check_link(path, rel)
        except OSError as err:  # a folder on the way cannot be searched
            return FileProblem(rel, f"cannot read file: {err.strerror or err}")
        if problem is not None:
            return problem
        return read_source(path, rel, self.max_bytes)

    def note(self, problem: FileProblem) -> None:
        """Record a problem met outside :meth:`read_text` (a folder that cannot be listed, a
        Python file parsed elsewhere) so that it is reported like any other."""
        self._cache.setdefault(problem.path, problem)

    def folder_error(self, err: OSError) -> None:
        """`os.walk`'s onerror: a folder of the repository that cannot be listed is reported."""
        if err.filename is not None and not isinstance(err, (FileNotFoundError, NotADirectoryError)):
            self.note(
                FileProblem(self.rel(Path(os.fsdecode(err.filename))), f"cannot read folder: {err.strerror or err}")
            )

    def problems(self) -> list[FileProblem]:
        """Every file that exists but could not be read, in path order (missing files are left
        to the rules that know whether they are required)."""
        found = [p for p in self._cache.values() if isinstance(p, FileProblem) and p.message != NOT_FOUND]
        return sorted(found, key=lambda p: p.path)

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


NOT_FOUND = "file not found"


class PathKind(enum.Enum):
    """What a path is on disk, without ever raising: UNKNOWN when it cannot be looked at."""

    MISSING = "missing"
    FILE = "file"
    DIR = "dir"
    OTHER = "other"
    """A FIFO, socket or device: never read."""
    UNKNOWN = "unknown"
    """Its folder cannot be searched (permissions), or a link loops."""


def probe(path: Path) -> PathKind:
    """Classify ``path`` (links followed); a permission problem is UNKNOWN, never MISSING."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return PathKind.OTHER if os.path.lexists(path) else PathKind.MISSING  # a broken link: read, reported
    except (OSError, ValueError):
        return PathKind.UNKNOWN
    if stat.S_ISREG(info.st_mode):
        return PathKind.FILE
    return PathKind.DIR if stat.S_ISDIR(info.st_mode) else PathKind.OTHER


def decode_python(data: bytes) -> str:
    """Decode a Python source as Python does: UTF-8, or the PEP 263 coding cookie's encoding."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).lstrip("\ufeff")
    except (SyntaxError, LookupError):
        return decode(data)


def read_source(
    path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES, decoder: Callable[[bytes], str] = decode
) -> SourceText | FileProblem:
    """Read and decode one file under the reading policy every input shares.

    Only regular files are read, and never more than ``max_bytes``: the size is checked on the
    open file before reading (a FIFO, a device or a sparse 1 GB file is refused, not read), and
    the read itself is bounded in case the file grows. NUL bytes mean binary data.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return FileProblem(rel, NOT_FOUND)
    except IsADirectoryError:
        return FileProblem(rel, "not a regular file")
    except OSError as err:
        return FileProblem(rel, f"cannot read file: {err.strerror or err}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return FileProblem(rel, "not a regular file")
        if info.st_size > max_bytes:
            return FileProblem(rel, f"file is too large ({info.st_size} bytes; the limit is {max_bytes})")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(max_bytes + 1)
    except OSError as err:
        return FileProblem(rel, f"cannot read file: {err.strerror or err}")
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return FileProblem(rel, f"file is too large (more than {max_bytes} bytes)")
    try:
        text = decoder(data)
    except UnicodeDecodeError as err:
        line, col = _first_bad_byte(data, err)
        return FileProblem(rel, "file is not valid UTF-8 text", line, col)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return FileProblem(
            rel, "file looks binary (contains NUL bytes)", line, nul - (text.rfind("\n", 0, nul) + 1) + 1
        )
    return SourceText(rel, text)


def _lenient(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def files_read(tree: SourceTree) -> int:
    """How many distinct files the check read (or tried to read)."""
    return len(tree._cache)


def read_paths(tree: SourceTree) -> tuple[str, ...]:
    """The root-relative paths of the files the check read (or tried to read), sorted."""
    return tuple(sorted(tree._cache))


def read_small_text(path: Path, limit: int = MAX_FILE_BYTES) -> str | None:
    """A file's text under the reading policy (undecodable bytes replaced), or None: for
    reads outside SourceTree, whose failure the caller records as unknown."""
    source = read_source(path, path.name, limit, _lenient)
    return source.text if isinstance(source, SourceText) else None
