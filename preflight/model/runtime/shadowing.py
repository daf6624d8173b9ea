"""Imports that a folder without ``__init__.py`` takes over from the editable install meant to serve them.

Python's path finder (``sys.meta_path``'s ``PathFinder``) looks at every ``sys.path`` folder for a
regular package or module before it settles for namespace portions, so a plain install (a regular
package in site-packages) beats a stray ``common/`` folder of the working directory. An editable
install by setuptools (PEP 660, its default "lenient" mode) of a project without a ``src``-style
``package_dir`` is not a ``sys.path`` folder, though: a ``.pth`` file appends an import hook
(``__editable___<name>_finder``) to ``sys.meta_path``, *after* ``PathFinder``. When a ``sys.path``
folder holds ``common/`` without ``__init__.py``, ``PathFinder`` already returns a namespace
package for it and the hook is never asked: ``from common import X`` fails with ``cannot import
name 'X' from 'common' (unknown location)``. (Checked with CPython 3.11 and setuptools 84: the
``src`` layout, ``editable_mode=strict`` and ``compat`` all put a folder on ``sys.path``, and the
project's regular package wins; so does a plain ``pip install``.) ``import common.db`` still works:
the hook finds the children of the package it maps, whatever package object their parent is.
A package installed as a namespace itself merges with the folder (both are portions), and a
name nothing installs is `preflight.model.runtime.first_party`'s.

Certain only when: the project is configured by a ``pyproject.toml`` alone (no ``setup.py``,
whose arguments may be computed), builds with setuptools, a setuptools with PEP 660 support
(64 or later) is what pip's isolated build gets, the layout leaves ``package_dir`` empty (flat
layout, or ``packages`` / ``py-modules`` listed without ``package-dir``), the install passes no
option that changes the build (``--config-settings``, ``--no-build-isolation``...), its package
is a regular one in the image, and nothing else installs the same top-level name.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.model.image.filesystem import Presence
from preflight.parse.pyproject import BackendKind, read_local_project
from preflight.parse.python import ImportKind

if TYPE_CHECKING:
    from preflight.model.image.filesystem import Found, ImageFS
    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.image.stages import Stage
    from preflight.model.project import Project
    from preflight.model.runtime.container import ServiceRuntime
    from preflight.parse.pyproject import LocalProject
    from preflight.parse.python import ImportRef, PythonModule

_BUILD_OPTIONS = frozenset({
    "-C", "--config-settings", "--no-build-isolation", "--no-use-pep517", "--global-option", "--build-option",
    "--config-setting", "--no-build", "--only-binary",
})  # fmt: skip
_PEP660_SETUPTOOLS = ("64.0.0", "65.5.1", "68.2.2", "70.0.0", "75.0.0", "80.0.0", "999")
"""setuptools releases with PEP 660 editable installs (64.0.0 introduced them): a build
requirement that admits one of them gets one (pip picks the newest version it admits)."""


@dataclass(frozen=True, slots=True)
class FinderInstall:
    """A setuptools editable install whose package an import hook serves, not a sys.path folder."""

    top: str
    package: str
    """The package's path in the image (its folder, or the module file)."""
    package_span: Span
    """The package's ``__init__.py`` (or module file) in the repository, root-relative."""
    installed_at: Span
    """The RUN, or the ``-e`` line of a requirements file, that installs it."""


@dataclass(frozen=True, slots=True)
class ShadowedImport:
    """An import that the namespace folder ``folder`` answers instead of the editable install."""

    importer: PythonModule
    ref: ImportRef
    top: str
    name: str
    """The name it imports, which neither the folder nor the package has as a submodule."""
    folder: Span
    """The folder without ``__init__.py`` (root-relative, ending in ``/``)."""
    folder_in_image: str
    install: FinderInstall


def shadowed_imports(project: Project, runtime: ServiceRuntime) -> list[ShadowedImport]:
    """Every import of the container's code that fails because a namespace folder shadows an
    editable install (once per import statement and missing name)."""
    fs, locator = runtime.fs, runtime.locator
    if fs is None or locator is None or runtime.provided.unknown:
        return []
    finders = finder_installs(project, runtime)
    if not finders:
        return []
    found: list[ShadowedImport] = []
    seen: set[tuple[str, int, int, str]] = set()
    folders: dict[str, tuple[str, str] | None] = {}
    for importer, ref, absolute in runtime.imports:
        top = absolute.split(".")[0]
        if ref.optional or ref.type_checking or ref.python_version is not None or top not in finders:
            continue
        if top not in folders:
            folders[top] = _lone_namespace(runtime, fs, top)
        folder = folders[top]
        if folder is None:
            continue
        if ref.kind is not ImportKind.FROM or absolute != top:
            continue  # `import common.db`: the hook still finds the package's submodules
        for name in ref.names:
            key = (importer.path, ref.line, ref.col, name)
            if name == "*" or key in seen or not _lacks(runtime, fs, top, name, finders[top].package):
                continue
            seen.add(key)
            shown = posixpath.join(locator.display(folder[1]), "")
            found.append(ShadowedImport(importer, ref, top, name, Span(shown), folder[0], finders[top]))
    return found


def finder_installs(project: Project, runtime: ServiceRuntime) -> dict[str, FinderInstall]:
    """Top-level names that only a setuptools editable install's import hook provides in the
    container's image (a name anything else installs, or may install, is left out)."""
    model, provided = runtime.model, runtime.provided
    if model.fs is None:
        return {}
    finders: dict[str, FinderInstall] = {}
    others: set[str] = set(provided.transitive) | set(provided.broken)
    analyses = [a for a in project.installs() if a.model is model]
    if any(a.install.tool in ("uv sync", "poetry install", "pipenv install") for a in analyses):
        return {}  # they install the project of the working directory: its names are not listed here
    dependencies: list[str] = []
    for analysis in analyses:
        for image_path, found in analysis.local_targets:
            local = None
            if found.presence is Presence.PRESENT and found.context_path is not None:
                local = read_local_project(model.fs.context.root / found.context_path)
            tops = {module.split(".")[0] for module, _ in local.package_roots} if local is not None else set()
            if local is not None:
                dependencies += [*local.dependencies, *(d for _, items in local.optional_dependencies for d in items)]
            hooked = (
                local is not None
                and analysis.stage is runtime.stage
                and analysis.editables.get(image_path, False)
                and _plain_install(analysis)
                and uses_import_hook(local)
            )
            for module, path in local.package_roots if local is not None and hooked else ():
                install = _finder(runtime, analysis, image_path, module, path)
                if install is None or module in finders:
                    others.add(module)
                else:
                    finders[module] = install
            if not hooked:
                others |= tops
    others |= _named_providers(project, analyses, dependencies)
    return {top: install for top, install in finders.items() if top not in others}


def uses_import_hook(local: LocalProject) -> bool:
    """Whether setuptools' editable install of `local` serves its packages through an import hook
    (``_TopLevelFinder``) rather than a folder on ``sys.path`` (``_StaticPth``, ``_LinkTree``)."""
    if local.backend_kind is not BackendKind.SETUPTOOLS or local.files != ("pyproject.toml",):
        return False
    if local.problems or local.build_errors or local.build_backend not in (None, "setuptools.build_meta"):
        return False
    if not _pep660_setuptools(local.build_requires):
        return False
    if local.setuptools_package_dir:
        return False  # `{"": "src"}` is a static .pth folder; other mappings depend on the layout
    return local.setuptools_explicit or not (local.root / "src").is_dir()  # else the src layout


def _pep660_setuptools(requires: tuple[str, ...] | None) -> bool:
    """Whether pip's isolated build environment gets a setuptools with PEP 660 support."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    if requires is None:
        return True  # pip's default: setuptools>=40.8.0, so the newest release
    specs = []
    for text in requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return False
        if canonicalize_name(requirement.name) == "setuptools":
            if requirement.marker is not None or requirement.url:
                return False
            specs.append(requirement.specifier)
    return bool(specs) and all(any(s.contains(v) for v in _PEP660_SETUPTOOLS) for s in specs)


def _plain_install(analysis: InstallAnalysis) -> bool:
    """An install by pip or `uv pip` with nothing that changes how the project is built."""
    install = analysis.install
    if install.tool not in ("pip", "uv pip") or install.unknown:
        return False
    if any(name in _BUILD_OPTIONS for name, _ in install.options):
        return False
    return "SETUPTOOLS_" not in install.run.command and "PIP_" not in install.run.command


def _finder(
    runtime: ServiceRuntime, analysis: InstallAnalysis, project_dir: str, module: str, path: str
) -> FinderInstall | None:
    """The install's fact for one of its top-level packages, when that package is regular in the image."""
    fs, model = runtime.fs, runtime.model
    if fs is None or model.fs is None or "." in module:
        return None
    image_path = posixpath.normpath(posixpath.join(project_dir, path))
    entry = image_path if image_path.endswith(".py") else posixpath.join(image_path, "__init__.py")
    found = fs.locate(runtime.stage, entry)
    if found.presence is not Presence.PRESENT or found.context_path is None:
        return None
    shown = runtime.locator.display(found.context_path) if runtime.locator is not None else found.context_path
    line = _editable_line(analysis, project_dir)
    return FinderInstall(module, image_path, Span(shown), line or analysis.install.run.inst.span)


def _editable_line(analysis: InstallAnalysis, project_dir: str) -> Span | None:
    """The `-e` line of a requirements file that installs `project_dir` (None: the RUN itself)."""
    install = analysis.install
    for req_file in analysis.files:
        for requirement in req_file.parsed.requirements:
            path = requirement.local_path
            if requirement.editable and path is not None and install.resolve(path) == project_dir:
                return Span(req_file.rel, requirement.line, requirement.col, requirement.line, requirement.end_col)
    return None


def _named_providers(project: Project, analyses: list[InstallAnalysis], dependencies: list[str]) -> set[str]:
    """Top-level names that named requirements, the local projects' dependencies (any extra) and
    what they bring put in site-packages."""
    from preflight.knowledge import canonicalize_distribution, import_names_for, transitive_imports
    from preflight.parse.requirements import parse_requirements

    overrides = {name: list(modules) for name, modules in project.config.import_names} or None
    requirements = [r for a in analyses for r, origin in a.requirements if origin is None or not origin.constraint]
    for dependency in dependencies:
        requirements.extend(parse_requirements(dependency + "\n", "<pyproject>").requirements)
    names: set[str] = set()
    for requirement in requirements:
        if requirement.name:
            canonical = canonicalize_distribution(requirement.name)
            names.update(import_names_for(canonical, overrides))
            names.update(transitive_imports(canonical, requirement.extras, overrides))
    return names


def _lone_namespace(runtime: ServiceRuntime, fs: ImageFS, top: str) -> tuple[str, str] | None:
    """(image path, context path) of the first folder named `top` on the container's sys.path,
    when no sys.path folder holds a regular module or package of that name (None otherwise)."""
    from preflight.knowledge import is_stdlib_module, stdlib_modules

    python = runtime.python
    if (python and top in stdlib_modules(python)) or (python is None and is_stdlib_module(top)):
        return None
    ignore = _editable_runs(runtime.stage)
    first: tuple[str, str] | None = None
    for sys_dir in runtime.sys_path:
        base = posixpath.join(sys_dir, top)
        for candidate in (base + ".py", base + "/__init__.py"):
            if _locate(fs, runtime.stage, candidate, ignore).presence is not Presence.ABSENT:
                return None
        found = _locate(fs, runtime.stage, base, ignore)
        if found.presence is Presence.UNKNOWN:
            return None
        if found.presence is Presence.PRESENT:
            kind = fs.context.kind(found.context_path) if found.context_path is not None else None
            if kind != "dir" or found.context_path is None:
                return None
            if _module_files(fs, posixpath.dirname(found.context_path), top):
                return None
            first = first or (base, found.context_path)
    return first


def _lacks(runtime: ServiceRuntime, fs: ImageFS, top: str, name: str, package: str) -> bool:
    """Whether `from top import name` fails: no folder `top` of the container's sys.path holds a
    submodule `name`, and neither does the installed package (the hook serves its children)."""
    ignore = _editable_runs(runtime.stage)
    folders = [posixpath.join(sys_dir, top) for sys_dir in runtime.sys_path]
    if not package.endswith(".py"):
        folders.append(package)
    for folder in folders:
        base = posixpath.join(folder, name)
        candidates = (base + ".py", base + "/__init__.py", base)
        if any(_locate(fs, runtime.stage, c, ignore).presence is not Presence.ABSENT for c in candidates):
            return False
        found = _locate(fs, runtime.stage, folder, ignore)
        present = found.presence is Presence.PRESENT and found.context_path is not None
        if present and found.context_path is not None and _module_files(fs, found.context_path, name):
            return False  # an extension module or bytecode of that name
    return True


def _module_files(fs: ImageFS, folder: str, name: str) -> bool:
    """Whether the build context's `folder` holds a file other than source that may be a module
    `name`: ``name.cpython-311-x86_64-linux-gnu.so``, ``name.pyc``..."""
    root = fs.context.root / folder if folder not in ("", ".") else fs.context.root
    try:
        entries = [p.name for p in root.iterdir()]
    except OSError:
        return True
    return any(e.startswith(name + ".") and not e.endswith(".py") for e in entries)


def _editable_runs(stage: Stage) -> tuple[tuple[str, ...], frozenset[int]]:
    """The project folders of the RUNs whose only effect is an editable install, and those RUNs."""
    from preflight.model.image.run_effects import editable_projects
    from preflight.model.image.stages import RunOp

    folders: list[str] = []
    runs: set[int] = set()
    for op in stage.ops:
        if isinstance(op, RunOp) and (projects := editable_projects(op)) is not None:
            folders.extend(projects)
            runs.add(id(op))
    return tuple(folders), frozenset(runs)


def _locate(fs: ImageFS, stage: Stage, path: str, ignore: tuple[tuple[str, ...], frozenset[int]]) -> Found:
    """Where `path` is in the container. An editable install writes the project's `build/` and
    `*.egg-info` folders (and, under the interpreter's prefix, site-packages and `bin/`), so it
    is left out for any other path."""
    for project in ignore[0]:
        rel = posixpath.relpath(path, project) if path.startswith(project.rstrip("/") + "/") else None
        parts = rel.split("/") if rel is not None else []
        if parts and (parts[0] == "build" or any(part.endswith(".egg-info") for part in parts)):
            return fs.locate(stage, path)
    return fs.locate(stage, path, ignore=ignore[1])
