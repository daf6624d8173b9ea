"""What each container reads from its environment, and whether it really receives it.

Facts only: the environment reads of the code a container runs (:func:`container_code`), the
`$VAR` its commands leave for the container to expand (:func:`command_refs`), and where a
variable the container lacks is defined instead (:func:`defined_elsewhere`). The rules decide
what of it is a finding and word it.
"""

from __future__ import annotations

import enum
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.files import read_small_text
from preflight.model.compose.env import EnvSource
from preflight.model.image.filesystem import Presence
from preflight.model.runtime.environment import EnvAbsent, EnvUnknown, RuntimeEnv, RuntimeVar, runtime_env
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.python_env import EnvKind
from preflight.parse.shell.assigned import shell_assigned_names
from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.project import Project
    from preflight.model.runtime.container import ServiceRuntime
    from preflight.parse.python import PythonModule
    from preflight.parse.python_settings import SettingsClass

_REF = re.compile(
    r"(?<![\\$])\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+=])?|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)
# `[ -n "$VAR" ]`, `test -z "${VAR}"`: the command checks whether the variable is set
_TESTED = re.compile(r"-[nz]\s+\"?\$\{?(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/usr/bin/env"}


@dataclass(frozen=True, slots=True)
class SetAtStart:
    """Set as the container starts: by the entry script or the command itself, or loaded from an
    env file by the code (`load_dotenv`)."""


Lookup = RuntimeVar | SetAtStart | EnvAbsent | EnvUnknown
"""Whether a variable reaches the process that reads it."""


class WhenMissing(enum.Enum):
    """What a read does when the variable is not there."""

    HANDLED = "handled"
    """An optional read, or one with a default: the code copes."""
    RAISES = "raises"
    """`os.environ["X"]`, or an env library's required read."""
    NONE_REFUSED = "none-refused"
    """`os.getenv("X")` whose None the code then refuses."""
    INVALID_SETTINGS = "invalid-settings"
    """A required field of a settings class: creating it fails validation."""


@dataclass(frozen=True, slots=True)
class CodeRead:
    """One environment read in code a container runs, and whether the container has the variable."""

    name: str
    span: Span
    when_missing: WhenMissing
    found: Lookup
    settings: str = ""
    """For a settings field: the class's name."""
    field: str = ""
    """For a settings field: the field's name."""


@dataclass(frozen=True, slots=True)
class ContainerCode:
    """The Python code a container runs and what it reads from the environment."""

    runtime: ServiceRuntime
    modules: tuple[PythonModule, ...]
    """The modules the container loads, in the order they are reached."""
    reads: tuple[CodeRead, ...]


@dataclass(frozen=True, slots=True)
class CommandRef:
    """A `$VAR` that survives compose (written `$$VAR`) in `command`, `entrypoint` or `healthcheck.test`."""

    compose: ComposeProject
    service: Service
    attr: str
    name: str
    span: Span
    shell: bool
    """A shell runs the command, so the container expands the reference; else it stays literal."""
    guarded: bool
    """The command tests it (`-n`/`-z`) or gives a default or alternative (`${X:-y}`)."""
    found: Lookup


@dataclass(frozen=True, slots=True)
class InterpolationOnly:
    """The variable is set in an env file that only feeds compose interpolation (`.env`)."""

    path: str
    line: int


@dataclass(frozen=True, slots=True)
class OtherService:
    """The variable is set in another service's `environment`."""

    name: str
    key_span: Span


@dataclass(frozen=True, slots=True)
class Nowhere:
    """No place compose looks sets the variable."""


def defined_elsewhere(
    compose: ComposeProject, service: Service, name: str
) -> InterpolationOnly | OtherService | Nowhere:
    """Where `name` is defined, when not in the service's container environment."""
    value = compose.env.values.get(name)
    if value is not None and value.source is EnvSource.ENV_FILE and value.origin is not None:
        return InterpolationOnly(value.origin, value.line)
    for other in compose.all_services().values():
        if other is service:
            continue
        key = other.mapping("environment").key_node(name)
        if key is not None:
            return OtherService(other.name, key.span)
    return Nowhere()


def healthy_dependents(compose: ComposeProject, service: Service) -> list[tuple[str, Span]]:
    """(service, `depends_on` key) of the services that wait for `service` to be healthy."""
    found = []
    for other in compose.services.values():
        for key, spec in other.mapping("depends_on").items:
            condition = spec.get("condition") if isinstance(spec, YMap) else None
            if key.text() == service.name and isinstance(condition, YScalar) and condition.text() == "service_healthy":
                found.append((other.name, key.span))
    return found


def container_code(project: Project) -> list[ContainerCode]:
    """The code of every container whose environment is fully known (the others are left out)."""
    from preflight.model.runtime.container import project_runtimes

    found = []
    for runtime in project_runtimes(project):
        if not runtime.env.complete:
            continue
        # variables an entrypoint script exports before it starts the Python process
        script_env = {name for entry in runtime.entries for name in entry.env_names}
        loaded = _loaded_env_keys(runtime)  # env files the code loads itself (load_dotenv...)
        if "*" in loaded:
            continue
        modules = tuple(r.source for r in runtime.reached.values() if r.source is not None)
        reads = tuple(read for module in modules for read in _reads(runtime, module, script_env | loaded))
        found.append(ContainerCode(runtime, modules, reads))
    return found


def _reads(runtime: ServiceRuntime, module: PythonModule, script_env: set[str]) -> Iterator[CodeRead]:
    for read in module.env_reads:
        span = Span(module.path, read.line, read.col, read.end_line, read.end_col)
        if read.optional or read.has_default:
            when = WhenMissing.HANDLED
        elif read.kind in (EnvKind.SUBSCRIPT, EnvKind.LIBRARY):
            when = WhenMissing.RAISES
        elif read.kind is EnvKind.GET and read.required:
            when = WhenMissing.NONE_REFUSED
        else:
            when = WhenMissing.HANDLED
        yield CodeRead(read.name, span, when, _lookup(runtime.env, (read.name,), script_env))
    for settings in module.settings:
        file_keys = _settings_file_keys(runtime, settings)
        for field in settings.fields:
            names = field.env_names
            span = Span(module.path, field.line, field.col, field.end_line, field.end_col)
            when = WhenMissing.INVALID_SETTINGS if field.required else WhenMissing.HANDLED
            if "*" in file_keys:
                found: Lookup = EnvUnknown(f"the env_file of `{settings.name}` cannot be read")
            elif any(n.upper() in file_keys for n in names):
                found = SetAtStart()
            else:
                found = _lookup(runtime.env, names, script_env, settings.case_sensitive)
            yield CodeRead(names[0], span, when, found, settings.name, field.name)


def _lookup(env: RuntimeEnv, names: Iterable[str], set_at_start: set[str], case_sensitive: bool = True) -> Lookup:
    """The first of `names` the container has; else absent or unknown, as the environment is."""
    missing: Lookup = EnvAbsent()
    for name in names:
        found = env.lookup(name, case_sensitive)
        if isinstance(found, RuntimeVar):
            return found
        if name in set_at_start:
            return SetAtStart()
        missing = found
    return missing


def command_refs(project: Project) -> Iterator[CommandRef]:
    """Every `$VAR` of every service's commands that the container (or nobody) expands."""
    for compose, service in project.services():
        model = project.image_of(service)
        stage = model.image.final if model is not None and model.image is not None else None
        env = runtime_env(project, compose, service, stage)
        for attr, node, shell in _command_nodes(service):
            for item in node:
                if item.unknown or not isinstance(item.value, str):
                    continue
                text = item.value
                assigned = set(re.findall(r"(?:^|[\s;&|])([A-Za-z_][A-Za-z0-9_]*)=", text))
                assigned |= shell_assigned_names(text) or frozenset()  # `for X in`, `read X`...
                tested = {m.group("name") for m in _TESTED.finditer(text)}
                for match in _REF.finditer(text):
                    name = match.group("braced") or match.group("plain")
                    found = SetAtStart() if name in assigned else _lookup(env, (name,), set())
                    guarded = name in tested or bool(match.group("op"))
                    yield CommandRef(compose, service, attr, name, item.span, shell, guarded, found)


def _settings_file_keys(runtime: ServiceRuntime, settings: SettingsClass) -> set[str]:
    """Keys of a settings class's env_file when that file really is in the image."""
    keys: set[str] = set()
    fs = runtime.fs
    if fs is None:
        return keys
    for name in settings.env_file:
        found = fs.locate(runtime.stage, posixpath.normpath(posixpath.join(runtime.workdir, name)))
        if found.presence is Presence.PRESENT and found.context_path is not None:
            text = read_small_text(fs.context.root / found.context_path)
            if text is None:
                continue
            parsed = parse_compose_dotenv(text, found.context_path)
            keys.update(e.key.upper() for e in parsed.entries)
        elif found.presence is Presence.UNKNOWN:
            keys.add("*")
    return keys


def _loaded_env_keys(runtime: ServiceRuntime) -> set[str]:
    """Keys of the env files the application loads into its environment ("*" when unknown)."""
    keys: set[str] = set()
    fs = runtime.fs
    for reached in runtime.reached.values():
        module = reached.source
        if module is None or not module.env_files or fs is None:
            continue
        for name in module.env_files:
            if name == "?":
                return {"*"}
            if name is None:  # the library searches `.env` from the module's folder upwards
                folder = posixpath.dirname(reached.hit.image_path)
                candidates = []
                while True:
                    candidates.append(posixpath.join(folder, ".env"))
                    if folder in ("/", ""):
                        break
                    folder = posixpath.dirname(folder)
            else:
                candidates = [posixpath.normpath(posixpath.join(runtime.workdir, name))]
            for path in candidates:
                found = fs.locate(runtime.stage, path)
                if found.presence is Presence.UNKNOWN:
                    return {"*"}
                if found.presence is Presence.PRESENT and found.context_path is not None:
                    text = read_small_text(fs.context.root / found.context_path)
                    if text is None:
                        return {"*"}
                    keys.update(e.key for e in parse_compose_dotenv(text, found.context_path).entries)
                    break
    return keys


def _command_nodes(service: Service) -> Iterator[tuple[str, tuple[YScalar, ...], bool]]:
    """(attribute, scalars, runs through a shell) for command, entrypoint and healthcheck.test."""
    for attr in ("command", "entrypoint"):
        node = service.get(attr)
        if isinstance(node, YSeq):
            items = tuple(i for i in node.items if isinstance(i, YScalar))
            words = [i.text() for i in items]
            shell = len(words) >= 2 and words[0] in _SHELLS and "-c" in words[1:3]
            if attr == "command" and not shell and _shell_entrypoint(service):
                yield attr, items[:1], True  # `entrypoint: [sh, -c]`: the first item is the script
                yield attr, items[1:], False  # and the others its `$0`, `$1`...: not expanded
                continue
            yield attr, items[2:] if shell else items, shell
        elif isinstance(node, YScalar) and node.value is not None:
            text = node.text().split()
            shell = len(text) >= 2 and text[0] in _SHELLS and text[1] == "-c"
            yield attr, (node,), shell
    health = service.get("healthcheck")
    test = health.get("test") if isinstance(health, YMap) else None
    if isinstance(test, YSeq) and test.items:
        first = test.items[0]
        kind = first.text() if isinstance(first, YScalar) else ""
        items = tuple(i for i in test.items[1:] if isinstance(i, YScalar))
        yield "healthcheck.test", items, kind == "CMD-SHELL"
    elif isinstance(test, YScalar) and test.value:
        yield "healthcheck.test", (test,), True


def _shell_entrypoint(service: Service) -> bool:
    """Whether the service's compose `entrypoint` is a shell given `-c` and nothing else, so that
    the first item of an exec-form `command` is its script."""
    node = service.get("entrypoint")
    if isinstance(node, YSeq):
        words = [i.text() if isinstance(i, YScalar) and not i.unknown else "?" for i in node.items]
    elif isinstance(node, YScalar) and node.value is not None and not node.unknown:
        words = node.text().split()
    else:
        return False
    return len(words) == 2 and words[0] in _SHELLS and words[1] == "-c"
