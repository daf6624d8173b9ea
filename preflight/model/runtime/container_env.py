"""The environment a service's container receives from compose: `environment` and `env_file`.

(`.env` is NOT container environment: it only feeds interpolation, unless listed in env_file.)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.files import FileProblem, PathKind, SourceTree, probe
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.interpolate import Unknown
from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.compose.project import ComposeProject, Service


class Origin(enum.Enum):
    """Where a container variable is set."""

    ENVIRONMENT = "environment"
    ENV_FILE = "env_file"


@dataclass(frozen=True, slots=True)
class ContainerVar:
    """A variable the container receives; `value` None means unknown (never printed anyway)."""

    name: str
    value: str | None
    origin: Origin
    span: Span


@dataclass(frozen=True, slots=True)
class EnvFileRef:
    """One `env_file` entry of a service."""

    path: Path
    span: Span
    required: bool
    raw_format: bool
    shown: str = ""
    """The path as written in compose (interpolated values are never shown)."""


def env_file_refs(service: Service) -> list[EnvFileRef]:
    """The service's env_file entries, resolved from its base folder."""
    node = service.get("env_file")
    entries = node.items if isinstance(node, YSeq) else ((node,) if node is not None else ())
    refs = []
    for entry in entries:
        required, raw = True, False
        target: YScalar | None = entry if isinstance(entry, YScalar) else None
        if isinstance(entry, YMap):
            path_node = entry.get("path")
            target = path_node if isinstance(path_node, YScalar) else None
            req = entry.get("required")
            required = not (isinstance(req, YScalar) and req.value in (False, "false"))
            fmt = entry.get("format")
            raw = isinstance(fmt, YScalar) and fmt.text() == "raw"
        if target is None or target.unknown or not target.text():
            continue
        refs.append(EnvFileRef(service.base_dir / target.text(), target.span, required, raw, target.as_written()))
    return refs


def container_env_known(tree: SourceTree, service: Service) -> bool:
    """False when an env_file the service has could not be read: its variables are unknown."""
    return not any(
        probe(ref.path) is not PathKind.MISSING and isinstance(tree.read_text(ref.path), FileProblem)
        for ref in env_file_refs(service)
    )


def container_env(tree: SourceTree, project: ComposeProject, service: Service) -> dict[str, ContainerVar]:
    """Variables compose passes to the container (env_file first, `environment` wins)."""
    result: dict[str, ContainerVar] = {}
    for ref in env_file_refs(service):
        if probe(ref.path) is PathKind.MISSING:
            continue
        source = tree.read_text(ref.path)
        if isinstance(source, FileProblem):
            continue  # PF002; container_env_known() says the environment is not fully known
        parsed = parse_compose_dotenv(source.text, source.path, project.env.lookup, raw=ref.raw_format)
        for entry in parsed.entries:
            file_value = parsed.values.get(entry.key)
            if file_value is None:
                continue
            known = None if isinstance(file_value, Unknown) else file_value
            result[entry.key] = ContainerVar(
                entry.key, known, Origin.ENV_FILE, Span(source.path, entry.line, entry.col)
            )
    for key, value in service.mapping("environment").items:
        name = key.text()
        if not isinstance(value, YScalar):
            continue
        if value.value is None and not value.quoted:
            # a bare NAME passes the interpolation value through, and is absent when unset
            passed = project.env.lookup(name)
            if passed is None:
                result.pop(name, None)
                continue
            known = None if isinstance(passed, Unknown) else passed
        else:
            known = None if value.unknown else value.text()
        result[name] = ContainerVar(name, known, Origin.ENVIRONMENT, key.span)
    return result
