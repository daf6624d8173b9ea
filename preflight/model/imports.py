"""Where every import a container makes resolves: one typed answer per import.

`resolve` answers for one import of one service's container; `import_resolutions` answers for
every import of every built service, once per check. The rules of the import family each match
the variants they report (see `Resolution`).
"""

from __future__ import annotations

import enum
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from preflight.diagnostics import Span
from preflight.model.image.filesystem import Presence, image_paths_of

if TYPE_CHECKING:
    from preflight.model.image.modules import ModuleHit
    from preflight.model.project import Project
    from preflight.model.runtime.container import ServiceRuntime
    from preflight.parse.python import ImportRef, PythonModule

_SETUPTOOLS_MODULES = ("setuptools", "pkg_resources", "distutils")
"""Modules that `python:3.12+` images no longer ship (setuptools is not preinstalled there)."""


@dataclass(frozen=True, slots=True)
class NotNeeded:
    """The container starts without it: the import is optional (`try/except ImportError`), for
    type checkers only, or under a `sys.version_info` guard the image's Python does not take."""


@dataclass(frozen=True, slots=True)
class Stdlib:
    """In the standard library of the image's Python (of any Python when that one is unknown)."""


@dataclass(frozen=True, slots=True)
class InImage:
    """First-party code on the container's `sys.path`."""

    hit: ModuleHit | None


@dataclass(frozen=True, slots=True)
class Installed:
    """Site-packages will hold it: a declared distribution provides it, or brings it."""

    distribution: str
    """The declared distribution (or local project) that provides or brings it."""
    transitive: bool
    """It arrives as a dependency of `distribution`, not as `distribution` itself."""


@dataclass(frozen=True, slots=True)
class InstallFails:
    """A local requirement of the image would provide it, but its install fails (reported there)."""

    requirement: str


class UnknownReason(enum.Enum):
    """Why the model cannot say whether the container has a module."""

    IMAGE_UNSEEN = "the image may hold it unseen: a RUN, a mount or an unreadable folder may put it there"
    SYS_PATH_EDITED = "the code changes sys.path: the folders Python searches are not known"
    INSTALL_NOT_UNDERSTOOD = "an install of the image is not understood: it may have brought it"


@dataclass(frozen=True, slots=True)
class Unknown:
    """It may or may not be there."""

    reason: UnknownReason


@dataclass(frozen=True, slots=True)
class NotInThisPython:
    """A standard-library module of other Pythons, absent from the image's Python."""

    python: str
    base: str | None
    """The final stage's base image (`python:3.10-slim`), when it names one."""


@dataclass(frozen=True, slots=True)
class OutsideContext:
    """The repository copy is outside the image's build context."""


@dataclass(frozen=True, slots=True)
class Excluded:
    """A `.dockerignore` pattern keeps the repository copy out of the build context."""

    pattern: str
    at: Span


@dataclass(frozen=True, slots=True)
class OffSysPath:
    """The image has it, but not in a folder of the container's `sys.path`."""

    copied_to: str
    sys_path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NeverCopied:
    """No COPY of the final stage puts it in the image."""

    last_copy: Span | None
    """The last COPY from the build context, when the stage has one."""


NotCopiedWhy: TypeAlias = OutsideContext | Excluded | OffSysPath | NeverCopied


@dataclass(frozen=True, slots=True)
class NotCopied:
    """The repository has it, the image does not."""

    found_at: str
    """Where the repository has it: the module file, the package's `__init__.py` or its folder (`x/`)."""
    context: Span
    """The service's build context in the compose file."""
    context_rel: str
    why: NotCopiedWhy


@dataclass(frozen=True, slots=True)
class Undeclared:
    """No declared requirement provides it, but an installed distribution whose dependencies are
    not known may bring it."""


@dataclass(frozen=True, slots=True)
class Missing:
    """Nothing provides it: not installed, not in the image, not in the repository."""


Resolution: TypeAlias = (
    NotNeeded
    | Stdlib
    | InImage
    | Unknown
    | Installed
    | InstallFails
    | NotInThisPython
    | NotCopied
    | Undeclared
    | Missing
)
"""Where one import resolves in one container: exactly one variant per import.

When several could be said of an import, the first that holds in this order is the answer (that
order is the precedence between the rules that report them): `NotNeeded`, `Stdlib`, `InImage`,
`Unknown(IMAGE_UNSEEN)`, `Installed`, `InstallFails`, `Unknown(INSTALL_NOT_UNDERSTOOD)`,
`NotInThisPython`, `NotCopied`, `Undeclared`, `Missing`. So an import is never both "not in this
Python" and "missing", and anything that could have provided it keeps it from being absent.
"""


@dataclass(frozen=True, slots=True)
class ResolvedImport:
    """One import of a module the container loads, and where it resolves."""

    runtime: ServiceRuntime
    module: PythonModule
    """The importing file's analysis."""
    ref: ImportRef
    name: str
    """The absolute dotted name imported (`a.b` for `from . import b` in package `a`)."""
    resolution: Resolution

    @property
    def span(self) -> Span:
        """The import statement's name in the importing file (made when asked: a monorepo has
        hundreds of thousands of imports, and rules ask for the few that fail)."""
        return _span(self.module, self.ref)

    @property
    def top(self) -> str:
        """The top-level module, which is what has to be found."""
        return self.name.split(".")[0]

    @property
    def service(self) -> str:
        """The service whose container makes the import."""
        return self.runtime.service.name

    @property
    def breaks_start(self) -> bool:
        """Whether the failure stops the container at start: what it runs is known, and the
        import is not inside a function (which fails only when the function runs)."""
        return not self.runtime.guessed and not self.ref.in_function


def import_resolutions(project: Project) -> list[ResolvedImport]:
    """Every import of every built service's container that does not simply work, resolved
    (computed once per check).

    Imports that are not needed, in the standard library, in the image or installed are left
    out: no rule reports them, and a monorepo has hundreds of thousands (`every_import` lists
    them too). Imports are in the order the containers reach them. An import (file, line, name)
    that several services resolve to the same kind of answer is listed once, for the first of them.
    """
    return project.derived(_unresolved)


def every_import(project: Project) -> list[ResolvedImport]:
    """Like `import_resolutions`, with the imports that simply work (not cached)."""
    return _resolve_all(project, keep_plain=True)


_PLAIN = (NotNeeded, Stdlib, InImage, Installed)


def _unresolved(project: Project) -> list[ResolvedImport]:
    return _resolve_all(project, keep_plain=False)


def _resolve_all(project: Project, keep_plain: bool) -> list[ResolvedImport]:
    from preflight.model.runtime.container import project_runtimes

    resolved: list[ResolvedImport] = []
    seen: set[tuple[str, int, str, type[Resolution]]] = set()
    for runtime in project_runtimes(project):
        by_top: dict[str, Resolution | None] = {}  # a monorepo imports the same names thousands of times
        for module, ref, absolute in runtime.imports:
            resolution = _resolve(project, runtime, module, ref, absolute, by_top)
            if not keep_plain and isinstance(resolution, _PLAIN):
                continue
            key = (module.path, ref.line, absolute, type(resolution))
            if key not in seen:
                seen.add(key)
                resolved.append(ResolvedImport(runtime, module, ref, absolute, resolution))
    return resolved


def resolve(
    project: Project, runtime: ServiceRuntime, module: PythonModule, ref: ImportRef, absolute: str
) -> Resolution:
    """Where the import `ref` (of `absolute`, made by `module`) resolves in the container."""
    return _resolve(project, runtime, module, ref, absolute, {})


def _resolve(
    project: Project,
    runtime: ServiceRuntime,
    module: PythonModule,
    ref: ImportRef,
    absolute: str,
    by_top: dict[str, Resolution | None],
) -> Resolution:
    if ref.optional or ref.type_checking or not _applies(ref, runtime.python):
        return _NOT_NEEDED
    top = absolute.split(".")[0]
    if top not in by_top:
        by_top[top] = _resolve_top(runtime, top)
    found = by_top[top]
    if found is not None:
        return found
    if runtime.sys_path_edited:
        return Unknown(UnknownReason.SYS_PATH_EDITED)
    local = _in_repository(project, module, top)
    if local is not None:
        return _not_copied(project, runtime, local)
    if runtime.provided.installs and not runtime.provided.closure_known:
        return Undeclared()
    return Missing()


_NOT_NEEDED = NotNeeded()


def _resolve_top(runtime: ServiceRuntime, top: str) -> Resolution | None:
    """The answer that depends on the top-level name only (None: it depends on the importing file)."""
    from preflight.knowledge import is_stdlib_module, stdlib_modules

    python = runtime.python
    provided = runtime.provided
    if top == "__future__" or top in ((python and stdlib_modules(python)) or ()):
        return Stdlib()
    if python is None and is_stdlib_module(top):
        return Stdlib()
    assert runtime.locator is not None  # noqa: S101 - set by build_runtime
    presence, hit = runtime.locator.find(top)
    if presence is Presence.PRESENT:
        return InImage(hit)
    if presence is Presence.UNKNOWN:
        return Unknown(UnknownReason.IMAGE_UNSEEN)
    if top in provided.declared:
        return Installed(provided.declared[top], transitive=False)
    if top in provided.transitive:
        return Installed(provided.transitive[top], transitive=True)
    if top in provided.broken:
        return InstallFails(provided.broken[top])
    if provided.unknown:
        return Unknown(UnknownReason.INSTALL_NOT_UNDERSTOOD)  # a backport, too
    if python is not None and (
        is_stdlib_module(top) or (top in _SETUPTOOLS_MODULES and _version_tuple(python) >= (3, 12))
    ):
        return NotInThisPython(python, runtime.stage.base)
    return None


def _span(module: PythonModule, ref: ImportRef) -> Span:
    return Span(module.path, ref.line, ref.col, ref.end_line, ref.end_col)


def _version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def _applies(ref: ImportRef, python: str | None) -> bool:
    """Imports under `if sys.version_info >= (3, 11):` only count on matching Pythons."""
    if ref.python_version is None or python is None:
        return ref.python_version is None
    op = "".join(c for c in ref.python_version if c in "<>=!")
    bound = _version_tuple(ref.python_version[len(op) :])
    have = _version_tuple(python)
    return {">=": have >= bound, ">": have > bound, "<": have < bound, "<=": have <= bound}.get(op, True)


def _in_repository(project: Project, module: PythonModule, top: str) -> Path | None:
    """The repository copy of a missing module, preferring the one nearest the importing file."""
    candidates = project.repo_modules().get(top, [])
    if not candidates:
        return None
    importer = project.root / module.path

    def distance(path: Path) -> tuple[int, str]:
        common = len(Path(*[a for a, b in zip(path.parts, importer.parts, strict=False) if a == b]).parts)
        return (-common, str(path))

    return sorted(candidates, key=distance)[0]


def _not_copied(project: Project, runtime: ServiceRuntime, local: Path) -> NotCopied:
    """Why the repository copy `local` of a module is not in the container."""
    model = runtime.model
    assert model.fs is not None  # noqa: S101 - runtime images are evaluated
    context = model.spec.context
    found_at = project.rel(local) if local.is_file() else _init_or_dir(project, local)
    why: NotCopiedWhy
    if not (local == context or context in local.parents):
        why = OutsideContext()
    else:
        ctx_rel = local.relative_to(context).as_posix()
        pattern = model.fs.context.excluded_by(ctx_rel)
        copies = image_paths_of(model.fs, runtime.stage, ctx_rel)
        if pattern is not None and model.dockerignore_rel is not None:
            why = Excluded(pattern.text, Span(model.dockerignore_rel, pattern.line, pattern.col))
        elif copies:
            why = OffSysPath(copies[0], tuple(runtime.sys_path))
        else:
            copy_ops = [op for op in runtime.stage.copies if op.from_stage is None]
            why = NeverCopied(copy_ops[-1].inst.span if copy_ops else None)
    return NotCopied(found_at, model.spec.span, model.context_rel, why)


def _init_or_dir(project: Project, folder: Path) -> str:
    init = folder / "__init__.py"
    return project.rel(init) if init.is_file() else posixpath.join(project.rel(folder), "")
