"""Which importable top-level names an image's installs provide (site-packages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.model.image_fs import Presence
from preflight.model.image_requirements import lookup_at_run
from preflight.parse.pyproject import read_local_project

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.image_requirements import InstallAnalysis
    from preflight.model.images import ImageModel
    from preflight.model.project import Project


@dataclass(slots=True)
class Provided:
    """Top-level modules site-packages will hold, and how sure we are."""

    declared: dict[str, str] = field(default_factory=dict)
    """Import name -> the distribution (or local project) that provides it."""
    transitive: dict[str, str] = field(default_factory=dict)
    """Import name -> the declared distribution that brings it as a dependency."""
    distributions: set[str] = field(default_factory=set)
    closure_known: bool = True
    """False when some installed distribution's dependencies are not in our tables."""
    unknown: bool = False
    """True when an install could not be understood (so anything might be installed)."""
    broken: dict[str, str] = field(default_factory=dict)
    """Import name -> a local install that cannot work (PF302 reports it; imports stay quiet)."""
    installs: int = 0


def _add_distribution(provided: Provided, name: str, extras: tuple[str, ...], overrides: dict[str, list[str]]) -> None:
    from preflight.knowledge import canonicalize_distribution, import_names_for, knows_dependencies, transitive_imports

    canonical = canonicalize_distribution(name)
    provided.distributions.add(canonical)
    for module in import_names_for(canonical, overrides or None):
        provided.declared.setdefault(module, canonical)
    if not knows_dependencies(canonical) and canonical not in _LEAVES:
        provided.closure_known = False
    for module in transitive_imports(canonical, extras, overrides or None):
        provided.transitive.setdefault(module, canonical)


# distributions known to have no dependencies of their own
_LEAVES = frozenset(
    {
        "six",
        "pytz",
        "idna",
        "certifi",
        "typing-extensions",
        "packaging",
        "click",
        "pyyaml",
        "python-dotenv",
        "redis",
        "psycopg2-binary",
        "psycopg2",
        "markupsafe",
        "itsdangerous",
        "sniffio",
        "h11",
        "urllib3",
        "charset-normalizer",
        "attrs",
        "orjson",
        "ujson",
    }
)


def _add_local(provided: Provided, project_dir: Path, overrides: dict[str, list[str]]) -> None:
    local = read_local_project(project_dir)
    if local is None:
        provided.closure_known = False
        return
    label = local.name or project_dir.name
    for module, _path in local.package_roots:
        provided.declared.setdefault(module.split(".")[0], label)
    for dep in local.dependencies:
        from preflight.parse.requirements import parse_requirements

        parsed = parse_requirements(dep + "\n", "<pyproject>")
        for req in parsed.requirements:
            if req.name:
                _add_distribution(provided, req.name, req.extras, overrides)


def provided_modules(project: Project, model: ImageModel) -> Provided:
    """Everything the image's installs put in site-packages, as import names."""
    provided = Provided()
    overrides: dict[str, list[str]] = {name: list(modules) for name, modules in project.config.import_names}
    analyses: list[InstallAnalysis] = [a for a in project.installs() if a.model is model]
    builds_wheels = any(a.install.tool == "pip wheel" for a in analyses)
    for analysis in analyses:
        if analysis.globbed and not builds_wheels:
            provided.unknown = True
        provided.installs += 1
        install = analysis.install
        if install.unknown:
            provided.unknown = True
        for requirement, origin in analysis.requirements:
            if origin is not None and origin.constraint:
                continue
            if requirement.name:
                _add_distribution(provided, requirement.name, requirement.extras, overrides)
            elif requirement.url or requirement.vcs:
                provided.unknown = True
        for _path, found in analysis.local_targets:
            if found.presence is Presence.PRESENT and found.context_path is not None and model.fs is not None:
                _add_local(provided, model.fs.context.root / found.context_path, overrides)
            elif found.presence is Presence.UNKNOWN:
                provided.unknown = True
        for issue in analysis.issues:
            if issue.code == "PF302":
                _add_broken(project, provided, issue.span)
        if install.tool in ("uv sync", "poetry install", "pipenv install") or (
            install.tool != "pip wheel"
            and not install.requirement_files
            and not install.targets
            and not install.editables
        ):
            _add_project_at(provided, analysis, overrides)
        expected = len([f for f in install.requirement_files if "$" not in f])
        if expected > len([f for f in analysis.files if not f.constraint]):
            provided.unknown = True  # a requirements file we could not read or place
    return provided


def _add_broken(project: Project, provided: Provided, span: object) -> None:
    """Remember what a failing local install was meant to provide, from the repository copy."""
    from preflight.diagnostics import Span
    from preflight.files import SourceText
    from preflight.parse.requirements import parse_requirements

    assert isinstance(span, Span)  # noqa: S101 - typed by the caller
    source = project.tree.read_text(project.root / span.path)
    if not isinstance(source, SourceText):
        return
    for req in parse_requirements(source.text, source.path).requirements:
        if req.line != span.line or req.local_path is None:
            continue
        folder = (project.root / span.path).parent / req.local_path
        local = read_local_project(folder) if folder.is_dir() else None
        if local is not None:
            for module, _path in local.package_roots:
                provided.broken.setdefault(module.split(".")[0], req.text)


def _add_project_at(provided: Provided, analysis: InstallAnalysis, overrides: dict[str, list[str]]) -> None:
    """`uv sync` / `poetry install` install the project found in the working directory."""
    model = analysis.model
    if model.fs is None:
        provided.unknown = True
        return
    found = lookup_at_run(model, analysis.stage, analysis.install.run, analysis.install.cwd + "/pyproject.toml")
    if found.presence is Presence.PRESENT and found.context_path is not None:
        _add_local(provided, (model.fs.context.root / found.context_path).parent, overrides)
    else:
        provided.unknown = True
