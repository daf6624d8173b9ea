"""Python modules inside an image: where `import x` finds them on the container's sys.path."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.model.image import CopyOp, Stage
from preflight.model.image_fs import Found, ImageFS, Presence
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


@dataclass(slots=True)
class ModuleLocator:
    """Finds modules on a sys.path inside one image stage, with cached parses."""

    fs: ImageFS
    stage: Stage
    sys_path: list[str]
    prefix: str = "."
    """The build context's path relative to the checked root (for spans)."""
    sources: PythonSources = field(default_factory=PythonSources)
    _cache: dict[str, tuple[Presence, ModuleHit | None]] = field(default_factory=dict)

    def _probe(self, path: str) -> Found:
        return self.fs.locate(self.stage, path)

    def find(self, dotted: str) -> tuple[Presence, ModuleHit | None]:
        """PRESENT with the hit, ABSENT, or UNKNOWN when the image may hold it unseen."""
        if dotted not in self._cache:
            self._cache[dotted] = self._find(dotted)
        return self._cache[dotted]

    def _find(self, dotted: str) -> tuple[Presence, ModuleHit | None]:
        parts = dotted.split(".")
        unknown = False
        for sys_dir in self.sys_path:
            base = posixpath.join(sys_dir, *parts)
            for candidate, is_package in ((base + ".py", False), (base + "/__init__.py", True), (base, True)):
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
    """(image path, context path) of Python files COPYed from the context into the stage."""
    files: dict[str, str] = {}
    for op in stage.ops:
        if not isinstance(op, CopyOp) or op.dest is None or op.sources is None:
            continue
        if op.from_stage is not None or op.from_image or op.from_context or op.heredoc or op.remote:
            continue
        for source in op.sources:
            for match in fs.context.glob(source):
                kind = fs.context.kind(match)
                if kind == "dir" or match == ".":
                    base = posixpath.join(op.dest, match) if op.parents and match != "." else op.dest
                    for rel in _walk_py(fs, match):
                        files[posixpath.normpath(posixpath.join(base, rel))] = posixpath.normpath(
                            posixpath.join(match, rel)
                        )
                elif match.endswith(".py"):
                    name = match if op.parents else posixpath.basename(match)
                    target = posixpath.join(op.dest, name) if op.dest_is_dir else op.dest
                    files[posixpath.normpath(target)] = match
                if len(files) > MAX_IMAGE_FILES:
                    return sorted(files.items())
    return sorted(files.items())


def _walk_py(fs: ImageFS, folder: str) -> list[str]:
    root = fs.context.root / folder if folder != "." else fs.context.root
    found = []
    for current, dirs, names in os.walk(root):
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
