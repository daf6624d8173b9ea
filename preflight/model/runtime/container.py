"""What each container really runs: entry points, sys.path, site-packages and the import graph.

For every service with `build:`, the final stage's CMD/ENTRYPOINT (with compose's overrides)
gives the entry points; their modules are located on the container's sys.path inside the image
model, parsed with `ast`, and their imports followed. Each import is judged: standard library
(of the image's Python), first-party code in the image, or a distribution the image installs.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from preflight.files import read_small_text
from preflight.model.image.filesystem import Presence
from preflight.model.image.modules import ModuleHit, ModuleLocator
from preflight.model.image.provided import Provided, provided_modules
from preflight.model.python_sources import PythonSources
from preflight.model.runtime.argv_sources import argv_of, compose_value
from preflight.model.runtime.command.entrypoint import (
    ArgSource,
    Argv,
    EntryAnalysis,
    EntryKind,
    EntryPoint,
    EntryRole,
    effective_argv,
    entry_points,
)
from preflight.model.runtime.django_settings import default_settings
from preflight.model.runtime.environment import RuntimeEnv, pythonpath_dirs, runtime_env
from preflight.model.runtime.mounts import service_mounts
from preflight.parse.interpolate import interpolate
from preflight.parse.python import ImportRef, PythonModule, resolve_relative
from preflight.parse.template_text import references_only
from preflight.parse.yaml import YScalar, YSeq

if TYPE_CHECKING:
    from preflight.diagnostics import Span
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.image.build import ImageModel
    from preflight.model.image.filesystem import ImageFS, Mount
    from preflight.model.image.stages import Stage
    from preflight.model.project import Project

_Queued: TypeAlias = tuple[str, ModuleHit, tuple[PythonModule, ImportRef] | None]
"""A module to load: its name, where it is, and the import that brings it in (None for entries)."""


@dataclass(frozen=True, slots=True)
class MissingEntry:
    """An entry point the container does not have: a script path, or a module on `sys_path`."""

    entry: EntryPoint
    target: str
    is_path: bool = False
    sys_path: tuple[str, ...] = ()
    mount: Mount | None = None
    """The bind mount that hides it: over the module the image has (`in_image`, missing from
    the mounted folder as `in_mount`), or over a sys.path folder."""
    in_image: str | None = None
    in_mount: str | None = None
    installed_from: str | None = None
    """The image folder of the installed package that lacks the module (see `installed_sources`)."""


@dataclass(slots=True)
class Reached:
    """A module the container loads, with the import that brought it in (None for entries)."""

    hit: ModuleHit
    source: PythonModule | None
    via: tuple[PythonModule, ImportRef] | None
    package: str


@dataclass(slots=True)
class ServiceRuntime:
    """One service's container as preflight understands it."""

    compose: ComposeProject
    service: Service
    model: ImageModel
    stage: Stage
    python: str | None
    argv: Argv | None
    workdir: str
    env: RuntimeEnv
    analysis: EntryAnalysis | None
    entries: list[EntryPoint] = field(default_factory=list)
    sys_path: list[str] = field(default_factory=list)
    provided: Provided = field(default_factory=Provided)
    locator: ModuleLocator | None = None
    reached: dict[str, Reached] = field(default_factory=dict)
    missing_entries: list[MissingEntry] = field(default_factory=list)
    entry_hits: list[tuple[EntryPoint, ModuleHit]] = field(default_factory=list)
    """The module each entry (of a module, not a script) was found as, in entry order."""
    imports: list[tuple[PythonModule, ImportRef, str]] = field(default_factory=list)
    """Every import of a reached module: (module, import, absolute name)."""
    guessed: bool = False
    """True when no entry point was understood: the code the container runs is unknown."""
    fs: ImageFS | None = None
    """What the container sees: the final stage with compose's bind mounts and volumes."""
    sys_path_edited: bool = False
    """A module the container loads may change sys.path (see `PythonModule.edits_sys_path`)."""

    def syntax_error_certain(self, module: PythonModule) -> bool:
        """Whether the image's Python rejects a module our parser rejects (its grammar may be newer)."""
        import sys

        if not module.newer_syntax:
            return True
        if self.python is None:
            return False
        major, minor = (int(part) for part in self.python.split(".")[:2])
        return (major, minor) <= sys.version_info[:2]

    def show(self, text: str) -> str:
        """``text`` (derived from this container's command and working directory) with what
        each interpolation produced in them written as its reference (`${CMD}`).

        Each reference's own value, and each word of it, is rewritten where it stands as a
        whole word; the rest of the command is what the compose file says, and may be shown.
        """
        for value, reference in self._substituted():
            text = re.sub(rf"(?<![\w$]){re.escape(value)}(?!\w)", reference.replace("\\", "\\\\"), text)
        return text

    def _substituted(self) -> list[tuple[str, str]]:
        """(value, reference) for what every reference in command, entrypoint and working_dir
        produced, and for each word of it, longest first."""
        found: dict[str, str] = {}
        lookup = self.compose.env.lookup
        for attr in ("command", "entrypoint", "working_dir"):
            node = self.service.get(attr)
            for scalar in node.items if isinstance(node, YSeq) else [node]:
                if not isinstance(scalar, YScalar) or scalar.raw is None or "$" not in scalar.raw:
                    continue
                for ref in interpolate(scalar.raw, lookup).refs:
                    segment = scalar.raw[ref.start : ref.end]
                    value = interpolate(segment, lookup).value
                    if not value:
                        continue
                    reference = references_only(segment)
                    for part in (value, *value.split()):
                        if len(part) > 1 and part != reference:
                            found.setdefault(part, reference)
        return sorted(found.items(), key=lambda pair: len(pair[0]), reverse=True)

    def arg_span(self, index: int) -> Span:
        """Where the argv element `index` was written (compose command/entrypoint or CMD)."""
        origin = self.argv.origins[index] if self.argv is not None and 0 <= index < len(self.argv.origins) else None
        source = origin.source if origin is not None else ArgSource.IMAGE_CMD
        if source in (ArgSource.COMPOSE_COMMAND, ArgSource.COMPOSE_ENTRYPOINT):
            attr = "command" if source is ArgSource.COMPOSE_COMMAND else "entrypoint"
            node = self.service.get(attr)
            if (
                isinstance(node, YSeq)
                and origin is not None
                and origin.index is not None
                and origin.index < len(node.items)
            ):
                return node.items[origin.index].span
            return node.span if node is not None else self.service.span_of(attr)
        command = self.stage.entrypoint if source is ArgSource.IMAGE_ENTRYPOINT else self.stage.cmd
        return command.span if command is not None else self.stage.from_inst.span


def _python_version(model: ImageModel, stage: Stage) -> str | None:
    from preflight.knowledge import python_version_of

    assert model.image is not None  # noqa: S101 - only evaluated images get a runtime
    for link in model.image.chain(stage):
        if link.base is not None and link.base_stage is None:
            return python_version_of(link.base)
    return None


def build_runtime(
    project: Project, compose: ComposeProject, service: Service, model: ImageModel, sources: PythonSources | None = None
) -> ServiceRuntime | None:
    """The runtime model of one service built from `model` (None when the image is unknown)."""
    if model.image is None or model.image.final is None or model.fs is None:
        return None
    stage = model.image.final
    workdir_node = service.scalar("working_dir")
    workdir = workdir_node.text() if workdir_node is not None and not workdir_node.unknown else stage.workdir
    argv = effective_argv(
        argv_of(stage.entrypoint),
        argv_of(stage.cmd),
        compose_value(service, "entrypoint"),
        compose_value(service, "command"),
    )
    env = runtime_env(project, compose, service, stage)
    runtime = ServiceRuntime(compose, service, model, stage, _python_version(model, stage), argv, workdir, env, None)
    runtime.provided = provided_modules(project, model)
    fs = model.fs.in_container(stage, service_mounts(service, compose.directory))
    runtime.fs = fs
    if argv is not None and not workdir.startswith("/?"):
        read = functools.partial(_read_script, fs, stage)
        runtime.analysis = entry_points(argv.args, workdir, env.values(), read, runtime.provided.console_scripts)
        runtime.entries = [e for e in runtime.analysis.entries if not e.conditional]
    _follow(runtime, sources or PythonSources())
    return runtime


def _read_script(fs: ImageFS, stage: Stage, path: str) -> str | None:
    found = fs.locate(stage, path)
    if found.presence is not Presence.PRESENT or found.context_path is None:
        return None
    return read_small_text(fs.context.root / found.context_path, 1_000_000)


def _pythonpath(runtime: ServiceRuntime) -> list[str]:
    var = runtime.env.vars.get("PYTHONPATH")
    if var is None or var.value is None:
        return []
    return pythonpath_dirs(var.value, runtime.workdir)


def _follow(runtime: ServiceRuntime, sources: PythonSources) -> None:
    """Locate the entry modules and follow their imports through the image."""
    model = runtime.model
    assert runtime.fs is not None  # noqa: S101 - set by build_runtime
    extra = _pythonpath(runtime)
    queue: list[_Queued] = []
    sys_dirs: list[str] = []
    for entry in runtime.entries:
        dirs = [*entry.sys_path_additions, *extra]
        sys_dirs.extend(d for d in dirs if d not in sys_dirs)
    if not runtime.entries:
        sys_dirs = [runtime.workdir, *extra]
    runtime.sys_path = sys_dirs
    locator = ModuleLocator(runtime.fs, runtime.stage, sys_dirs, model.context_rel, sources, runtime.provided.followed)
    runtime.locator = locator
    for entry in runtime.entries:
        start = _entry_hit(runtime, locator, entry)
        if start is not None:
            queue.append(start)
            if _entry_target(entry)[1] is None:
                runtime.entry_hits.append((entry, start[1]))
    settings = runtime.env.vars.get("DJANGO_SETTINGS_MODULE")
    if runtime.entries and settings is not None and settings.value and "django" in runtime.provided.declared:
        # Django imports its settings module by name at start: the module is loaded like an entry
        presence, hit = locator.find(settings.value)
        if presence is Presence.PRESENT and hit is not None:
            queue.append((settings.value, hit, None))
    if not runtime.entries and (runtime.analysis is None or runtime.analysis.unknown or runtime.argv is None):
        # what runs is unknown, so which code is imported is unknown too: nothing is judged
        runtime.guessed = True
    _walk(runtime, locator, queue)
    loaded = (r.source for r in runtime.reached.values() if r.source is not None)
    default = default_settings(runtime.env, runtime.entries, loaded, runtime.provided)
    if default is not None:  # the settings module the code selects itself (`os.environ.setdefault`)
        presence, hit = locator.find(default)
        if presence is Presence.PRESENT and hit is not None:
            _walk(runtime, locator, [(default, hit, None)])


def _walk(runtime: ServiceRuntime, locator: ModuleLocator, queue: list[_Queued]) -> None:
    """Load the queued modules and, transitively, every module they import."""
    pending = deque(queue)
    while pending:
        name, hit, via = pending.popleft()
        if name in runtime.reached:
            continue
        source = locator.parse(hit)
        runtime.sys_path_edited |= source is not None and source.edits_sys_path
        package = name if hit.is_package else name.rpartition(".")[0]
        runtime.reached[name] = Reached(hit, source, via, package)
        _queue_parents(locator, name, pending)
        if source is None:
            continue
        for ref in source.imports:
            absolute = resolve_relative(ref, package) if ref.level else ref.module
            if not absolute:
                continue
            runtime.imports.append((source, ref, absolute))
            for candidate in [absolute, *(f"{absolute}.{n}" for n in ref.names if n != "*")]:
                if candidate in runtime.reached:
                    continue  # reached already (by the first import of it: that one is `via`)
                presence, found = locator.find(candidate)
                if presence is Presence.PRESENT and found is not None:
                    pending.append((candidate, found, (source, ref)))


def _queue_parents(locator: ModuleLocator, name: str, queue: deque[_Queued]) -> None:
    """Importing a.b.c runs a/__init__.py and a/b/__init__.py first."""
    parts = name.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        presence, hit = locator.find(parent)
        if presence is Presence.PRESENT and hit is not None:
            queue.append((parent, hit, None))


def _entry_target(entry: EntryPoint) -> tuple[str | None, str | None]:
    """(module name, script path) an entry loads."""
    if entry.kind is EntryKind.SCRIPT or (entry.kind is EntryKind.DJANGO_MANAGE and entry.path):
        return None, entry.path
    return entry.module, None


def _entry_hit(runtime: ServiceRuntime, locator: ModuleLocator, entry: EntryPoint) -> _Queued | None:
    module, path = _entry_target(entry)
    if path is not None:
        found = locator.fs.locate(runtime.stage, path)
        if found.presence is Presence.ABSENT:
            runtime.missing_entries.append(MissingEntry(entry, path, is_path=True))
            return None
        if found.presence is Presence.UNKNOWN:
            return None
        return "__main__", ModuleHit("__main__", path, found.context_path, False, posixpath.dirname(path)), None
    if module is None or entry.role in (EntryRole.LAUNCHER, EntryRole.WORKER):
        return None
    if entry.kind is EntryKind.MODULE and entry.role is EntryRole.MAIN:
        presence, main = locator.find(module + ".__main__")
        if presence is Presence.PRESENT and main is not None:
            return module + ".__main__", main, None
    presence, hit = locator.find(module)
    for candidate in entry.candidates:  # `celery -A pkg.app.celery_app`: a module, or module.attribute
        if presence is not Presence.ABSENT:
            module = candidate if hit is None else hit.name
            break
        presence, hit = locator.find(candidate)
    if presence is Presence.ABSENT:
        if entry.workdir is None:
            return None  # the working directory, which is on sys.path for a module, is not known
        if not _installed(runtime, module):
            runtime.missing_entries.append(_missing_module(runtime, entry, module))
        return None
    if hit is None:
        return None
    return module, hit, None


def _missing_module(runtime: ServiceRuntime, entry: EntryPoint, module: str) -> MissingEntry:
    """A module entry the container lacks, with the bind mount that hides it when one does."""
    mounts = runtime.fs.mounts if runtime.fs is not None else None
    image = runtime.model.fs
    stem = module.replace(".", "/")
    missing = MissingEntry(entry, module, sys_path=tuple(runtime.sys_path))
    top = module.split(".")[0]
    if top in runtime.provided.followed and runtime.locator is not None:
        presence, package = runtime.locator.find(top)
        if presence is Presence.PRESENT and package is not None and package.sys_dir == runtime.provided.followed[top]:
            folder = posixpath.join(package.sys_dir, top)
            return dataclasses.replace(missing, installed_from=folder)
    if mounts is None or image is None:
        return missing
    for sys_dir in runtime.sys_path:
        for rel in (f"{stem}.py", f"{stem}/__init__.py"):
            path = posixpath.join(sys_dir, rel)
            hit = mounts.over(path)
            hidden = hit is not None and hit[0].host is not None
            if hit is not None and hidden and image.locate(runtime.stage, path).presence is Presence.PRESENT:
                return dataclasses.replace(missing, mount=hit[0], in_image=path, in_mount=hit[1])
    for sys_dir in runtime.sys_path:
        hit = mounts.over(sys_dir)
        if hit is not None and hit[0].host is not None:
            return dataclasses.replace(missing, mount=hit[0])
    return missing


def _installed(runtime: ServiceRuntime, module: str) -> bool:
    """Installed in site-packages, maybe installed, or in the standard library (`python -m http.server`)."""
    from preflight.knowledge import is_stdlib_module, stdlib_modules

    top = module.split(".")[0]
    provided = runtime.provided
    if top in provided.followed and runtime.locator is not None and runtime.locator.find(top)[0] is Presence.PRESENT:
        return False  # the installed copy is the folder the model reads, which lacks the module
    if top in provided.declared or top in provided.transitive or top in provided.broken or provided.unknown:
        return True  # a broken local install is reported where it is made
    return top in stdlib_modules(runtime.python) if runtime.python else is_stdlib_module(top)


def project_runtimes(project: Project) -> list[ServiceRuntime]:
    """The runtime model of every active service that is built from a Dockerfile (once per check)."""
    return project.derived(_runtimes)


def _runtimes(project: Project) -> list[ServiceRuntime]:
    runtimes = []
    sources = PythonSources(project.tree, store=project.python_facts)
    for compose, service in project.services():
        model = project.image_of(service)
        if model is None:
            continue
        runtime = build_runtime(project, compose, service, model, sources)
        if runtime is not None:
            runtimes.append(runtime)
    return runtimes
