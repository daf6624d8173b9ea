"""The persistent cache of a check: the last report, and the facts of every Python file analysed.

It lives in ``.preflight_cache/`` at the checked root (``--cache-dir`` or ``PREFLIGHT_CACHE_DIR``
move it; ``--no-cache`` turns it off; ``preflight clean`` removes it), with a ``.gitignore`` of
``*`` so that it is never committed, as ruff does.

* **Report replay.** Before a check, the tree is fingerprinted: every file's path, size and
  modification time, every folder's entries (VCS metadata, dependency folders and bytecode
  aside). When the fingerprint, the configuration, the command line, preflight's version and
  the interpreter all match the last run's, its report is replayed without loading the model.
  A check that reads anything outside the root, or sees a file modified in the last seconds
  (a write in the same clock tick would go unseen), is not stored for replay.
* **Python facts.** The analysis of each Python file (imports with spans and guards, names of
  environment variables read, settings classes, syntax errors: never a value) is stored with
  the file's size, modification time and content hash. A file whose size and time are unchanged
  is not read again; one whose content hash is unchanged is not parsed again.

The files are plain JSON, checked against the current classes when read: a damaged, foreign or
outdated file is ignored (and rewritten), never trusted. Writing is best effort: a read-only tree
is checked as usual, silently without a cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from preflight import __version__
from preflight.cache_codec import CacheFormatError, decoder, encode, schema_digest

if TYPE_CHECKING:
    from preflight.config import Config
    from preflight.diagnostics import Report
    from preflight.files import FileProblem
    from preflight.parse.python import PythonModule

CACHE_DIR_NAME = ".preflight_cache"
CACHE_DIR_ENV = "PREFLIGHT_CACHE_DIR"
FORMAT = 1
FACTS_VERSION = 2
"""Bump when `analyze_python` finds other facts in the same fields: older entries are then not
read (a new or changed field changes the facts' schema digest, which invalidates them too)."""
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by preflight.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# Not part of the fingerprint: VCS metadata, installed dependencies and bytecode, which the
# model never reads as part of a build context either.
_UNWATCHED = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__"})
_RACY_NS = 2_000_000_000
"""Files modified this recently may change again within the same timestamp: not trusted."""
_LOAD_ERRORS = (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


def cache_folder(root: Path, explicit: Path | None = None) -> Path:
    """Where the cache of the check of `root` lives: `--cache-dir`, `PREFLIGHT_CACHE_DIR`, else the root."""
    if explicit is None:
        from_env = os.environ.get(CACHE_DIR_ENV)
        explicit = Path(from_env) if from_env else root / CACHE_DIR_NAME
    return Path(os.path.abspath(explicit))  # noqa: PTH100 - absolute, links not resolved


def clean(folder: Path) -> bool:
    """Remove a cache folder; only one that preflight created (it holds our tag). True if removed."""
    tag = folder / "CACHEDIR.TAG"
    try:
        if folder.is_symlink() or not tag.is_file() or tag.read_text(encoding="utf-8") != CACHEDIR_TAG:
            return False
    except OSError:
        return False
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:32]


def fingerprint(root: Path, skip: Path | None = None) -> tuple[str, bool] | None:
    """(digest of every path, size and mtime under `root`, whether one was modified just now).

    None when the tree cannot be fingerprinted (a linked folder, an unreadable folder).
    """
    seen: list[str] = []
    racy_after = time.time_ns() - _RACY_NS
    racy = False
    skipped = os.fspath(skip) if skip is not None else None
    pending = [(os.fspath(root), "")]
    while pending:
        folder, rel = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            return None
        for entry in entries:
            name = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _UNWATCHED or entry.path == skipped:
                    continue
                seen.append(f"d {name}")
                pending.append((entry.path, f"{name}/"))
                continue
            try:
                stat = entry.stat()  # links followed: the model reads what they point at
            except OSError:
                seen.append(f"x {name}")
                continue
            if entry.is_symlink() and entry.is_dir():
                return None  # the model may look inside a linked folder: not watched here
            racy = racy or stat.st_mtime_ns > racy_after
            seen.append(f"f {name} {stat.st_size} {stat.st_mtime_ns}")
    return hashlib.sha256("\0".join(seen).encode("utf-8", "surrogateescape")).hexdigest(), racy


class CheckCache:
    """The cache of one check: its report (for replay) and its Python facts."""

    def __init__(self, folder: Path, root: Path, config: Config, cwd: Path) -> None:
        self.folder = folder
        self.root = root
        self.tag = _digest(root)[:16]
        try:
            schema = _report_schema()
        except OSError:  # an installation without its sources: no replay, never a crash
            schema = None
        self.report_key = _digest(FORMAT, __version__, sys.implementation.cache_tag, root, cwd, repr(config), schema)
        # the process environment is not fingerprinted
        self.replayable = not config.use_os_env and schema is not None
        printed = fingerprint(root, folder) if self.replayable else None
        self.state = printed[0] if printed is not None else None
        self.racy = printed is None or printed[1]
        # display path -> [size, mtime_ns, sha256, JSON text of the analysis (decoded when used)]
        self._facts: dict[str, list[Any]] | None = None
        self._used: dict[str, list[Any]] = {}
        self._facts_changed = False

    # -- report replay --------------------------------------------------------------------

    def replay(self) -> Report | None:
        """The stored report, when nothing it depends on has changed since it was made."""
        if not self.replayable or self.state is None:
            return None
        try:
            stored = json.loads((self.folder / f"report-{self.tag}.json").read_text(encoding="utf-8"))
            if stored["format"] != FORMAT or stored["key"] != self.report_key or stored["state"] != self.state:
                return None
            from preflight.diagnostics import Report

            report: Report = decoder(Report)(stored["report"])
        except (*_LOAD_ERRORS, CacheFormatError):
            return None
        return report

    def note_outside_root(self) -> None:
        """The check read something outside the root, which the fingerprint does not watch."""
        self.replayable = False

    @staticmethod
    def watches(rel: str) -> bool:
        """Whether the fingerprint covers a root-relative path (not outside, not in an unwatched folder)."""
        parts = rel.split("/")
        return not rel.startswith("/") and ".." not in parts and not any(p in _UNWATCHED for p in parts)

    def save(self, report: Report) -> None:
        """Store the report (when replayable) and the Python facts (when they changed)."""
        if self.replayable and self.state is not None and not self.racy:
            try:
                encoded = encode(report)
            except TypeError:
                encoded = None
            body = {"format": FORMAT, "key": self.report_key, "state": self.state, "report": encoded}
            if encoded is not None:
                self._write(f"report-{self.tag}.json", json.dumps(body, separators=(",", ":")))
        if self._facts_changed:
            kept = dict(self._used)
            if self._facts and len(self._facts) <= 2 * len(kept):  # entries of files not reached this time
                kept = {**self._facts, **kept}
            # one line per file: its metadata, a tab, its analysis (read back only when used)
            lines = [json.dumps({"format": FORMAT, "key": _facts_key()})]
            lines.extend(json.dumps([k, *v[:3]]) + "\t" + v[3] for k, v in sorted(kept.items()))
            self._write(f"python-{self.tag}.jsonl", "\n".join(lines) + "\n")

    # -- Python facts ---------------------------------------------------------------------

    def analyze(self, path: Path, display: str) -> PythonModule | FileProblem:
        """The analysis of a Python file: from the cache when the file is unchanged, else fresh."""
        from preflight.model.python_sources import MAX_SOURCE_BYTES, analyze_text
        from preflight.parse.python import PythonModule

        if not self.watches(display):
            self.replayable = False
        facts = self._load_facts()
        entry = facts.get(display)
        try:
            stat = path.stat()
        except OSError:
            stat = None
        if entry is not None and stat is not None and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            module = self._decode(entry, display)
            if module is not None:
                self._used[display] = entry
                return module
        from preflight.files import SourceText, decode_python, read_source

        source = read_source(path, display, MAX_SOURCE_BYTES, decode_python)
        if not isinstance(source, SourceText):
            return source  # not cached: reported (PF002) on every run
        text = source.text
        if stat is None:
            return analyze_text(text, display)
        sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        racy = stat.st_mtime_ns > time.time_ns() - _RACY_NS
        size, mtime = (-1, -1) if racy else (stat.st_size, stat.st_mtime_ns)
        if entry is not None and entry[2] == sha:
            module = self._decode(entry, display)
            if module is not None:
                self._used[display] = [size, mtime, sha, entry[3]]
                self._facts_changed = True
                return module
        module = analyze_text(text, display)
        encoded = json.dumps(encode(PythonModule("", *_fields_after_path(module))), separators=(",", ":"))
        self._used[display] = [size, mtime, sha, encoded]
        self._facts_changed = True
        return module

    def _decode(self, entry: list[Any], display: str) -> PythonModule | None:
        from preflight.parse.python import PythonModule

        try:
            module: PythonModule = decoder(PythonModule)(json.loads(entry[3]))
        except (*_LOAD_ERRORS, CacheFormatError):
            self._facts_changed = True
            return None
        return PythonModule(display, *_fields_after_path(module))

    def _load_facts(self) -> dict[str, list[Any]]:
        if self._facts is None:
            try:
                self._facts = _read_facts(self.folder / f"python-{self.tag}.jsonl")
            except (*_LOAD_ERRORS, CacheFormatError):
                self._facts = {}
                self._facts_changed = True  # a damaged file is rewritten
        return self._facts

    # -- writing --------------------------------------------------------------------------

    def _write(self, name: str, text: str) -> None:
        """Write one cache file atomically; any failure (a read-only tree) leaves no trace."""
        if not _writable(self.folder):
            return
        import tempfile

        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            for marker, content in (
                (".gitignore", "# Created by preflight automatically.\n*\n"),
                ("CACHEDIR.TAG", CACHEDIR_TAG),
            ):
                if not (self.folder / marker).exists():
                    (self.folder / marker).write_text(content, encoding="utf-8")
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                Path(temporary).replace(self.folder / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise


def _read_facts(path: Path) -> dict[str, list[Any]]:
    """The entries of a facts file (none when it is another version's); raises when damaged."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = json.loads(lines[0])
    if header["format"] != FORMAT or header["key"] != _facts_key():
        return {}
    facts: dict[str, list[Any]] = {}
    for line in lines[1:]:
        if not line:
            continue
        head, tab, body = line.partition("\t")
        meta = json.loads(head)
        if not tab or type(meta) is not list or len(meta) != 4 or [type(m) for m in meta] != [str, int, int, str]:
            raise CacheFormatError("not a line of a facts file")
        facts[meta[0]] = [meta[1], meta[2], meta[3], body]
    return facts


def _writable(folder: Path) -> bool:
    """Whether the folder (or its nearest existing parent) may be written: permission bits count
    even for root, so a tree shared without write bits is never written to."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        return probe.is_dir() and bool(probe.stat().st_mode & 0o222) and os.access(probe, os.W_OK)
    except OSError:
        return False


def _fields_after_path(module: PythonModule) -> tuple[Any, ...]:
    return tuple(getattr(module, f.name) for f in dataclasses.fields(module)[1:])


def _report_schema() -> str:
    """A digest of the source of the modules that define the stored report's types.

    Cheaper than describing the types (which imports the analysis modules on every replay), and
    changed by any edit of those modules, so a report of other fields is never decoded.
    """
    package = Path(__file__).parent
    hasher = hashlib.sha256()
    for name in _REPORT_MODULES:
        hasher.update((package / name).read_bytes())
    return hasher.hexdigest()[:16]


_REPORT_MODULES = ("diagnostics.py", "verdict.py", "cache_codec.py")


def _facts_key() -> str:
    from preflight.parse.python import PythonModule

    # the grammar is the running interpreter's: `ast` of another Python may read a file otherwise
    return _digest(FORMAT, FACTS_VERSION, __version__, sys.implementation.cache_tag, schema_digest(PythonModule))
