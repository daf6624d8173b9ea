"""Local projects an image installs whose packages its Python will not find: facts only.

Two gaps, each stated as a typed fact (the rules word them and decide whether the container
needs the package):

* `PackageCopiedLater`: `pip install .` (not editable) runs before the project's package folder
  is in the image; a later COPY puts it there. The wheel pip builds then cannot contain it.
* `EditableLeftBehind`: a stage that is not the final one installs the project in editable
  mode into a virtual environment or prefix; the final stage copies that environment, but not
  the source folder the editable install points at (by absolute path).

Both are certain only where the model knows every step: the project folder and the package
roots are read statically from the build context, presence comes from the image filesystem
model, and any later install that may re-install the project makes the gap go away.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.image.context import path_under
from preflight.model.image.filesystem import Presence
from preflight.model.image.requirements import lookup_at_run
from preflight.model.image.stages import BASE_DIRS
from preflight.parse.pyproject import BackendKind, read_local_project
from preflight.parse.pyproject_packages import Tree

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from preflight.diagnostics import Span
    from preflight.model.image.build import ImageModel
    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.image.stages import CopyOp, Stage
    from preflight.model.project import Project
    from preflight.parse.pyproject import LocalProject

_SYSTEM_BIN = frozenset({"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
_VENV_MAKERS = (("-m", "venv"), ("-m", "virtualenv"))
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True, slots=True)
class PackageCopiedLater:
    """`pip install <project>` runs before the project's package folder is in the image.

    `refusal` is None when the backend builds a wheel without the package (setuptools'
    automatic discovery: the build succeeds, the import fails at start); otherwise it is the
    backend's error, in its words, and the build fails.
    """

    analysis: InstallAnalysis
    project_dir: str
    """The project folder in the image, as pip resolves it."""
    package: str
    """The top-level import name the project ships."""
    source: str
    """Where the package's sources are in the image once copied (`/app/src/myapp`)."""
    copied_at: Span
    """The later COPY that puts them there."""
    scripts: tuple[tuple[str, str], ...]
    """The project's console scripts (name, `module:attribute`)."""
    refusal: str | None


@dataclass(frozen=True, slots=True)
class EditableLeftBehind:
    """The final stage copies an environment holding an editable install, not its source."""

    analysis: InstallAnalysis
    """The editable install, in another stage."""
    environment: str
    """The virtual environment or prefix the install writes to, in that stage."""
    copy: CopyOp
    """The final stage's `COPY --from` that carries the environment over."""
    package: str
    source: str
    """The absolute path the editable install points at, missing from the final stage."""
    scripts: tuple[tuple[str, str], ...]


def local_install_gaps(project: Project) -> list[PackageCopiedLater | EditableLeftBehind]:
    """Every gap of every image (computed once per check)."""
    return project.derived(_gaps)


def _gaps(project: Project) -> list[PackageCopiedLater | EditableLeftBehind]:
    found: list[PackageCopiedLater | EditableLeftBehind] = []
    analyses = project.installs()
    for analysis in analyses:
        found.extend(_copied_later(analysis, analyses))
        found.extend(_left_behind(analysis, analyses))
    return found


def _chain(model: ImageModel) -> list[Stage]:
    """The final stage and the stages it is built FROM, nearest first."""
    if model.image is None or model.image.final is None:
        return []
    return model.image.chain(model.image.final)


def _reinstalls(analysis: InstallAnalysis, project_dir: str | None) -> bool:
    """Whether `analysis` may install the project at `project_dir` (any local project for None)."""
    install = analysis.install
    if install.unknown or install.tool in ("opaque", "uv sync", "poetry install", "pipenv install"):
        return True
    if analysis.remote or analysis.globbed:
        return True
    return any(project_dir is None or target.image_path == project_dir for target in analysis.local_installs)


def _runs_after(analysis: InstallAnalysis, first: InstallAnalysis, chain: list[Stage], order: list[int]) -> bool:
    """`analysis` runs after `first` in the build of the final stage (`chain`, nearest first);
    `order` is the position of each analysis in command order (for two installs of one RUN)."""
    stages = [stage.index for stage in reversed(chain)]
    if analysis.stage.index not in stages or first.stage.index not in stages:
        return False
    if analysis.stage.index != first.stage.index:
        return stages.index(analysis.stage.index) > stages.index(first.stage.index)
    if analysis.install.run is first.install.run:
        return order[0] > order[1]
    return analysis.install.run.index > first.install.run.index


def _project_at(model: ImageModel, context_path: str | None) -> LocalProject | None:
    if context_path is None or model.fs is None:
        return None
    folder = model.fs.context.root / context_path
    local = read_local_project(folder) if folder.is_dir() else None
    return None if local is None or local.problems else local


def _copied_later(analysis: InstallAnalysis, analyses: list[InstallAnalysis]) -> Iterator[PackageCopiedLater]:
    install, model = analysis.install, analysis.model
    chain = _chain(model)
    if install.tool not in ("pip", "uv pip") or model.fs is None or not _in(analysis.stage, chain):
        return
    if install.flag("--target", "-t", "--prefix", "--root", "--user"):
        return
    mine = analyses.index(analysis)
    later_installs = [
        a for k, a in enumerate(analyses) if a.model is model and _runs_after(a, analysis, chain, [k, mine])
    ]
    for target in analysis.local_installs:
        if target.editable or target.found.presence is not Presence.PRESENT:
            continue
        local = _project_at(model, target.found.context_path)
        if local is None:
            continue
        reinstalled = any(_reinstalls(a, target.image_path) for a in later_installs)
        view = _AtRun(local.root, analysis, target.image_path)
        at_run = read_local_project(local.root, view)
        for package, rel in local.package_roots:
            if rel in ("", ".") or at_run is None:
                continue
            source = posixpath.join(target.image_path, rel)
            if view.presence(rel) is not Presence.ABSENT:
                continue
            later = model.fs.locate(chain[0], source)
            if later.presence is not Presence.PRESENT or later.op is None:
                continue
            known, refusal = _outcome(at_run, view, package)
            if known and (refusal is not None or not reinstalled):  # a refused build fails whatever follows
                yield PackageCopiedLater(
                    analysis, target.image_path, package, source, later.op.inst.span, local.scripts, refusal
                )


class _AtRun(Tree):
    """The project folder as the RUN sees it in the image: the context folder, less what is not there yet."""

    def __init__(self, root: Path, analysis: InstallAnalysis, image_dir: str) -> None:
        super().__init__(root)
        self.analysis = analysis
        self.image_dir = image_dir

    def presence(self, rel: str) -> Presence:
        """Whether the image holds `rel` (relative to the project folder) when the RUN runs."""
        analysis = self.analysis
        path = posixpath.normpath(posixpath.join(self.image_dir, rel))
        return lookup_at_run(analysis.model, analysis.stage, analysis.install.run, path).presence

    def is_file(self, rel: str) -> bool:
        return super().is_file(rel) and self.presence(rel) is not Presence.ABSENT

    def is_dir(self, rel: str) -> bool:
        return super().is_dir(rel) and self.presence(rel) is not Presence.ABSENT

    def list_dir(self, rel: str) -> list[str]:
        return [e for e in super().list_dir(rel) if self.presence(posixpath.join(rel, e)) is not Presence.ABSENT]

    def read_text(self, rel: str) -> str | None:
        return super().read_text(rel) if self.presence(rel) is not Presence.ABSENT else None


def _outcome(at_run: LocalProject, view: _AtRun, package: str) -> tuple[bool, str | None]:
    """(known, refusal): what the backend does without the package. The refusal is its error (the
    build fails), None when setuptools builds a wheel without it; `known` is False when the model
    cannot tell."""
    if at_run.build_errors:
        return True, at_run.build_errors[0]
    if at_run.backend_kind is not BackendKind.SETUPTOOLS:
        return False, None
    base = (at_run.setuptools_base or "").strip("/")
    listed = dict(at_run.package_roots).get(package)
    if view.image_dir in BASE_DIRS and not base and listed is None:
        # automatic discovery in a folder the base image fills: `/` holds etc, home, usr, var...
        if view.image_dir != "/":
            return False, None
        return True, "Multiple top-level packages discovered in a flat-layout (the image's own etc, home, usr, var...)"
    if base not in ("", ".") and view.presence(base) is Presence.ABSENT:
        return True, f"error in 'egg_base' option: '{base}' does not exist or is not a directory"
    if listed is not None:  # named explicitly (`packages = [...]`): setuptools looks for its folder
        return True, f"package directory '{listed}' does not exist"
    return True, None


def _editable_projects(analysis: InstallAnalysis) -> list[tuple[str, str | None]]:
    """(project folder in the image, its context path) of each project installed in editable mode."""
    install = analysis.install
    if install.tool in ("pip", "uv pip"):
        return [
            (t.image_path, t.found.context_path)
            for t in analysis.local_installs
            if t.editable and t.found.presence is Presence.PRESENT
        ]
    if install.tool not in ("uv sync", "poetry install") or install.flag("--project", "--directory", "-C"):
        return []
    found = lookup_at_run(analysis.model, analysis.stage, install.run, posixpath.join(install.cwd, "pyproject.toml"))
    if found.presence is not Presence.PRESENT or found.context_path is None:
        return []
    return [(install.cwd, posixpath.dirname(found.context_path) or ".")]


def _installs_root_editable(analysis: InstallAnalysis, local: LocalProject) -> bool:
    """Whether the install puts the project itself in editable mode (uv sync, poetry install)."""
    install = analysis.install
    env = install.env
    if install.tool == "uv sync":
        if install.flag("--no-editable", "--no-install-project", "--no-install-workspace", "--only-group"):
            return False
        if (env.get("UV_NO_EDITABLE") or "").lower() in _TRUE or local.workspace_members:
            return False
        return local.uv_package is True or (local.uv_package is None and local.build_backend is not None)
    if install.tool == "poetry install":
        return not install.flag("--no-root", "--no-directory") and local.build_backend is not None
    return True


def _environment(analysis: InstallAnalysis, project_dir: str) -> str | None:
    """The virtual environment or prefix an install writes to, when the model can tell."""
    install = analysis.install
    env = install.env
    virtual_env = env.get("VIRTUAL_ENV")
    if install.tool == "uv sync":
        if install.flag("--active"):
            return virtual_env
        target = env.get("UV_PROJECT_ENVIRONMENT") if "UV_PROJECT_ENVIRONMENT" in env else ".venv"
        return None if target is None else posixpath.normpath(posixpath.join(project_dir, target))
    if install.tool == "poetry install":
        if virtual_env:
            return virtual_env
        if (env.get("POETRY_VIRTUALENVS_IN_PROJECT") or "").lower() in _TRUE:
            return posixpath.join(project_dir, ".venv")
        return None
    prefix = install.values("--prefix")
    if prefix:
        return prefix[-1] if prefix[-1].startswith("/") else None
    if install.flag("--target", "-t", "--root", "--user", "--system"):
        return None
    python = install.values("--python", "-p") if install.tool == "uv pip" else []
    program = python[-1] if python else install.program
    if "/" in program:
        folder = posixpath.dirname(posixpath.normpath(program))
        return posixpath.dirname(folder) if folder.endswith("/bin") and folder not in _SYSTEM_BIN else None
    if install.tool == "uv pip":
        return virtual_env
    return _venv_on_path(analysis, env)


def _venv_on_path(analysis: InstallAnalysis, env: dict[str, str | None]) -> str | None:
    """The virtual environment whose `bin` comes first on PATH, when a RUN created it."""
    path = env.get("PATH")
    if not path:
        return None
    made = _venvs_made(analysis)
    for folder in path.split(":"):
        folder = posixpath.normpath(folder) if folder else folder
        if folder in _SYSTEM_BIN:
            return None
        if folder.endswith("/bin") and posixpath.dirname(folder) in made:
            return posixpath.dirname(folder)
    return None


def _venvs_made(analysis: InstallAnalysis) -> set[str]:
    """Folders that `python -m venv X`, `virtualenv X` or `uv venv X` create before the install."""
    from preflight.model.image.installs import shell_commands

    model = analysis.model
    if model.image is None:
        return set()
    made: set[str] = set()
    for stage in model.image.chain(analysis.stage):
        for run in stage.runs:
            if stage is analysis.stage and run.index >= analysis.install.run.index:
                continue
            for words in shell_commands(run.command) or []:
                folder = _venv_folder(words)
                if folder is not None:
                    made.add(posixpath.normpath(posixpath.join(run.workdir, folder)))
    return made


def _venv_folder(words: list[str]) -> str | None:
    rest: list[str] | None = None
    if posixpath.basename(words[0]).startswith("python") and tuple(words[1:3]) in _VENV_MAKERS:
        rest = words[3:]
    elif posixpath.basename(words[0]) == "virtualenv":
        rest = words[1:]
    elif posixpath.basename(words[0]) == "uv" and words[1:2] == ["venv"]:
        rest = words[2:]
    if rest is None:
        return None
    positional = [w for w in rest if not w.startswith("-")]
    if len(positional) != 1 or "$" in positional[0]:
        return None
    return positional[0]


def _left_behind(analysis: InstallAnalysis, analyses: list[InstallAnalysis]) -> Iterator[EditableLeftBehind]:
    model = analysis.model
    chain = _chain(model)
    if model.fs is None or model.image is None or not chain or _in(analysis.stage, chain):
        return
    for project_dir, context_path in _editable_projects(analysis):
        local = _project_at(model, context_path)
        if local is None or not _installs_root_editable(analysis, local):
            continue
        environment = _environment(analysis, project_dir)
        if environment is None:
            continue
        copy = _carrier(model, chain, analysis.stage, environment)
        if copy is None or _final_installs(model, chain, analyses):
            continue
        for package, rel in local.package_roots:
            source = posixpath.normpath(posixpath.join(project_dir, rel))
            at_install = lookup_at_run(model, analysis.stage, analysis.install.run, source)
            if at_install.presence is not Presence.PRESENT:
                continue
            if model.fs.locate(chain[0], source).presence is Presence.ABSENT:
                yield EditableLeftBehind(analysis, environment, copy, package, source, local.scripts)


def _carrier(model: ImageModel, chain: list[Stage], stage: Stage, environment: str) -> CopyOp | None:
    """The COPY of the final stage (or a stage it is built FROM) that copies `environment` from `stage`."""
    assert model.image is not None  # noqa: S101 - callers only pass evaluated images
    for link in chain:
        for op in link.copies:
            if op.from_stage is None or op.sources is None or op.dest is None:
                continue
            if not _in(stage, model.image.chain(model.image.stages[op.from_stage])):
                continue
            for source in op.sources:
                origin = posixpath.normpath(posixpath.join("/", source))
                if path_under(environment, origin) is not None and origin != "/":
                    return op
    return None


def _final_installs(model: ImageModel, chain: list[Stage], analyses: list[InstallAnalysis]) -> bool:
    """Whether the final stage (or a stage it is built FROM) runs an install that may bring the project."""
    return any(a.model is model and _in(a.stage, chain) and _reinstalls(a, None) for a in analyses)


def _in(stage: Stage, stages: list[Stage]) -> bool:
    return any(stage is other for other in stages)
