"""What a container's launcher takes from the entry module it found: an app object, a `__main__`.

Facts over `ServiceRuntime.entry_hits` (the module each entry point was found as):

* `app_attributes`: for ``gunicorn m:app``, ``uvicorn m:app``, ``celery -A m:app``,
  ``flask --app m:app``..., whether module ``m`` binds ``app`` at top level (three-valued, see
  `preflight.parse.python_names`), with the names it does bind for the fix.
* `factories_called_per_request`: ``gunicorn m:create_app`` (no call) with a WSGI worker, where
  ``create_app`` is a plain function that cannot take ``(environ, start_response)``.
* `packages_without_main`: ``python -m pkg`` where ``pkg`` is a package without ``__main__``.
* `celery_apps_not_found`: ``celery -A pkg`` where Celery's search of the package finds no app.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.model.image.filesystem import Presence
from preflight.model.runtime.command.entrypoint import EntryKind, EntryPoint, EntryRole
from preflight.model.runtime.first_party import lone_namespace, only_copy
from preflight.parse.python import Binding, FunctionShape, TopLevelNames

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from preflight.model.image.modules import ModuleHit, ModuleLocator
    from preflight.model.runtime.container import ServiceRuntime
    from preflight.parse.python import PythonModule

_APP_KINDS = (EntryKind.ASGI_WSGI_APP, EntryKind.CELERY_APP, EntryKind.FLASK_APP, EntryKind.CONSOLE_SCRIPT)


@dataclass(frozen=True, slots=True)
class AppAttribute:
    """The object a launcher gets with ``getattr(module, attribute)``, and whether it is there."""

    entry: EntryPoint
    module: str
    attribute: str
    """The first name of the entry's attribute path (``app`` of ``app.asgi``)."""
    binding: Binding
    names: TopLevelNames
    module_span: Span
    """The module's file (its first line), root-relative."""


@dataclass(frozen=True, slots=True)
class FactoryAsApp:
    """An app factory a WSGI server calls with ``(environ, start_response)`` on every request."""

    app: AppAttribute
    function: FunctionShape


@dataclass(frozen=True, slots=True)
class PackageWithoutMain:
    """``python -m pkg`` where ``pkg`` is a package the image has, certainly without ``__main__``."""

    entry: EntryPoint
    package: str
    package_span: Span
    """The package's ``__init__.py`` (or its folder, for a namespace package)."""
    runnable: tuple[str, ...] = ()
    """Its modules that have an ``if __name__ == "__main__":`` block (``pkg.jobs``), for the fix."""


@dataclass(frozen=True, slots=True)
class CeleryAppNotFound:
    """``celery -A pkg`` where Celery's search of the package certainly finds no app.

    Celery takes ``pkg.app``, then ``pkg.celery``, then the module ``pkg.celery``, then any
    Celery instance among the package's attributes: with an ``__init__.py`` that binds nothing
    (but inert dunders) and no ``pkg/celery.py``, there is none, and the worker stops with
    ``Module 'pkg' has no attribute 'celery'``.
    """

    entry: EntryPoint
    package: str
    package_span: Span
    """The package's ``__init__.py``."""
    holders: tuple[str, ...] = ()
    """Its modules that bind ``app`` or ``celery`` (``pkg.tasks``), for the fix."""


_INERT = frozenset({"__all__", "__version__", "__author__", "__email__", "__license__", "__copyright__", "__doc__"})


def app_attributes(runtime: ServiceRuntime) -> list[AppAttribute]:
    """The app attribute of every entry that names one, with what its module binds."""
    found: list[AppAttribute] = []
    locator = runtime.locator
    for entry, hit in runtime.entry_hits:
        if entry.kind not in _APP_KINDS or entry.role is not EntryRole.MAIN or not entry.attribute:
            continue
        if entry.candidates or locator is None or hit.name != entry.module or hit.context_path is None:
            continue  # `celery -A a.b`: module or attribute; the module Celery takes is not certain
        if not only_copy(locator, hit.name):
            continue  # which copy this launcher imports depends on its own sys.path
        source = locator.parse(hit)
        if source is None:
            continue  # a namespace package, or a file that cannot be read
        attribute = entry.attribute.partition(".")[0]
        if not attribute.isidentifier():
            continue  # hypercorn evaluates an expression: only a name is judged
        binding = source.top_level.binds(attribute)
        if binding is Binding.UNBOUND and hit.is_package:
            # importing `pkg.attribute` anywhere makes it an attribute of the package
            presence, _ = locator.find(f"{hit.name}.{attribute}")
            if presence is not Presence.ABSENT:
                binding = Binding.UNKNOWN
        found.append(AppAttribute(entry, hit.name, attribute, binding, source.top_level,
                                  Span(locator.display(hit.context_path))))  # fmt: skip
    return found


def factories_called_per_request(runtime: ServiceRuntime) -> list[FactoryAsApp]:
    """Plain functions named as the WSGI app that cannot take a WSGI call's two arguments.

    Certain only when the launcher calls the object as a WSGI app (`EntryPoint.wsgi_call`) and
    no default ``gunicorn.conf.py`` (which may name another worker) may be in the directories it
    is read from.
    """
    found: list[FactoryAsApp] = []
    for app in app_attributes(runtime):
        entry = app.entry
        if not entry.wsgi_call or entry.factory or app.binding is not Binding.BOUND or "." in (entry.attribute or ""):
            continue
        function = app.names.function(app.attribute)
        if function is None or function.is_async or function.max_positional is None or function.max_positional >= 2:
            continue
        if _may_have_config(runtime, entry):
            continue
        found.append(FactoryAsApp(app, function))
    return found


def _may_have_config(runtime: ServiceRuntime, entry: EntryPoint) -> bool:
    """Whether a ``gunicorn.conf.py`` may be where gunicorn reads its default configuration."""
    fs = runtime.fs
    if fs is None or entry.workdir is None:
        return True
    folders = {entry.workdir, *entry.sys_path_additions}
    return any(
        fs.locate(runtime.stage, posixpath.join(folder, "gunicorn.conf.py")).presence is not Presence.ABSENT
        for folder in folders
    )


def packages_without_main(runtime: ServiceRuntime) -> list[PackageWithoutMain]:
    """``python -m`` entries that name a package whose ``__main__`` is certainly absent."""
    found: list[PackageWithoutMain] = []
    for entry, hit, locator in _main_hits(runtime, EntryKind.MODULE):
        if not hit.is_package or hit.context_path is None or _may_extend_path(runtime, hit):
            continue
        presence, _ = locator.find(f"{hit.name}.__main__")
        if presence is Presence.ABSENT:
            regular = hit.image_path.endswith(".py")
            folder = posixpath.dirname(hit.context_path) if regular else hit.context_path
            span = Span(locator.display(hit.context_path) + ("" if regular else "/"))
            found.append(PackageWithoutMain(entry, hit.name, span, _runnable(runtime, hit.name, folder)))
    return found


def celery_apps_not_found(runtime: ServiceRuntime) -> list[CeleryAppNotFound]:
    """``celery -A pkg`` entries whose package certainly holds no app Celery finds."""
    found: list[CeleryAppNotFound] = []
    for entry, hit, locator in _main_hits(runtime, EntryKind.CELERY_APP):
        if (
            entry.attribute
            or entry.candidates
            or hit.context_path is None
            or not hit.image_path.endswith("/__init__.py")
        ):
            continue
        source = locator.parse(hit)
        if source is None or source.problems or source.top_level.unknown is not None:
            continue
        if any(name not in _INERT for name in source.top_level.names) or _may_extend_path(runtime, hit):
            continue
        presence, _ = locator.find(f"{hit.name}.celery")
        if presence is Presence.ABSENT:
            folder = posixpath.dirname(hit.context_path)
            holders = _modules_where(runtime, hit.name, folder, _binds_app)
            found.append(CeleryAppNotFound(entry, hit.name, Span(locator.display(hit.context_path)), holders))
    return found


def _main_hits(runtime: ServiceRuntime, kind: EntryKind) -> Iterator[tuple[EntryPoint, ModuleHit, ModuleLocator]]:
    """The main entries of `kind` found as the module they name, in one copy on sys.path."""
    locator = runtime.locator
    if locator is None:
        return
    for entry, hit in runtime.entry_hits:
        named = entry.kind is kind and entry.role is EntryRole.MAIN and hit.name == entry.module
        if named and only_copy(locator, hit.name):
            yield entry, hit, locator


def _binds_app(module: PythonModule) -> bool:
    return any(module.top_level.binds(name) is Binding.BOUND for name in ("app", "celery"))


def _runnable(runtime: ServiceRuntime, package: str, folder: str) -> tuple[str, ...]:
    """Modules of a package folder (in the build context) that have a main block."""
    return _modules_where(runtime, package, folder, lambda module: module.has_main_guard)


def _modules_where(
    runtime: ServiceRuntime, package: str, folder: str, keep: Callable[[PythonModule], bool]
) -> tuple[str, ...]:
    """Modules of a package folder (in the build context) that `keep` accepts, `__init__` aside."""
    locator, fs = runtime.locator, runtime.fs
    if locator is None or fs is None:
        return ()
    try:
        names = sorted(p.name for p in (fs.context.root / folder).iterdir() if p.suffix == ".py" and p.is_file())
    except OSError:
        return ()
    found = []
    for name in names[:50]:
        module = locator.parse_context_file(posixpath.join(folder, name) if folder != "." else name)
        if module is not None and keep(module) and name != "__init__.py":
            found.append(f"{package}.{name.removesuffix('.py')}")
    return tuple(found)


def _may_extend_path(runtime: ServiceRuntime, hit: ModuleHit) -> bool:
    """Whether the package's ``__init__`` may add folders to its ``__path__`` (or is unreadable).

    A namespace package (a folder without ``__init__.py``) is only certain when nothing installed
    could provide a portion of it and no regular package of its name (the standard library's
    ``venv`` for a ``venv/`` folder) is on ``sys.path`` to win over it.
    """
    locator = runtime.locator
    if locator is None:
        return True
    if not hit.image_path.endswith("__init__.py"):
        provided = runtime.provided
        top = hit.name.partition(".")[0]
        installed = bool(provided.unknown) or top in provided.declared or top in provided.transitive
        return installed or not lone_namespace(runtime, locator, hit)
    source = locator.parse(hit)
    if source is None or source.problems:
        return True
    return "__path__" in source.top_level.names or source.top_level.unknown is not None
