"""Variables each container needs at run time, against the environment it really receives."""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from preflight.diagnostics import Related, Severity, Span
from preflight.files import read_small_text
from preflight.model.compose.env import EnvSource
from preflight.model.findings import Finding
from preflight.model.image.filesystem import Presence
from preflight.model.runtime.environment import RuntimeEnv, runtime_env
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.python_env import EnvKind
from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Iterator

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


def where_defined(compose: ComposeProject, service: Service, name: str) -> tuple[str, list[Related]]:
    """Explain where `name` is defined, when not in the service's container environment."""
    value = compose.env.values.get(name)
    if value is not None and value.source is EnvSource.ENV_FILE and value.origin is not None:
        note = Related(Span(value.origin, value.line, 1), f"`{name}` is set here, for compose interpolation only")
        return (
            f"it is set in {value.origin}, which only feeds compose interpolation; add `{name}: ${{{name}}}` "
            f"under services.{service.name}.environment",
            [note],
        )
    for other in compose.all_services().values():
        if other is service:
            continue
        key = other.mapping("environment").key_node(name)
        if key is not None:
            return (
                f'it is set for service "{other.name}" only; add it to services.{service.name}.environment',
                [Related(key.span, f'`{name}` is set for "{other.name}" here')],
            )
    return f"it is set nowhere compose looks; add it to services.{service.name}.environment", []


def _group(findings: list[Finding]) -> list[Finding]:
    """One finding per location: services that share an image share their code."""
    merged: dict[tuple[str, int, int, str], Finding] = {}
    for finding in findings:
        key = (finding.span.path, finding.span.line, finding.span.col, finding.code)
        merged.setdefault(key, finding)
    return list(merged.values())


def check_env(project: Project) -> list[Finding]:
    """PF203 and PF208 findings of every service."""
    findings: list[Finding] = []
    from preflight.model.runtime.container import project_runtimes

    for runtime in project_runtimes(project):
        findings.extend(_code_reads(project, runtime))
    for compose, service in project.services():
        model = project.image_of(service)
        stage = model.image.final if model is not None and model.image is not None else None
        env = runtime_env(project, compose, service, stage)
        findings.extend(_command_refs(compose, service, env))
    return _group(findings)


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


def _code_reads(project: Project, runtime: ServiceRuntime) -> Iterator[Finding]:
    if not runtime.env.complete:
        return
    service = runtime.service
    soft = runtime.guessed
    # variables an entrypoint script exports before it starts the Python process
    script_env = {name for entry in runtime.entries for name in entry.env_names}
    loaded = _loaded_env_keys(runtime)  # env files the code loads itself (load_dotenv...)
    if "*" in loaded:
        return
    script_env |= loaded
    for reached in runtime.reached.values():
        module = reached.source
        if module is None:
            continue
        yield from _bool_casts(module, service.name)
        for read in module.env_reads:
            if read.optional or read.has_default or runtime.env.has(read.name) or read.name in script_env:
                continue
            if read.kind in (EnvKind.SUBSCRIPT, EnvKind.LIBRARY):
                severity, effect = Severity.ERROR, "raises an error"
            elif read.kind is EnvKind.GET and read.required:
                severity, effect = Severity.ERROR, "returns None, which the code then refuses"
            else:
                continue  # an optional read: the code handles None
            yield _missing(
                runtime,
                module,
                read.name,
                read.line,
                read.col,
                read.end_line,
                read.end_col,
                Severity.WARNING if soft else severity,
                effect,
            )
        for settings in module.settings:
            file_keys = _settings_file_keys(runtime, settings)
            if "*" in file_keys:
                continue
            for field in settings.fields:
                if not field.required:
                    continue
                names = field.env_names
                if any(
                    runtime.env.has(n, settings.case_sensitive) or n.upper() in file_keys or n in script_env
                    for n in names
                ):
                    continue
                yield _missing(
                    runtime,
                    module,
                    names[0],
                    field.line,
                    field.col,
                    field.end_line,
                    field.end_col,
                    Severity.WARNING if soft else Severity.ERROR,
                    f"makes `{settings.name}()` fail validation (required field `{field.name}`)",
                )


def _missing(
    runtime: ServiceRuntime,
    module: PythonModule,
    name: str,
    line: int,
    col: int,
    end_line: int,
    end_col: int,
    severity: Severity,
    effect: str,
) -> Finding:
    why, notes = where_defined(runtime.compose, runtime.service, name)
    return Finding(
        "PF203",
        severity,
        Span(module.path, line, col, end_line, end_col),
        f'`{name}` is read here, but the container of service "{runtime.service.name}" does not receive it '
        f"(reading it {effect}); {why}",
        help=f"pass it under services.{runtime.service.name}.environment (or an env_file), or give the read a default",
        related=(Related(runtime.service.key_span, f'service "{runtime.service.name}"'), *notes),
        service=runtime.service.name,
    )


def _bool_casts(module: PythonModule, service: str) -> Iterator[Finding]:
    for cast in module.bool_casts:
        yield Finding(
            "PF208",
            Severity.WARNING,
            Span(module.path, cast.line, cast.col, cast.end_line, cast.end_col),
            f'`bool(...)` of `{cast.name}` is True for any non-empty value, including "0" and "false"',
            help=f'compare the text instead: `os.getenv("{cast.name}", "").lower() in ("1", "true", "yes")`',
            related=(),
            service=service,
        )


def _command_refs(compose: ComposeProject, service: Service, env: RuntimeEnv) -> Iterator[Finding]:
    """`$VAR` that survives compose (written `$$VAR`) in command/entrypoint/healthcheck.test."""
    for attr, node, shell in _command_nodes(service):
        for item in node:
            if item.unknown or not isinstance(item.value, str):
                continue
            text = item.value
            assigned = set(re.findall(r"(?:^|[\s;&|])([A-Za-z_][A-Za-z0-9_]*)=", text))
            tested = {m.group("name") for m in _TESTED.finditer(text)}
            for match in _REF.finditer(text):
                name = match.group("braced") or match.group("plain")
                if name in assigned or env.has(name):
                    continue
                if not shell:
                    yield Finding(
                        "PF203",
                        Severity.WARNING,
                        item.span,
                        f"`${name}` in `{attr}` is passed literally: no shell runs this exec-form command, "
                        "so nothing expands it",
                        help=f'run it through a shell (`["CMD-SHELL", "..."]` or `sh -c`) so `${name}` is expanded',
                        related=(),
                        service=service.name,
                    )
                    continue
                if not env.complete or name in tested or match.group("op"):
                    continue  # checked by the command, or with a default/alternative: not missing
                why, notes = where_defined(compose, service, name)
                dependents = _healthy_dependents(compose, service) if attr == "healthcheck.test" else []
                yield Finding(
                    "PF203",
                    Severity.ERROR,
                    item.span,
                    f'`${name}` in `{attr}` is expanded in the container of service "{service.name}", '
                    f"which does not receive `{name}`; {why}",
                    help=f"add `{name}: ${{{name}}}` under services.{service.name}.environment",
                    related=(*notes, *dependents),
                    service=service.name,
                )


def _healthy_dependents(compose: ComposeProject, service: Service) -> list[Related]:
    """Notes on the services that wait for `service` to be healthy (they never start)."""
    notes = []
    for other in compose.services.values():
        for key, spec in other.mapping("depends_on").items:
            condition = spec.get("condition") if isinstance(spec, YMap) else None
            if key.text() == service.name and isinstance(condition, YScalar) and condition.text() == "service_healthy":
                notes.append(Related(key.span, f'"{other.name}" waits for "{service.name}" to be healthy'))
    return notes


def _command_nodes(service: Service) -> Iterator[tuple[str, tuple[YScalar, ...], bool]]:
    """(attribute, scalars, runs through a shell) for command, entrypoint and healthcheck.test."""
    for attr in ("command", "entrypoint"):
        node = service.get(attr)
        if isinstance(node, YSeq):
            items = tuple(i for i in node.items if isinstance(i, YScalar))
            words = [i.text() for i in items]
            shell = len(words) >= 2 and words[0] in _SHELLS and "-c" in words[1:3]
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
