"""Local projects an image installs whose installed code the model can read: facts only.

`pip install .` copies the project's packages into site-packages; the container then imports
them from there, not from the build context. When the wheel's contents are certain to be the
package folder as the image holds it when pip runs, the folder in the image stands for the
installed copy, and the container's imports of it are followed and judged like first-party code
(`gunicorn shop.api.main:app` where the project's `src/shop/api/main.py` defines no `app`).

Certain means: the install runs in the final stage or a stage it is built FROM (an install in a
builder stage reaches the final stage only through a copied environment, judged elsewhere); pip
or `uv pip` installs into the image's own environment; the project is pyproject-only (no
`setup.py`, which may do anything), built by a known backend with no build plugin (a plugin may
write files into the wheel: a version file, a compiled extension) and no backend option that
adds, renames or generates files; its package folder, named as the package, is in the image
when pip runs and no later COPY writes into it; and no install of the image may replace the
package (a wheel or archive file, a URL or VCS requirement, a wildcard, the project's name).
A file the wheel holds is then in the folder, so a module missing from the folder is missing
from site-packages. The reverse need not hold (a backend may leave a file out), which only makes
the model quieter. Mounts are judged per container (`unmounted`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.image.context import path_under
from preflight.model.image.filesystem import Presence
from preflight.model.image.requirements import lookup_at_run
from preflight.model.image.stages import CopyOp
from preflight.parse.pyproject import BackendKind, read_local_project

if TYPE_CHECKING:
    from preflight.model.image.build import ImageModel
    from preflight.model.image.filesystem import Mounts
    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.project import Project
    from preflight.parse.pyproject import LocalProject

_BACKEND_PROJECTS = frozenset(
    {"setuptools", "wheel", "hatchling", "poetry-core", "flit-core", "pdm-backend", "uv-build"}
)
_PLACEMENT_FLAGS = ("--target", "-t", "--prefix", "--root", "--user", "--python", "-p")


@dataclass(frozen=True, slots=True)
class InstalledSources:
    """What the model can read of an image's installed local projects."""

    folders: dict[str, str]
    """Top-level import name -> the image folder holding the package site-packages copies
    (`shop` -> `/srv/src`)."""
    scripts: dict[str, str]
    """Console script -> `module:function`, of the projects installed (not editable) from those
    folders; empty when an editable install's `.pth` may add folders to `sys.path`."""


def installed_sources(project: Project, model: ImageModel) -> InstalledSources:
    """The local installs of `model` whose wheel is certain."""
    folders: dict[str, str] = {}
    scripts: dict[str, str] = {}
    dropped: set[str] = set()
    clashing: set[str] = set()
    editable = False
    chain = model.image.chain(model.image.final) if model.image is not None and model.image.final else []
    distributions: dict[str, str | None] = {}  # package -> the project's canonical name
    named: set[str] = set()  # distributions the image installs by name
    analyses = [a for a in project.installs() if a.model is model]
    for analysis in analyses:
        if _may_replace_anything(analysis):
            return InstalledSources({}, {})  # a wheel, archive or URL may hold any package
        named.update(r.canonical_name or "" for r, _ in analysis.requirements if r.name)
        editable = editable or _may_be_editable(analysis)
        if not any(analysis.stage is stage for stage in chain) or not _plain_install(analysis):
            dropped.update(_names(analysis))
            continue
        for local, editable_target, package, folder in _sources(analysis):
            if folders.get(package, folder) != folder:
                dropped.add(package)
            folders[package] = folder
            distributions[package] = local.canonical_name
            if not editable_target:
                for script, target in local.scripts:
                    if scripts.setdefault(script, target) != target or script in clashing:
                        clashing.add(script)  # two projects write the script: which one is left is not known
    dropped.update(package for package, name in distributions.items() if name in named)
    kept = {name: folder for name, folder in folders.items() if name not in dropped}
    scripts = {script: target for script, target in scripts.items() if script not in clashing}
    return InstalledSources(kept, {} if editable else scripts)


def _may_replace_anything(analysis: InstallAnalysis) -> bool:
    """Whether an install brings packages whose contents are not known (a wheel file, an
    archive, a URL, a VCS checkout, a wildcard): it may replace a followed package."""
    if analysis.globbed or analysis.remote or any(r.url or r.vcs for r, _ in analysis.requirements):
        return True
    fs = analysis.model.fs
    return fs is not None and any(
        target.found.context_path is not None and not (fs.context.root / target.found.context_path).is_dir()
        for target in analysis.local_installs
    )


def _may_be_editable(analysis: InstallAnalysis) -> bool:
    install = analysis.install
    return (
        install.unknown
        or bool(analysis.editables)
        or any(target.editable for target in analysis.local_installs)
        or install.tool in ("uv sync", "poetry install", "pipenv install", "opaque")
    )


def unmounted(followed: dict[str, str], mounts: Mounts | None) -> dict[str, str]:
    """The followed packages whose image folder no mount of the container changes: site-packages
    holds the copy made at build time, whatever a mount shows there."""
    if mounts is None:
        return followed
    if mounts.unknown:
        return {}
    return {
        name: folder for name, folder in followed.items() if not any(_overlap(m.target, folder) for m in mounts.items)
    }


def _overlap(one: str, other: str) -> bool:
    """Whether one path is the other or inside it."""
    return path_under(one, other) is not None or path_under(other, one) is not None


def _plain_install(analysis: InstallAnalysis) -> bool:
    install = analysis.install
    return install.tool in ("pip", "uv pip") and not install.unknown and not install.flag(*_PLACEMENT_FLAGS)


def _names(analysis: InstallAnalysis) -> set[str]:
    """The packages the local projects of an install provide (to drop what is installed twice)."""
    names: set[str] = set()
    if analysis.model.fs is None:
        return names
    for target in analysis.local_installs:
        if target.found.context_path is not None:
            local = read_local_project(analysis.model.fs.context.root / target.found.context_path)
            names.update(module.split(".")[0] for module, _ in (local.package_roots if local else ()))
    return names


def _sources(analysis: InstallAnalysis) -> list[tuple[LocalProject, bool, str, str]]:
    """(project, editable, package, image folder holding it) of each local project of a plain install."""
    model = analysis.model
    assert model.fs is not None  # noqa: S101 - installs are analysed in evaluated images
    sources: list[tuple[LocalProject, bool, str, str]] = []
    for target in analysis.local_installs:
        if target.found.presence is not Presence.PRESENT or target.found.context_path is None:
            continue
        folder = model.fs.context.root / target.found.context_path
        local = read_local_project(folder) if folder.is_dir() else None
        if local is None or not _certain_wheel(local):
            continue
        for module, rel in local.package_roots:
            if "." in module or posixpath.basename(rel) not in (module, f"{module}.py"):
                continue  # a folder mapped to another name (`package-dir = {shop = "lib"}`) is not followed
            source = posixpath.normpath(posixpath.join(target.image_path, rel))
            at_run = lookup_at_run(model, analysis.stage, analysis.install.run, source)
            if at_run.presence is Presence.PRESENT and not _copied_over_later(analysis, source):
                sources.append((local, target.editable, module, posixpath.dirname(source)))
    return sources


def _copied_over_later(analysis: InstallAnalysis, folder: str) -> bool:
    """Whether a COPY after the install writes into (or over) `folder`: the image then shows files
    that are not what site-packages copied when pip ran."""
    model = analysis.model
    if model.image is None or model.image.final is None:
        return True
    after = False
    for stage in reversed(model.image.chain(model.image.final)):  # the base stage first
        for op in stage.ops:
            if op is analysis.install.run:
                after = True
            elif after and isinstance(op, CopyOp) and (op.dest is None or _overlap(op.dest, folder)):
                return True
    return not after  # the install's RUN is not in the final stage's chain


def _certain_wheel(local: LocalProject) -> bool:
    """Whether the wheel holds the package folders' files and nothing the folders do not have."""
    if local.problems or local.build_errors or local.files != ("pyproject.toml",):
        return False
    if local.backend_kind is BackendKind.OTHER or local.build_requires is None:
        return False
    if any("." in key for key, _ in local.setuptools_package_dir):
        return False  # a subpackage taken from another folder (`"shop.api" = "api_src"`)
    return not local.wheel_options and all(_requirement_name(r) in _BACKEND_PROJECTS for r in local.build_requires)


def _requirement_name(text: str) -> str:
    """The canonical project name of a `[build-system] requires` entry."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        return str(canonicalize_name(Requirement(text).name))
    except InvalidRequirement:
        return ""
