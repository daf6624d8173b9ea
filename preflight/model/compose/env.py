"""Where compose's interpolation values come from, with compose's precedence.

Highest first: the process environment (only with `--use-os-env`, so that a hook's result does
not depend on a developer's shell), the env files (`--env-file`, else the project's `.env`),
then names the deployment supplies (`provided-env`, values unknown), then the keys of a template
(`.env.example`, ...) when no `.env` exists: the operator is expected to fill them in.
"""

from __future__ import annotations

import enum
import fnmatch
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.files import FileProblem, PathKind, SourceTree, probe
from preflight.parse.compose_dotenv import DotenvFile, parse_compose_dotenv
from preflight.parse.interpolate import UNKNOWN, Unknown

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.diagnostics import ParseProblem

TEMPLATE_NAMES = (
    ".env.example", ".env.sample", ".env.template", ".env.dist", ".env-example", ".env-sample", ".env-template",
    ".env-dist", "env.example", "env.sample", "env.template", "example.env", "sample.env", "template.env",
)  # fmt: skip


# set by every shell that runs `docker compose`, whatever the process environment policy
SHELL_VARIABLES = frozenset({"PWD"})


class EnvSource(enum.Enum):
    """Where an interpolation value came from."""

    OS_ENV = "the process environment"
    ENV_FILE = "env file"
    TEMPLATE = "env template"


@dataclass(frozen=True, slots=True)
class EnvValue:
    """One interpolation variable's value and provenance (values are never printed)."""

    value: str | Unknown
    source: EnvSource
    origin: str | None = None
    line: int = 0


@dataclass(slots=True)
class InterpolationEnv:
    """The variables compose sees when it interpolates one project's files."""

    values: dict[str, EnvValue] = field(default_factory=dict)
    env_files: tuple[str, ...] = ()
    template: str | None = None
    use_os_env: bool = False
    provided: tuple[str, ...] = ()
    dotenv_files: list[DotenvFile] = field(default_factory=list)
    template_empty: dict[str, int] = field(default_factory=dict)
    """Keys the template (read because no .env exists) gives an empty value, with their line."""
    problems: list[tuple[str, ParseProblem]] = field(default_factory=list)
    file_problems: list[FileProblem] = field(default_factory=list)

    def lookup(self, name: str) -> str | Unknown | None:
        """Compose's view of `name`: a value, None when unset, UNKNOWN when supplied later."""
        found = self.values.get(name)
        if found is not None:
            return found.value
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.provided) or name in SHELL_VARIABLES:
            return UNKNOWN
        if self.file_problems:
            return UNKNOWN  # an env file that could not be read (PF002) may set it
        return None


def build_env(
    tree: SourceTree,
    project_dir: Path,
    env_files: tuple[str, ...],
    provided: tuple[str, ...],
    use_os_env: bool,
) -> InterpolationEnv:
    """Collect the interpolation environment of the compose project rooted at `project_dir`."""
    env = InterpolationEnv(use_os_env=use_os_env, provided=provided)
    os_env = dict(os.environ) if use_os_env else {}
    paths = [project_dir / f for f in env_files] if env_files else [project_dir / ".env"]
    read: list[str] = []
    for path in paths:
        if not env_files and probe(path) is PathKind.MISSING:
            continue
        source = tree.read_text(path)
        if isinstance(source, FileProblem):
            env.file_problems.append(source)
            continue
        read.append(source.path)
        current = dict(env.values)

        def lookup(name: str, current: dict[str, EnvValue] = current) -> str | Unknown | None:
            if name in os_env:
                return os_env[name]
            found = current.get(name)
            return found.value if found is not None else None

        parsed = parse_compose_dotenv(source.text, source.path, lookup)
        env.dotenv_files.append(parsed)
        env.problems.extend((source.path, p) for p in parsed.problems)
        for entry in parsed.entries:
            value = parsed.values.get(entry.key)
            if value is None:
                continue
            env.values[entry.key] = EnvValue(value, EnvSource.ENV_FILE, source.path, entry.line)
    env.env_files = tuple(read)
    if not read and not env_files:
        _add_template(tree, project_dir, env)
    for name, value in os_env.items():
        env.values[name] = EnvValue(value, EnvSource.OS_ENV)
    return env


def _add_template(tree: SourceTree, project_dir: Path, env: InterpolationEnv) -> None:
    """With no .env, a template's keys count as supplied by the operator (values unknown)."""
    for name in TEMPLATE_NAMES:
        path = project_dir / name
        if probe(path) is PathKind.MISSING:
            continue
        source = tree.read_text(path)
        if isinstance(source, FileProblem):
            env.file_problems.append(source)
            return
        parsed = parse_compose_dotenv(source.text, source.path, None)
        env.template = source.path
        for entry in parsed.entries:
            env.values.setdefault(entry.key, EnvValue(UNKNOWN, EnvSource.TEMPLATE, source.path, entry.line))
            if parsed.values.get(entry.key) == "":
                env.template_empty.setdefault(entry.key, entry.line)
        return
