"""Imports of first-party packages the image has, naming a submodule or name they do not have.

`from app.services.search_index import X` after `search_index.py` was renamed: `app` and
`app.services` are in the image, so the top-level lookup (PF401/PF402) is satisfied, yet the
import fails with ``No module named 'app.services.search_index'``. `from app.services import
indexer` fails with ``cannot import name 'indexer'`` when ``indexer`` is neither a submodule
nor a name ``app/services/__init__.py`` binds.

A folder without ``__init__.py`` is imported as a namespace package only when no regular package
or module of that name is anywhere on ``sys.path`` (verified with CPython: an installed package
wins over such a folder in the working directory); then ``from config import settings`` fails
with ``cannot import name 'settings' from 'config' (unknown location)``.

A package is *closed* (its contents certain) when it is a regular package (``__init__.py``) or a
plain module whose source parses, binds names only in ways its syntax shows (see
`preflight.parse.python_names`) and never touches ``__path__``; when nothing installed provides
the same top-level name; and when its folder in the build context holds no other file that
could be the module (a compiled extension ``name.*.so``, a ``.pyc``, a folder).
"""

from __future__ import annotations

import enum
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.model.image.filesystem import Presence
from preflight.parse.python import Binding, ImportKind

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.image.modules import ModuleHit, ModuleLocator
    from preflight.model.imports import Excluded
    from preflight.model.runtime.container import ServiceRuntime
    from preflight.parse.python import ImportRef, PythonModule


class Missing(enum.Enum):
    """What an import names that its first-party parent does not have."""

    SUBMODULE = "submodule"
    """``import a.b.c`` / ``from a.b.c import x``: no module ``c`` in package ``a.b``."""
    NOT_A_PACKAGE = "not-a-package"
    """``import a.b`` where ``a`` is a module (``a.py``), not a package."""
    NAME = "name"
    """``from a.b import c``: ``c`` is neither a submodule of ``a.b`` nor a name it binds."""


@dataclass(frozen=True, slots=True)
class MissingFirstParty:
    """One import that certainly fails inside a first-party package of the image."""

    importer: PythonModule
    ref: ImportRef
    parent: str
    """The module that exists (``app.services``)."""
    name: str
    """What it lacks (``search_index``)."""
    missing: Missing
    parent_span: Span
    """The parent's file (``__init__.py`` or ``x.py``), root-relative."""
    nearby: tuple[str, ...]
    """Submodules of the parent and names it binds, for the help."""
    namespace: bool = False
    """The parent is a folder without ``__init__.py`` that Python takes as a namespace package."""
    excluded: Excluded | None = None
    """The repository has the submodule, but a `.dockerignore` pattern keeps it out of the context."""


def missing_first_party(runtime: ServiceRuntime) -> list[MissingFirstParty]:
    """Every import of a reached module that fails inside a first-party package, once each."""
    locator = runtime.locator
    if locator is None:
        return []
    judge = _Judge(runtime, locator)
    found: list[MissingFirstParty] = []
    seen: set[tuple[str, int, int, str]] = set()
    for importer, ref, absolute in runtime.imports:
        if ref.optional or ref.type_checking or ref.python_version is not None:
            continue
        for failure in judge.failures(ref, absolute):
            key = (importer.path, ref.line, ref.col, f"{failure.parent}.{failure.name}")
            if key not in seen:
                seen.add(key)
                found.append(MissingFirstParty(importer, ref, *failure.fields()))
    return found


@dataclass(frozen=True, slots=True)
class _Failure:
    """What `MissingFirstParty` says, without the import that names it (shared by every such import)."""

    parent: str
    name: str
    missing: Missing
    parent_span: Span
    nearby: tuple[str, ...]
    namespace: bool
    excluded: Excluded | None

    def fields(self) -> tuple[str, str, Missing, Span, tuple[str, ...], bool, Excluded | None]:
        return self.parent, self.name, self.missing, self.parent_span, self.nearby, self.namespace, self.excluded


class _Judge:
    """The verdicts of one service, remembered per module and name: a monorepo's files import the
    same first-party modules thousands of times."""

    def __init__(self, runtime: ServiceRuntime, locator: ModuleLocator) -> None:
        self.runtime = runtime
        self.locator = locator
        self._tops: dict[str, ModuleHit | None] = {}
        self._chains: dict[str, tuple[ModuleHit | None, _Failure | None]] = {}
        self._names: dict[tuple[str, str], _Failure | None] = {}

    def failures(self, ref: ImportRef, absolute: str) -> list[_Failure]:
        hit, failure = self._chain(absolute)
        if failure is not None:
            return [failure]
        if hit is None or ref.kind is not ImportKind.FROM:
            return []
        results = []
        for name in ref.names:
            if name == "*":
                continue
            key = (absolute, name)
            if key not in self._names:
                self._names[key] = self._name_missing(hit, absolute, name)
            if (missing := self._names[key]) is not None:
                results.append(missing)
        return results

    def _top(self, top: str) -> ModuleHit | None:
        """The first-party top-level module whose contents are certain (None when any doubt)."""
        if top not in self._tops:
            self._tops[top] = None
            provided = self.runtime.provided
            if self.runtime.sys_path_edited:
                return None  # another folder put first on sys.path may hold another copy
            if provided.unknown or top in provided.transitive or top in provided.broken:
                return None  # an installed distribution may be the one Python finds, or extend the package
            presence, hit = self.locator.find(top)
            if presence is not Presence.PRESENT or hit is None or hit.context_path is None:
                return None  # PF401/PF402 judge a missing top-level module
            if top in provided.declared and provided.followed.get(top) != hit.sys_dir:
                return None  # installed, and the installed copy is not the one the model reads
            if only_copy(self.locator, top):
                self._tops[top] = hit
        return self._tops[top]

    def _chain(self, absolute: str) -> tuple[ModuleHit | None, _Failure | None]:
        """(the module `absolute` names, or the failure of the first part that is missing);
        (None, None) when anything is unknown."""
        if absolute in self._chains:
            return self._chains[absolute]
        parts = absolute.split(".")
        hit = self._top(parts[0])
        result: tuple[ModuleHit | None, _Failure | None] = (hit, None)
        if hit is None:
            self._chains[absolute] = result
            return result
        for depth in range(1, len(parts)):
            presence, child_hit = self.locator.find(".".join(parts[: depth + 1]))
            if presence is Presence.UNKNOWN:
                result = (None, None)
                break
            if presence is Presence.ABSENT:
                kind = Missing.SUBMODULE if hit.is_package else Missing.NOT_A_PACKAGE
                result = (None, _missing(self.runtime, self.locator, hit, parts[depth], kind))
                break
            assert child_hit is not None  # noqa: S101 - PRESENT always comes with its hit
            hit = child_hit
            result = (hit, None)
        self._chains[absolute] = result
        return result

    def _name_missing(self, hit: ModuleHit, absolute: str, name: str) -> _Failure | None:
        presence, _ = self.locator.find(f"{absolute}.{name}")
        if presence is not Presence.ABSENT:
            return None
        if hit.image_path.endswith(".py"):
            source = self.locator.parse(hit)
            if source is None or source.top_level.binds(name) is not Binding.UNBOUND:
                return None
        # a namespace package binds nothing but the submodules imported
        return _missing(self.runtime, self.locator, hit, name, Missing.NAME)


def _missing(
    runtime: ServiceRuntime, locator: ModuleLocator, parent: ModuleHit, name: str, missing: Missing
) -> _Failure | None:
    """The finding's fact when `parent` certainly has no `name` (None when it may)."""
    context = runtime.model.fs.context if runtime.model.fs is not None else None
    if parent.context_path is None or context is None:
        return None
    namespace = not parent.image_path.endswith(".py")
    if namespace:
        if not lone_namespace(runtime, locator, parent):
            return None
        source = None
        siblings = _entries(context.root / parent.context_path)
    else:
        source = locator.parse(parent)
        if source is None or source.problems or source.top_level.unknown is not None:
            return None
        if "__path__" in source.top_level.names:
            return None
        siblings = _entries(context.root / posixpath.dirname(parent.context_path)) if parent.is_package else []
    if siblings is None:
        return None
    same = [s for s in siblings if s == name or s.startswith(name + ".")]
    excluded = _excluded(runtime, parent, same) if same and parent.is_package and not namespace else None
    if same and excluded is None:
        return None  # an extension module, bytecode or data folder of that name may be it
    bound = source.top_level.names if source is not None else ()
    nearby = sorted({s.removesuffix(".py") for s in siblings if s.endswith(".py") and s != "__init__.py"}
                    | {n for n in bound if not n.startswith("_")})  # fmt: skip
    shown = locator.display(parent.context_path) + ("/" if namespace else "")
    return _Failure(parent.name, name, missing, Span(shown), tuple(nearby), namespace, excluded)


def _excluded(runtime: ServiceRuntime, parent: ModuleHit, same: list[str]) -> Excluded | None:
    """The `.dockerignore` pattern that keeps every entry of that name out of the build context
    (None when any of them is in the context: that one may be the module)."""
    context = runtime.model.fs.context if runtime.model.fs is not None else None
    if context is None or parent.context_path is None:
        return None
    folder = posixpath.dirname(parent.context_path)
    patterns = [context.excluded_by(posixpath.join(folder, entry)) for entry in same]
    first, where = patterns[0], runtime.model.dockerignore_rel
    if first is None or where is None or any(p is None for p in patterns):
        return None
    from preflight.model.imports import Excluded

    return Excluded(first.text, Span(where, first.line, first.col))


def only_copy(locator: ModuleLocator, dotted: str, dirs: list[str] | None = None) -> bool:
    """Whether `dotted` can be found in exactly one of `dirs` (default: the locator's sys.path).

    A service whose processes put different folders first (an entrypoint script runs one tool,
    then a server with ``--app-dir``) imports the first copy of *its* path: with one copy, every
    process imports the same file.
    """
    base_parts = dotted.split(".")
    holding = 0
    for sys_dir in locator.search_path(dotted) if dirs is None else dirs:
        base = posixpath.join(sys_dir, *base_parts)
        if any(locator.fs.locate(locator.stage, c).presence is not Presence.ABSENT
               for c in (base + ".py", base + "/__init__.py", base)):  # fmt: skip
            holding += 1
    return holding == 1


def lone_namespace(runtime: ServiceRuntime, locator: ModuleLocator, hit: ModuleHit) -> bool:
    """Whether a folder without ``__init__.py`` is certainly all of the package Python imports.

    Python's path finder prefers a regular package or module found anywhere on ``sys.path`` (the
    standard library's, site-packages', a later directory's) over namespace portions, so the
    folder only wins when there is none: not in the standard library, not installed (checked by
    the caller, and no distribution named ``name-*``, the usual name of one that adds a portion),
    no ``name.py`` or ``name/`` in another ``sys.path`` directory (another folder adds a portion).
    """
    from preflight.knowledge import is_stdlib_module, stdlib_modules

    top = hit.name.partition(".")[0]
    python = runtime.python
    if (python and top in stdlib_modules(python)) or (python is None and is_stdlib_module(top)):
        return False
    if any(name.startswith(f"{top.lower().replace('_', '-')}-") for name in runtime.provided.distributions):
        return False  # `acme-common` is how a distribution that adds `acme.common` is usually named
    parts = hit.name.split(".")
    for sys_dir in locator.search_path(hit.name):
        base = posixpath.join(sys_dir, *parts)
        candidates = (base + ".py", base + "/__init__.py") if sys_dir == hit.sys_dir else (base + ".py", base)
        if any(locator.fs.locate(locator.stage, c).presence is not Presence.ABSENT for c in candidates):
            return False  # a module or package wins; another folder adds a portion
    return True


def _entries(folder: Path) -> list[str] | None:
    """Names in a folder of the build context (None when it cannot be listed)."""
    try:
        return sorted(p.name for p in folder.iterdir())
    except OSError:
        return None
