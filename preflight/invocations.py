"""How the repository says it is deployed: the `docker compose -f ...` and `docker build ...`
commands written in its scripts, Makefiles, CI workflows, READMEs and devcontainer files.

Files are read as text (small ones only) and never run. A command gives evidence of which compose
files are used together (`-f a -f b`, `COMPOSE_FILE=a:b`) and which context a Dockerfile that no
compose file builds is built from (`docker build -f X CTX`). Relative paths are tried from the
folder of the file that holds the command, then from the repository root; a `$VAR` in a path
matches any name.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.discover import Folder

_MAX_BYTES = 256_000
_SCRIPT_DIRS = frozenset({"bin", "scripts", "script", "tools", "docker", "deploy", "ci", ".ci"})
_COMPOSE = re.compile(r"(?:docker[ -]compose|podman[ -]compose)\b(?P<args>[^\n;&|]*)")
_BUILD = re.compile(r"(?:docker|podman)\s+(?:buildx\s+|image\s+)?build\b(?P<args>[^\n;&|]*)")
_COMPOSE_FILE = re.compile(r"\bCOMPOSE_FILE\s*[=:]\s*[\"']?(?P<files>[^\s\"'`;&|]+)")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([^)]*\)")
# global options of `docker compose` that take a value
_COMPOSE_VALUES = frozenset({
    "-p", "--project-name", "--project-directory", "--env-file", "--profile", "--ansi", "--progress", "--parallel",
})  # fmt: skip
# `docker build` options that take a value (the context is the one positional argument)
_BUILD_VALUES = frozenset({
    "-t", "--tag", "--build-arg", "--target", "--platform", "--label", "--cache-from", "--cache-to",
    "--secret", "--ssh", "-o", "--output", "--progress", "--network", "--add-host", "--iidfile",
    "--metadata-file", "--build-context", "--builder", "--annotation", "--attest", "--shm-size",
    "--ulimit", "-m", "--memory", "--cgroup-parent", "--isolation", "--allow", "--provenance", "--sbom",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class ComposeInvocation:
    """Compose files used together, in merge order, and where the command was seen."""

    files: tuple[Path, ...]
    seen_in: str
    services: tuple[str, ...] | None = None
    """The services the command starts (with what they depend on); None: every service."""


@dataclass(frozen=True, slots=True)
class BuildInvocation:
    """A Dockerfile built from a context folder, and where the command was seen."""

    dockerfile: Path
    context: Path
    seen_in: str


@dataclass(slots=True)
class Invocations:
    """Everything found in one repository."""

    compose: list[ComposeInvocation] = field(default_factory=list)
    builds: list[BuildInvocation] = field(default_factory=list)

    def add_compose(self, invocation: ComposeInvocation) -> None:
        """Record a use of compose files; uses of the same files start the union of their services."""
        for index, seen in enumerate(self.compose):
            if seen.files == invocation.files:
                if seen.services is not None:
                    union = None if invocation.services is None else (*seen.services, *invocation.services)
                    services = None if union is None else tuple(dict.fromkeys(union))
                    self.compose[index] = ComposeInvocation(seen.files, seen.seen_in, services)
                return
        self.compose.append(invocation)

    def build_of(self, dockerfile: Path) -> BuildInvocation | None:
        """The first seen build of a Dockerfile."""
        real = os.path.realpath(dockerfile)  # never raises, even on a link loop
        return next((b for b in self.builds if os.path.realpath(b.dockerfile) == real), None)


def find_invocations(root: Path, folders: list[Folder]) -> Invocations:
    """Compose and build commands of every script, Makefile, workflow, README and devcontainer."""
    found = Invocations()
    for path, bases in _candidates(root, folders):
        text = _read(path)
        if text is None:
            continue
        seen_in = path.relative_to(root).as_posix()
        if path.name in ("devcontainer.json", ".devcontainer.json"):
            _devcontainer(found, text, path.parent, root, seen_in)
            continue
        text = text.replace("\\\n", " ")
        for files in _compose_files(text):
            resolved = _resolve_all(files, bases, root, want_dir=False)
            if resolved:
                found.add_compose(ComposeInvocation(resolved, seen_in))
        for dockerfile, context in _builds(text):
            _add_build(found, dockerfile, context, bases, root, seen_in)
    return found


def _candidates(root: Path, folders: list[Folder]) -> Iterator[tuple[Path, list[Path]]]:
    """(file, folders its relative paths may start from) of every file that may hold commands."""
    for folder in folders:
        rel = folder.path.relative_to(root).parts
        in_workflows = rel[-2:] == (".github", "workflows")
        for name in folder.files:
            path = folder.path / name
            lower = name.lower()
            if in_workflows and lower.endswith((".yml", ".yaml")):
                yield path, [root]
            elif (
                lower in ("makefile", "gnumakefile", "justfile")
                or lower.endswith((".mk", ".sh", ".bash"))
                or (lower.startswith("readme") and lower.endswith((".md", ".rst", ".txt")))
            ):
                yield path, [folder.path, root]
            elif name in ("devcontainer.json", ".devcontainer.json"):
                yield path, [folder.path]
            elif "." not in name and rel and rel[-1] in _SCRIPT_DIRS:
                yield path, [folder.path, root]


def _read(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def _words(args: str) -> list[str]:
    try:
        return shlex.split(args, comments=True)
    except ValueError:
        return args.split()


def _compose_files(text: str) -> Iterator[tuple[str, ...]]:
    """The `-f` lists of compose commands, and `COMPOSE_FILE` values."""
    for match in _COMPOSE.finditer(text):
        words = _words(match.group("args"))
        files: list[str] = []
        i = 0
        while i < len(words):  # global options only: `run svc cmd -f x` is the container's `-f`
            word = words[i]
            if word in ("-f", "--file") and i + 1 < len(words):
                files.append(words[i + 1])
            elif word.startswith("--file="):
                files.append(word.removeprefix("--file="))
            elif word.startswith("-f") and len(word) > 2 and not word.startswith("--"):
                files.append(word[2:])
            elif word in _COMPOSE_VALUES:
                i += 1
            elif not word.startswith("-"):
                break  # the sub-command
            i += 2 if word in ("-f", "--file") else 1
        if files:
            yield tuple(files)
    for match in _COMPOSE_FILE.finditer(text):
        parts = [p for p in re.split(r"[:;]", match.group("files")) if p]
        if parts:
            yield tuple(parts)


def _builds(text: str) -> Iterator[tuple[str, str]]:
    """(dockerfile or "", context) of every `docker build` command."""
    for match in _BUILD.finditer(text):
        words = _words(match.group("args"))
        dockerfile, context = "", None
        i = 0
        while i < len(words):
            word = words[i]
            if word in ("-f", "--file") and i + 1 < len(words):
                dockerfile, i = words[i + 1], i + 2
                continue
            if word.startswith("--file="):
                dockerfile = word.removeprefix("--file=")
            elif word in _BUILD_VALUES:
                i += 2
                continue
            elif not word.startswith("-") and context is None:
                context = word
            i += 1
        if context is not None and context != "-" and "://" not in context:
            yield dockerfile, context


def _add_build(found: Invocations, dockerfile: str, context: str, bases: list[Path], root: Path, seen: str) -> None:
    for base in bases:
        contexts = _resolve(context, base, root, want_dir=True)
        for ctx in contexts:
            # `-f` is relative to the current folder, like the context; the default is CTX/Dockerfile
            files = _resolve(dockerfile, base, root, want_dir=False) if dockerfile else [ctx / "Dockerfile"]
            for file in files:
                if file.is_file() and not any(b.dockerfile == file and b.context == ctx for b in found.builds):
                    found.builds.append(BuildInvocation(file, ctx, seen))
        if contexts:
            return


def _resolve_all(names: tuple[str, ...], bases: list[Path], root: Path, *, want_dir: bool) -> tuple[Path, ...]:
    """All names resolved from the first base where each one exists (one file each), or ()."""
    for base in bases:
        resolved = [_resolve(name, base, root, want_dir=want_dir) for name in names]
        if all(len(r) == 1 for r in resolved):
            return tuple(r[0] for r in resolved)
    return ()


def _resolve(name: str, base: Path, root: Path, *, want_dir: bool) -> list[Path]:
    """Existing paths inside the root that `name` names from `base` (a `$VAR` matches any name)."""
    if name.startswith(("~", "/")) or not name:
        return []
    pattern = _VARIABLE.sub("*", name)
    if "*" in pattern:
        matches = sorted(base.glob(pattern)) if pattern.strip("*/.") else []
    else:
        matches = [Path(os.path.normpath(base / name))]
    top = Path(os.path.realpath(root))
    return [
        Path(os.path.normpath(m))
        for m in matches
        if (m.is_dir() if want_dir else m.is_file()) and Path(os.path.realpath(m)).is_relative_to(top)
    ]


def _devcontainer(found: Invocations, text: str, folder: Path, root: Path, seen: str) -> None:
    """`dockerComposeFile` and `build.dockerfile`/`build.context` of a devcontainer.json (JSONC)."""
    stripped = re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE)
    stripped = re.sub(r",(\s*[}\]])", r"\1", stripped)
    try:
        data = json.loads(stripped)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    compose = data.get("dockerComposeFile")
    names = [compose] if isinstance(compose, str) else compose if isinstance(compose, list) else []
    files = tuple(n for n in names if isinstance(n, str))
    resolved = _resolve_all(files, [folder], root, want_dir=False) if files else ()
    if resolved:
        found.add_compose(ComposeInvocation(resolved, seen, _run_services(data)))
    build = data.get("build") if isinstance(data.get("build"), dict) else data
    if isinstance(build, dict):
        dockerfile = build.get("dockerfile") or build.get("dockerFile")
        context = build.get("context", ".")
        if isinstance(dockerfile, str) and isinstance(context, str):
            _add_build(found, dockerfile, context, [folder], root, seen)


def _run_services(data: dict[str, object]) -> tuple[str, ...] | None:
    """The services a devcontainer starts: `runServices` and the `service` it attaches to (all when
    `runServices` is absent or not a list of names)."""
    listed = data.get("runServices")
    if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
        return None
    attached = data.get("service")
    return tuple(dict.fromkeys([*([attached] if isinstance(attached, str) else []), *listed]))
