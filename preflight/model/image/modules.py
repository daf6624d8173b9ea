"""Python modules inside an image: where `import x` finds them on the container's sys.path."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.model.image.context import context_copies, file_destination, folder_destination, is_context_copy
from preflight.model.image.filesystem import Found, ImageFS, Presence
from preflight.model.image.stages import CopyOp, Stage
from preflight.model.python_sources import PythonSources

if TYPE_CHECKING:
    from preflight.parse.python import PythonModule

MAX_IMAGE_FILES = 5000


@dataclass(frozen=True, slots=True)
class ModuleHit:
    """Where a module was found: its file (or package folder) in the image and the context."""

    name: str
    image_path: str
    context_path: str | None
    is_package: bool
    sys_dir: str


_UNSET = None


@dataclass(frozen=True, slots=True)
class PythonIndex:
    """Image path -> context path of every `.py` file, and of every folder holding one."""

    files: dict[str, str]
    dirs: dict[str, str]


def build_python_index(fs: ImageFS, stage: Stage) -> PythonIndex | object:
    """An exact index of the stage's Python files, or a marker when it cannot be exact.

    Exact means: the stage only adds files by COPY/ADD from the build context (no other stage,
    image, heredoc or unknown path) on top of a base image known not to hold application code.
    Then a module missing from the index is missing from the image, and lookups cost nothing.
    """
    if any(isinstance(op, CopyOp) and not is_context_copy(op) for op in stage.ops):
        return _INEXACT
    if fs.mounts is not None:
        return _INEXACT  # compose mounts change what the container sees
    if stage.base_stage is not None or fs.locate(stage, "/nonexistent-probe").presence is not Presence.ABSENT:
        return _INEXACT
    files = dict(image_python_files(fs, stage))
    if len(files) > MAX_IMAGE_FILES or fs.context.unreadable:
        return _INEXACT  # too many, or a folder of the context could not be listed
    dirs: dict[str, str] = {}
    for image_path, context_path in files.items():
        folder, context_folder = posixpath.dirname(image_path), posixpath.dirname(context_path)
        while folder not in ("/", "") and folder not in dirs:
            dirs[folder] = context_folder or "."
            folder, context_folder = posixpath.dirname(folder), posixpath.dirname(context_folder)
    return PythonIndex(files, dirs)


_INEXACT = object()


@dataclass(slots=True)
class ModuleLocator:
    """Finds modules on a sys.path inside one image stage, with cached parses."""

    fs: ImageFS
    stage: Stage
    sys_path: list[str]
    prefix: str = "."
    """The build context's path relative to the checked root (for spans)."""
    sources: PythonSources = field(default_factory=PythonSources)
    site_dirs: dict[str, str] = field(default_factory=dict)
    """Top-level name -> the image folder that stands for its installed copy in site-packages
    (searched after `sys_path`, as site-packages comes after it), less those a mount changes."""
    _cache: dict[str, tuple[Presence, ModuleHit | None]] = field(default_factory=dict)
    _index: object = None

    def __post_init__(self) -> None:
        from preflight.model.image.installed_sources import unmounted

        self.site_dirs = unmounted(self.site_dirs, self.fs.mounts)

    def _probe(self, path: str) -> Found:
        return self.fs.locate(self.stage, path)

    def find(self, dotted: str) -> tuple[Presence, ModuleHit | None]:
        """PRESENT with the hit, ABSENT, or UNKNOWN when the image may hold it unseen."""
        if dotted not in self._cache:
            index = self._python_index()
            dirs = self.search_path(dotted)
            self._cache[dotted] = (
                self._find_indexed(dotted, index, dirs) if index is not None else self._find(dotted, dirs)
            )
        return self._cache[dotted]

    def search_path(self, dotted: str) -> list[str]:
        """The folders `dotted` is looked for in, in order."""
        site = self.site_dirs.get(dotted.partition(".")[0])
        return self.sys_path if site is None or site in self.sys_path else [*self.sys_path, site]

    def _python_index(self) -> PythonIndex | None:
        """Every Python file of the stage, when COPYs from the context are all the stage has."""
        if self._index is _UNSET:
            self._index = build_python_index(self.fs, self.stage)
        return self._index if isinstance(self._index, PythonIndex) else None

    def _find_indexed(self, dotted: str, index: PythonIndex, dirs: list[str]) -> tuple[Presence, ModuleHit | None]:
        parts = dotted.split(".")
        for sys_dir in dirs:
            base = posixpath.join(sys_dir, *parts)
            # Python's path finder takes a package over a module of the same name in one folder
            for candidate, is_package in ((base + "/__init__.py", True), (base + ".py", False)):
                context_path = index.files.get(candidate)
                if context_path is not None:
                    return Presence.PRESENT, ModuleHit(dotted, candidate, context_path, is_package, sys_dir)
            folder = index.dirs.get(base)
            if folder is not None:
                return Presence.PRESENT, ModuleHit(dotted, base, folder, True, sys_dir)
        return Presence.ABSENT, None

    def _find(self, dotted: str, dirs: list[str]) -> tuple[Presence, ModuleHit | None]:
        parts = dotted.split(".")
        unknown = False
        for sys_dir in dirs:
            base = posixpath.join(sys_dir, *parts)
            for candidate, is_package in ((base + "/__init__.py", True), (base + ".py", False), (base, True)):
                found = self._probe(candidate)
                if found.presence is Presence.PRESENT:
                    if candidate == base and found.context_path is not None and not self._is_dir(found):
                        continue
                    return Presence.PRESENT, ModuleHit(dotted, candidate, found.context_path, is_package, sys_dir)
                if found.presence is Presence.UNKNOWN:
                    unknown = True
        return (Presence.UNKNOWN if unknown else Presence.ABSENT), None

    def _is_dir(self, found: Found) -> bool:
        return found.context_path is not None and self.fs.context.kind(found.context_path) == "dir"

    def parse(self, hit: ModuleHit) -> PythonModule | None:
        """The analysed source of a module file (None for namespace folders and unreadable files)."""
        if hit.context_path is None or not hit.image_path.endswith(".py"):
            return None
        return self.parse_context_file(hit.context_path)

    def display(self, context_path: str) -> str:
        """Root-relative POSIX path of a context file, as spans show it."""
        return posixpath.normpath(posixpath.join(self.prefix, context_path))

    def parse_context_file(self, context_path: str) -> PythonModule | None:
        """Analyse a Python file of the build context (cached for the whole check)."""
        return self.sources.get(self.fs.context.root / context_path, self.display(context_path))


def image_python_files(fs: ImageFS, stage: Stage) -> list[tuple[str, str]]:
    """(image path, context path) of Python files COPYed from the context into the stage (cached)."""
    if stage.index not in fs.python_files:
        fs.python_files[stage.index] = _python_files(fs, stage)
    return fs.python_files[stage.index]


def _python_files(fs: ImageFS, stage: Stage) -> list[tuple[str, str]]:
    files: dict[str, str] = {}
    for op in context_copies(stage):
        for source in op.sources or ():
            for match in fs.context.glob(source):
                kind = fs.context.kind(match)
                if kind == "dir" or match == ".":
                    base = folder_destination(op, match)
                    for rel in _walk_py(fs, match):
                        files[posixpath.normpath(posixpath.join(base, rel))] = posixpath.normpath(
                            posixpath.join(match, rel)
                        )
                elif match.endswith(".py"):
                    files[posixpath.normpath(file_destination(op, match))] = match
                if len(files) > MAX_IMAGE_FILES:
                    return sorted(files.items())
    return sorted(files.items())


def _walk_py(fs: ImageFS, folder: str) -> list[str]:
    root = fs.context.root / folder if folder != "." else fs.context.root
    found = []
    for current, dirs, names in os.walk(root, onerror=fs.context.walk_error):
        rel_dir = os.path.relpath(current, root).replace(os.sep, "/")
        ctx_dir = posixpath.normpath(posixpath.join(folder, rel_dir))
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in ("__pycache__", ".git", "node_modules", ".venv", "venv")
            and (
                fs.context.excluded_by(posixpath.join(ctx_dir, d)) is None
                or (
                    fs.context.ignore is not None
                    and fs.context.ignore.might_contain_included(posixpath.join(ctx_dir, d))
                )
            )
        )
        for name in sorted(names):
            if name.endswith(".py") and fs.context.excluded_by(posixpath.join(ctx_dir, name)) is None:
                found.append(posixpath.normpath(posixpath.join(rel_dir, name)))
        if len(found) > MAX_IMAGE_FILES:
            break
    return found
