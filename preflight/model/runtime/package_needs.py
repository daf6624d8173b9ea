"""Where a container needs a top-level package that its `sys.path` does not hold.

A package a local install was meant to provide (see `preflight.model.image.local_installs`) is
needed when the container's command loads it: an entry point in it (`python -m pkg`,
`gunicorn pkg.wsgi:app`), one of the project's console scripts whose target is in it, or an
import of it from code the container reaches. Each is counted only when the module is certainly
absent from the container's `sys.path` (a copy of the source in the working directory that the
launcher puts on `sys.path` makes the import work after all).
"""

from __future__ import annotations

import enum
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.model.image.filesystem import Presence
from preflight.model.image.modules import ModuleLocator
from preflight.model.runtime.command.entrypoint import EntryKind
from preflight.model.runtime.environment import EnvUnknown, RuntimeVar, pythonpath_dirs

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.image.local_installs import EditableLeftBehind, PackageCopiedLater
    from preflight.model.project import Project
    from preflight.model.runtime.container import ServiceRuntime


class NeedKind(enum.Enum):
    """How the container loads the package."""

    ENTRY = "entry point"
    SCRIPT = "console script"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class Need:
    """One place where the container loads the package."""

    kind: NeedKind
    span: Span
    name: str
    """The module the entry loads, the console script's name, or the imported module."""


def gap_needs(project: Project, gap: PackageCopiedLater | EditableLeftBehind) -> Iterator[tuple[ServiceRuntime, Need]]:
    """Each container of the gap's image that needs the package, and where."""
    from preflight.model.runtime.container import project_runtimes

    for runtime in project_runtimes(project):
        if runtime.model is gap.analysis.model and (need := package_need(runtime, gap.package, gap.scripts)):
            yield runtime, need


def package_need(runtime: ServiceRuntime, package: str, scripts: tuple[tuple[str, str], ...]) -> Need | None:
    """The first place where the container needs `package` and will not find it, if any."""
    locator = runtime.locator
    if locator is None:
        return None
    for entry in runtime.entries:
        module = entry.module
        if module is None or module.split(".")[0] != package or entry.kind is EntryKind.SCRIPT:
            continue
        if locator.find(package)[0] is Presence.ABSENT:
            return Need(NeedKind.ENTRY, runtime.arg_span(entry.where.arg_index), module)
    targets = {name: target.split(":")[0].strip() for name, target in scripts}
    programs = runtime.analysis.programs if runtime.analysis is not None else ()
    for program in programs:
        target = targets.get(posixpath.basename(program.name))
        if program.conditional or target is None or target.split(".")[0] != package:
            continue
        script_locator = _script_locator(runtime)
        if script_locator is not None and script_locator.find(package)[0] is Presence.ABSENT:
            return Need(NeedKind.SCRIPT, runtime.arg_span(program.where.arg_index), posixpath.basename(program.name))
    for source, ref, absolute in runtime.imports:
        if absolute.split(".")[0] != package or ref.optional or ref.type_checking:
            continue
        if locator.find(package)[0] is Presence.ABSENT:
            return Need(NeedKind.IMPORT, Span(source.path, ref.line, ref.col, ref.end_line, ref.end_col), absolute)
    return None


def _script_locator(runtime: ServiceRuntime) -> ModuleLocator | None:
    """A console script's sys.path: its own folder (bin/), then PYTHONPATH; not the working directory.

    None when PYTHONPATH is set to a value that cannot be known (it may name any folder).
    """
    var = runtime.env.lookup("PYTHONPATH")
    if runtime.fs is None or runtime.locator is None or isinstance(var, EnvUnknown):
        return None
    if isinstance(var, RuntimeVar) and var.value is None:
        return None
    value = var.value or "" if isinstance(var, RuntimeVar) else ""
    dirs = pythonpath_dirs(value, runtime.workdir)
    return ModuleLocator(runtime.fs, runtime.stage, dirs, runtime.model.context_rel, runtime.locator.sources)
