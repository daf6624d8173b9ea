"""Which importable top-level names an image's installs provide (site-packages)."""

from __future__ import annotations

import functools
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.model.image.filesystem import Presence
from preflight.model.image.requirements import LocalTargetMissing, lookup_at_run
from preflight.parse.pyproject import read_local_project

if TYPE_CHECKING:
    from preflight.model.image.build import ImageModel
    from preflight.model.image.installs import PipInstall
    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.project import Project
    from preflight.parse.pyproject import LocalProject
    from preflight.parse.requirements import Requirement


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
    """Import name -> a local install that cannot work (its own finding; imports stay quiet)."""
    installs: int = 0
    followed: dict[str, str] = field(default_factory=dict)
    """Import name -> the image folder holding the package a local install copies into
    site-packages, when the wheel's contents are certain (see `installed_sources`)."""
    console_scripts: dict[str, str] = field(default_factory=dict)
    """Console script -> `module:function`, of the followed projects, when nothing else of the
    image (an editable install's `.pth`) may add folders to the scripts' `sys.path`; "" for the
    scripts of a broken local install (reported where it is made)."""


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


def _add_local(
    provided: Provided,
    project_dir: Path,
    overrides: dict[str, list[str]],
    selection: Selection | None = None,
) -> None:
    """A local project's packages and the dependencies an install of it brings (groups, extras)."""
    local = read_local_project(project_dir)
    if local is None:
        provided.closure_known = False
        return
    if local.problems:
        provided.unknown = True  # a file of the project could not be read: its metadata is not known
    selection = selection or Selection()
    label = local.name or project_dir.name
    for module, _path in local.package_roots:
        provided.declared.setdefault(module.split(".")[0], label)
    deps: list[str] = list(local.dependencies) if selection.main else []
    extras = dict(local.optional_dependencies)
    deps += [d for name, items in extras.items() if selection.all_extras or name in selection.extras for d in items]
    deps += [d for name, items in local.groups if selection.wants_group(local, name) for d in items]
    for dep in deps:
        for name, extras_of in _dependency(dep):
            _add_distribution(provided, name, extras_of, overrides)


@functools.lru_cache(maxsize=4096)
def _dependency(dep: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, extras) of a dependency string of a project (cached: every service of an image
    installs the same project)."""
    from preflight.parse.requirements import parse_requirements

    parsed = parse_requirements(dep + "\n", "<pyproject>")
    return tuple((r.name, tuple(r.extras)) for r in parsed.requirements if r.name)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which parts of a project an install brings: its dependencies, extras and groups."""

    main: bool = True
    extras: frozenset[str] = frozenset()
    all_extras: bool = False
    groups: frozenset[str] = frozenset()
    """Groups asked for by name; `default` adds the tool's default groups."""
    all_groups: bool = False
    default: bool = False
    without: frozenset[str] = frozenset()
    tool: str = "uv sync"

    def wants_group(self, local: LocalProject, name: str) -> bool:
        """Whether the install brings the dependency group `name` of `local`."""
        if name in self.without:
            return False
        if self.all_groups or name in self.groups:
            return True
        if not self.default:
            return False
        if self.tool == "poetry install":
            return name not in local.optional_groups
        return name in (local.default_groups if local.default_groups is not None else ("dev",))


def _selection(install: PipInstall) -> Selection:
    """What `uv sync` / `poetry install` options select."""
    extras = frozenset(install.values("--extra", "-E", "--extras"))
    all_extras = install.flag("--all-extras")
    if install.tool == "poetry install":
        only = frozenset(g for v in install.values("--only") for g in v.split(","))
        if install.flag("--only-root"):
            return Selection(main=False, tool=install.tool)
        if only:
            return Selection("main" in only, extras, all_extras, only - {"main"}, tool=install.tool)
        groups = frozenset(g for v in install.values("--with") for g in v.split(","))
        without = frozenset(g for v in install.values("--without") for g in v.split(","))
        return Selection(True, extras, all_extras, groups, default=True, without=without, tool=install.tool)
    only_groups = frozenset(install.values("--only-group"))
    if install.flag("--only-dev"):
        only_groups |= {"dev"}
    if only_groups:
        return Selection(False, extras, all_extras, only_groups, tool=install.tool)
    default = not install.flag("--no-dev", "--no-default-groups")
    without = frozenset(install.values("--no-group"))
    groups = frozenset(install.values("--group"))
    return Selection(True, extras, all_extras, groups, install.flag("--all-groups"), default, without, install.tool)


def provided_modules(project: Project, model: ImageModel) -> Provided:
    """Everything the image's installs put in site-packages, as import names (once per image:
    the services of one image share it, and nobody changes it)."""
    known = project.derived(_by_image)
    if id(model) not in known:
        known[id(model)] = _provided_modules(project, model)
    return known[id(model)]


def _by_image(project: Project) -> dict[int, Provided]:
    return {}


def _provided_modules(project: Project, model: ImageModel) -> Provided:
    provided = Provided()
    overrides: dict[str, list[str]] = {name: list(modules) for name, modules in project.config.import_names}
    analyses: list[InstallAnalysis] = [a for a in project.installs() if a.model is model]
    builds_wheels = any(a.install.tool == "pip wheel" for a in analyses)
    for analysis in analyses:
        if analysis.globbed and not builds_wheels:
            provided.unknown = True
        install = analysis.install
        provided.installs += install.tool != "opaque"  # counts Python package installs only
        if install.unknown or analysis.remote:
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
        for problem in analysis.problems:
            if isinstance(problem, LocalTargetMissing) and problem.requirement is not None:
                _add_broken(project, provided, *problem.requirement)
        if install.tool in ("uv sync", "poetry install", "pipenv install") or (
            install.tool not in ("pip wheel", "opaque")
            and not install.requirement_files
            and not install.targets
            and not install.editables
        ):
            _add_project_at(provided, analysis, overrides)
        expected = len([f for f in install.requirement_files if "$" not in f])
        if expected > len([f for f in analysis.files if not f.constraint]):
            provided.unknown = True  # a requirements file we could not read or place
    _add_gaps(project, model, provided)
    _add_followed(project, model, provided)
    return provided


def _add_followed(project: Project, model: ImageModel, provided: Provided) -> None:
    """The installed local packages whose code the container's imports can be followed into."""
    from preflight.model.image.installed_sources import installed_sources

    if provided.unknown:
        return  # another install may bring the same name
    installed = installed_sources(project, model)
    for name, folder in installed.folders.items():
        if name in provided.declared and name not in provided.transitive and name not in provided.broken:
            provided.followed[name] = folder
    for script, target in installed.scripts.items():
        if target.partition(":")[0].strip().split(".")[0] in provided.followed:
            provided.console_scripts.setdefault(script, target)


def _add_gaps(project: Project, model: ImageModel, provided: Provided) -> None:
    """Packages of local projects that the image installs without their sources: broken, not installed."""
    from preflight.model.image.local_installs import local_install_gaps

    for gap in local_install_gaps(project):
        if gap.analysis.model is model:
            provided.declared.pop(gap.package, None)
            provided.broken.setdefault(gap.package, gap.analysis.install.tool + " " + gap.source)
            provided.console_scripts.update((script, "") for script, _target in gap.scripts)


def _add_broken(project: Project, provided: Provided, requirements_file: str, requirement: Requirement) -> None:
    """Remember what a failing local install was meant to provide, from the repository copy."""
    assert requirement.local_path is not None  # noqa: S101 - only local requirements go missing
    folder = (project.root / requirements_file).parent / requirement.local_path
    local = read_local_project(folder) if folder.is_dir() else None
    if local is not None:
        for module, _path in local.package_roots:
            provided.broken.setdefault(module.split(".")[0], requirement.text)


def _add_project_at(provided: Provided, analysis: InstallAnalysis, overrides: dict[str, list[str]]) -> None:
    """`uv sync` / `poetry install` install the project found in the working directory."""
    model = analysis.model
    if model.fs is None:
        provided.unknown = True
        return
    pyproject = posixpath.join(analysis.install.cwd, "pyproject.toml")
    found = lookup_at_run(model, analysis.stage, analysis.install.run, pyproject)
    if found.presence is not Presence.PRESENT or found.context_path is None:
        provided.unknown = True
        return
    root_dir = (model.fs.context.root / found.context_path).parent
    selection = _selection(analysis.install)
    projects = _synced_projects(analysis.install, root_dir)
    if projects is None:
        provided.unknown = True  # e.g. a virtual workspace root: which members uv installs is not modelled
        return
    for project_dir in projects:
        _add_local(provided, project_dir, overrides, selection)


def _synced_projects(install: PipInstall, root_dir: Path) -> list[Path] | None:
    """The projects an install of `root_dir` brings: itself, or the uv workspace members it names."""
    from packaging.utils import canonicalize_name

    root = read_local_project(root_dir)
    if root is None:
        return None
    if install.tool != "uv sync" or not root.workspace_members:
        return [root_dir]
    members = workspace_members(root_dir, root)
    if install.flag("--all-packages"):
        return [root_dir, *members.values()]
    wanted = install.values("--package")
    if not wanted:
        return [root_dir] if root.has_project_table else None
    if root.canonical_name is not None:
        members.setdefault(root.canonical_name, root_dir)
    chosen = [members.get(str(canonicalize_name(name))) for name in wanted]
    return None if None in chosen else [c for c in chosen if c is not None]


def workspace_members(root_dir: Path, root: LocalProject) -> dict[str, Path]:
    """uv workspace members by canonical project name: folders matching `members` globs, less `exclude`."""
    from packaging.utils import canonicalize_name

    top = Path(os.path.realpath(root_dir))
    excluded: set[Path] = set()
    for pattern in root.workspace_exclude:
        if _safe_glob(pattern):
            excluded.update(Path(os.path.realpath(p)) for p in root_dir.glob(pattern))
    found: dict[str, Path] = {}
    for pattern in root.workspace_members:
        if not _safe_glob(pattern):
            continue
        for folder in sorted(root_dir.glob(pattern)):
            real = Path(os.path.realpath(folder))
            if not folder.is_dir() or real in excluded or not real.is_relative_to(top):
                continue
            member = read_local_project(folder)
            if member is not None and member.name:
                found.setdefault(str(canonicalize_name(member.name)), folder)
    return found


def _safe_glob(pattern: str) -> bool:
    """A workspace glob that stays inside the workspace root."""
    return bool(pattern.strip("/")) and not pattern.startswith("/") and ".." not in pattern.split("/")
