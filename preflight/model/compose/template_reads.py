"""Who reads the keys an env template documents (`.env.example`...): facts for dead configuration.

A template documents the `.env` of its compose project. A key of that `.env` reaches something
only through compose (it interpolates the key in a compose file, or passes it on by name), an
``env_file:`` that hands the whole file to a container, or a program that loads the file itself
(python-dotenv, django-environ's ``read_env``, pydantic's ``env_file``, ``source .env`` in a
script, ``include .env`` in a Makefile, the JavaScript tooling that loads the `.env` of its own
folder). Whether a key is read is answered conservatively:

* the template is not judged (``unknown`` says why) when a service may receive the whole file
  (``env_file:`` of `.env`, of the template, of a path that cannot be known or does not exist),
  when a file of the repository names the `.env` file itself or a loader of env files, or when
  the template's folder holds a ``package.json``;
* a key counts as read when its name appears as a whole word in any text file of the repository
  other than env files, prose and what the configuration excludes (Python, shell, Dockerfiles,
  compose files, configuration, Makefiles, JavaScript...), when an env file's value refers to it
  (``${KEY}``), when a service's existing ``env_file`` defines it too, or when compose or Docker
  read it themselves (``COMPOSE_*``, ``DOCKER_*``, ``BUILDKIT_*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.discover import excluded
from preflight.files import PathKind, SourceText, probe, read_small_text
from preflight.model.compose.env import TEMPLATE_NAMES
from preflight.model.compose.env_files import env_file_refs
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.yaml import YSeq

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.compose.project import ComposeProject
    from preflight.model.project import Project
    from preflight.parse.dotenv_entries import DotenvFile

_TOOL_PREFIXES = ("COMPOSE_", "DOCKER_", "BUILDKIT_")
"""Variables compose and the Docker CLI read from `.env` or the environment themselves."""
_NOT_SEARCHED = frozenset({
    ".md", ".rst", ".adoc", ".markdown",  # prose documents keys, it does not read them
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".pdf", ".woff", ".woff2", ".ttf", ".eot", ".zip",
    ".gz", ".tgz", ".bz2", ".xz", ".whl", ".pyc", ".mp3", ".mp4", ".webm",  # binary: not worth opening
})  # fmt: skip
_IGNORE_FILES = frozenset({".gitignore", ".dockerignore", ".hgignore"})
_ENV_NAME = re.compile(r"(?:.*\.)?env(?:[.-].*)?|.*[.-]env", re.IGNORECASE)
"""Env-format files by name: `.env`, `.env.local`, `prod.env`, `env.example`, `db-env`..."""
_LOADER = re.compile(
    r"dotenv|read_env|decouple|env[_-]?files?\b|envfile|env-cmd"  # libraries and options that load env files
    r"|(?<![\w.-])\.env(?![\w.-])",  # the `.env` file itself: `source .env`, `include .env`, `/app/.env`
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TemplateKey:
    """One key of a template, positioned on its name, and whether anything reads it."""

    name: str
    span: Span
    read: bool


@dataclass(frozen=True, slots=True)
class TemplateReads:
    """The keys of one env template and who reads them (``unknown``: why that cannot be known)."""

    compose: ComposeProject
    path: str
    keys: tuple[TemplateKey, ...]
    unknown: str | None = None


def template_reads(project: Project) -> list[TemplateReads]:
    """Every env template of every compose project, with the reads of its keys (once per check)."""
    return project.derived(_template_reads)


def _template_reads(project: Project) -> list[TemplateReads]:
    found: list[TemplateReads] = []
    seen: set[Path] = set()
    corpus: _Corpus | None = None
    for compose in project.compose:
        for name in TEMPLATE_NAMES:
            path = compose.directory / name
            if path in seen or probe(path) is not PathKind.FILE:
                continue
            seen.add(path)
            source = project.tree.read_text(path)
            if not isinstance(source, SourceText):
                continue
            parsed = parse_compose_dotenv(source.text, source.path, None)
            if not parsed.entries:
                continue
            unknown = _whole_file_passed(project, compose, path)
            if unknown is None and (compose.directory / "package.json").is_file():
                unknown = "the JavaScript tooling of its folder may load `.env` itself"
            if unknown is None:
                corpus = corpus or _Corpus.of(project)
                unknown = corpus.loader
            found.append(_judge(compose, parsed, unknown, corpus, project, path))
    return found


def _judge(
    compose: ComposeProject,
    parsed: DotenvFile,
    unknown: str | None,
    corpus: _Corpus | None,
    project: Project,
    path: Path,
) -> TemplateReads:
    keys = []
    defined_elsewhere = _env_file_keys(project, path)
    for entry in parsed.entries:
        if not entry.key:
            continue
        span = Span(parsed.path, entry.line, entry.col, entry.line, entry.col + len(entry.key))
        read = (
            unknown is not None
            or entry.key.startswith(_TOOL_PREFIXES)
            or entry.key in defined_elsewhere
            or (corpus is not None and corpus.names(entry.key))
        )
        keys.append(TemplateKey(entry.key, span, read))
    return TemplateReads(compose, parsed.path, tuple(keys), unknown)


def _whole_file_passed(project: Project, compose: ComposeProject, template: Path) -> str | None:
    """Why a container may receive every key of the template's `.env`, or None."""
    dotenv = compose.directory / ".env"
    for other in project.compose:
        for service in other.all_services().values():
            node = service.get("env_file")
            refs = env_file_refs(service)
            entries = len(node.items) if isinstance(node, YSeq) else (0 if node is None else 1)
            if other is compose and len(refs) < entries:
                return f'an env_file of service "{service.name}" cannot be known'
            for ref in refs:
                if ref.path in (dotenv, template):
                    return f'service "{service.name}" receives the whole file through env_file'
                if other is compose and probe(ref.path) is not PathKind.FILE:
                    return f'the env_file `{ref.shown}` of service "{service.name}" is not in the repository'
    return None


def _env_file_keys(project: Project, template: Path) -> set[str]:
    """Keys the services' existing env files (other than the template) define."""
    keys: set[str] = set()
    for compose in project.compose:
        for service in compose.all_services().values():
            for ref in env_file_refs(service):
                if ref.path == template:
                    continue
                source = project.tree.read_text(ref.path)
                if isinstance(source, SourceText):
                    keys.update(e.key for e in parse_compose_dotenv(source.text, source.path, None).entries)
    return keys


@dataclass(frozen=True, slots=True)
class _Corpus:
    """The words of the repository's text files, and the first file that loads env files itself."""

    words: frozenset[str]
    env_refs: frozenset[str]
    loader: str | None

    @classmethod
    def of(cls, project: Project) -> _Corpus:
        words: set[str] = set()
        env_refs: set[str] = set()
        loader: str | None = None
        # the env_file of their services is judged as such; any other compose file is read as text
        loaded = {f for compose in project.compose for f in compose.files}
        for folder in project.folders:
            for name in folder.files:
                path = folder.path / name
                if path.suffix.lower() in _NOT_SEARCHED or name in _IGNORE_FILES:
                    continue
                if project.config.exclude and excluded(project.rel(path), project.config.exclude):
                    continue  # the walk leaves out excluded folders; excluded files are left out here
                text = read_small_text(path)
                if text is None:
                    continue
                if _ENV_NAME.fullmatch(name) or name in TEMPLATE_NAMES:
                    env_refs.update(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))
                    continue
                words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
                if loader is None and project.rel(path) not in loaded and (hit := _LOADER.search(text)):
                    loader = f"{project.rel(path)} loads env files itself (`{hit.group(0)}`)"
        return cls(frozenset(words), frozenset(env_refs), loader)

    def names(self, key: str) -> bool:
        """Whether a file of the repository names `key` (an env file only in a `${KEY}` reference)."""
        return key in self.words or key in self.env_refs
