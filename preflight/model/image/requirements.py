"""Which requirement files and distributions each image installs, checked against its filesystem.

For every `pip install` of the stages an image builds: the `-r`/`-c` files must be in the image
at that step (COPY order matters; `RUN --mount=type=bind` sources count for that RUN), nested
includes are followed relative to the including file, and local paths (`-e ../lib`, `.`) are
resolved as pip does: from the command's working directory. What will make pip fail is recorded
as a typed `InstallProblem` (facts only: the rules of the requirements family word them).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from preflight.diagnostics import Span
from preflight.files import SourceText, SourceTree, read_small_text
from preflight.model.image.filesystem import Found, Presence
from preflight.model.image.installs import PipInstall, installs_in
from preflight.parse.gomatch import has_glob
from preflight.parse.requirements import IncludeKind, Requirement, RequirementsFile, parse_requirements

if TYPE_CHECKING:
    from collections.abc import Callable

    from preflight.model.image.build import ImageModel
    from preflight.model.image.stages import RunOp, Stage
    from preflight.parse.dockerignore import IgnorePattern

MAX_INCLUDE_DEPTH = 20


@dataclass(frozen=True, slots=True)
class ReqFile:
    """A requirements or constraints file an install reads, located in the image and on disk."""

    image_path: str
    rel: str
    parsed: RequirementsFile
    constraint: bool


@dataclass(frozen=True, slots=True)
class RequirementsFileMissing:
    """A `-r`/`-c` file an install reads is not in the image when pip runs."""

    span: Span
    """Where it is named: the RUN, or the `-r`/`-c` line of the file that includes it."""
    in_file: bool
    """`span` is in a requirements file (an include), not the RUN itself."""
    image_path: str
    constraint: bool
    excluded_by: IgnorePattern | None
    """The `.dockerignore` pattern that keeps it out of the build context, if that is why."""
    reason: str | None
    """The image model's account of the miss (`excluded by .dockerignore`), with `excluded_by`."""


@dataclass(frozen=True, slots=True)
class OutsideContextBeside:
    """Next to the requirements file that names it, the path is outside the build context."""

    repo_path: str
    context_rel: str


@dataclass(frozen=True, slots=True)
class InContextNotCopied:
    """The path is in the build context, but no COPY has put it in the image yet."""


@dataclass(frozen=True, slots=True)
class CopiedLater:
    """A COPY after the install puts it there."""

    at: Span


LocalTargetWhere: TypeAlias = OutsideContextBeside | InContextNotCopied | CopiedLater | None


@dataclass(frozen=True, slots=True)
class LocalTargetMissing:
    """A local path the install names (`-e ../lib`, `.`) is not in the image when pip runs."""

    span: Span
    """Where it is named: the RUN, or the requirement's line in a requirements file."""
    written: str
    """The requirement as written."""
    cwd: str
    """The directory pip resolves it from."""
    image_path: str
    """Where pip looks for it in the image."""
    where: LocalTargetWhere
    """What else is known of the path; None when nothing is."""
    requirement: tuple[str, Requirement] | None
    """(requirements file, requirement) when a requirements file names it."""

    @property
    def in_file(self) -> bool:
        """`span` is in a requirements file, not the RUN itself."""
        return self.requirement is not None


@dataclass(frozen=True, slots=True)
class NotAProject:
    """A local folder the install names has no pyproject.toml, setup.py or setup.cfg."""

    span: Span
    in_file: bool
    """`span` is in a requirements file, not the RUN itself."""
    written: str
    image_path: str


InstallProblem: TypeAlias = RequirementsFileMissing | LocalTargetMissing | NotAProject
"""Why an install will fail at build time."""


@dataclass(frozen=True, slots=True)
class LocalInstall:
    """A local path the install names, as pip resolves it, and how it installs it."""

    image_path: str
    found: Found
    editable: bool
    """`-e`/`--editable` (on the command line or in a requirements file)."""


@dataclass(slots=True)
class InstallAnalysis:
    """One install command of an image, resolved."""

    model: ImageModel
    stage: Stage
    install: PipInstall
    files: list[ReqFile] = field(default_factory=list)
    requirements: list[tuple[Requirement, ReqFile | None]] = field(default_factory=list)
    local_targets: list[tuple[str, Found]] = field(default_factory=list)
    local_installs: list[LocalInstall] = field(default_factory=list)
    """The same paths as `local_targets`, each with whether it is installed in editable mode."""
    globbed: list[str] = field(default_factory=list)
    """Wildcard targets (`/wheels/*.whl`): what they install is not judged."""
    remote: list[str] = field(default_factory=list)
    """Requirements files pip downloads (`-r https://...`): what they install is unknown."""
    problems: list[InstallProblem] = field(default_factory=list)
    editables: dict[str, bool] = field(default_factory=dict)
    """Image paths of the local targets installed in editable mode (`-e`), each with whether pip is
    given nothing else for it (False when its requirements line carries options of its own)."""

    @property
    def first_service(self) -> str | None:
        """The first service built from the image, if any."""
        return self.model.services[0].name if self.model.services else None


def lookup_at_run(model: ImageModel, stage: Stage, run: RunOp, path: str) -> Found:
    """A path as the RUN sees it: bind mounts first, then what COPY put there before it."""
    assert model.fs is not None  # noqa: S101 - callers only pass evaluated images
    for mount in run.mounts:
        if mount.from_stage is not None or mount.from_other or not mount.target:
            continue
        if path == mount.target or path.startswith(mount.target.rstrip("/") + "/"):
            rel = path[len(mount.target) :].lstrip("/")
            source = posixpath.normpath(posixpath.join(mount.source or ".", rel))
            present = model.fs.context.kind(source) is not None
            return Found(Presence.PRESENT if present else Presence.ABSENT, source, None, None, "bind mount")
    return model.fs.locate(stage, path, before=run.index)


def analyze_image(tree: SourceTree, model: ImageModel) -> list[InstallAnalysis]:
    """Every install of the stages the image builds, resolved against its filesystem."""
    if model.image is None or model.fs is None:
        return []
    analyses = []
    for stage in model.image.needed_stages():
        for run in stage.runs:
            for install in installs_in(run, _script_reader(model, stage, run)):
                analysis = InstallAnalysis(model, stage, install)
                _analyze(tree, analysis)
                analyses.append(analysis)
    return analyses


def is_url(reference: str) -> bool:
    """A requirements file or target that pip fetches (`https://...`, `file://` aside)."""
    return "://" in reference and not reference.startswith("file:")


def _script_reader(model: ImageModel, stage: Stage, run: RunOp) -> Callable[[str], str | None]:
    """Reads a script a RUN executes, from the build context, when it is in the image then."""

    def read(path: str) -> str | None:
        found = lookup_at_run(model, stage, run, path)
        if found.presence is not Presence.PRESENT or found.context_path is None or model.fs is None:
            return None
        return read_small_text(model.fs.context.root / found.context_path, 1_000_000)

    return read


def _analyze(tree: SourceTree, analysis: InstallAnalysis) -> None:
    install = analysis.install
    for name in install.requirement_files:
        if is_url(name):
            analysis.remote.append(name)
        elif "$" not in name:
            _read_file(tree, analysis, install.resolve(name), None, False, 0)
    for name in install.constraint_files:
        if "$" not in name and not is_url(name):
            _read_file(tree, analysis, install.resolve(name), None, True, 0)
    for number, target in enumerate((*install.editables, *install.targets)):
        if "$" in target:
            continue
        if has_glob(re.sub(r"\[[\w,.\s-]*\]$", "", target)):  # `.[prod]` names extras, not a pattern
            analysis.globbed.append(target)  # e.g. /wheels/*.whl: built by `pip wheel` in another stage
            continue
        path = _local_path(target)
        if path is not None:
            _check_local(tree, analysis, path, target, None)
            if number < len(install.editables):
                analysis.editables[install.resolve(path)] = True
        else:
            requirement = _spec_requirement(target, install.run)
            if requirement is not None:
                analysis.requirements.append((requirement, None))


def _local_path(target: str) -> str | None:
    """The path part of a command-line target that names a local directory or file."""
    bare = target.split("[", 1)[0]
    if target.startswith("file:"):
        bare = target.removeprefix("file://").removeprefix("file:")
    if (
        bare in (".", "..")
        or bare.startswith(("./", "../", "/"))
        or ("/" in bare and "://" not in bare and "@" not in bare)
    ):
        return bare
    return None


def _spec_requirement(target: str, run: RunOp) -> Requirement | None:
    """A requirement given on the command line (`pip install "fastapi>=0.110"`), placed at the RUN."""
    parsed = parse_requirements(target + "\n", "<command line>")
    if parsed.problems or not parsed.requirements:
        return None
    span = run.inst.span
    return dataclasses.replace(parsed.requirements[0], line=span.line, col=span.col, end_col=span.end_col, text=target)


def _read_file(
    tree: SourceTree,
    analysis: InstallAnalysis,
    image_path: str,
    via: tuple[ReqFile, int, int] | None,
    constraint: bool,
    depth: int,
) -> None:
    model, run = analysis.model, analysis.install.run
    if depth > MAX_INCLUDE_DEPTH or any(f.image_path == image_path for f in analysis.files):
        return
    found = lookup_at_run(model, analysis.stage, run, image_path)
    if found.presence is Presence.UNKNOWN:
        return
    if found.presence is Presence.ABSENT or found.context_path is None:
        span = run.inst.span if via is None else Span(via[0].rel, via[1], via[2])
        missing = RequirementsFileMissing(
            span, via is not None, image_path, constraint, found.excluded_by, found.reason
        )
        analysis.problems.append(missing)
        return
    assert model.fs is not None  # noqa: S101 - callers only pass evaluated images
    disk = model.fs.context.root / found.context_path
    source = tree.read_text(disk)
    if not isinstance(source, SourceText):
        return
    parsed = parse_requirements(source.text, source.path)
    req_file = ReqFile(image_path, source.path, parsed, constraint)
    analysis.files.append(req_file)
    for include in parsed.includes:
        if "$" in include.target:
            continue
        if is_url(include.target):
            analysis.remote.append(include.target)  # fetched by pip: what it installs is unknown
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(image_path), include.target))
        _read_file(
            tree,
            analysis,
            target,
            (req_file, include.line, include.col),
            constraint or include.kind is IncludeKind.CONSTRAINT,
            depth + 1,
        )
    for requirement in parsed.requirements:
        if requirement.local_path is not None and not constraint:
            _check_local(tree, analysis, requirement.local_path, requirement.text, (req_file, requirement))
            if requirement.editable:
                analysis.editables[analysis.install.resolve(requirement.local_path)] = not requirement.options
        else:
            analysis.requirements.append((requirement, req_file))


def _project_files_at_run(analysis: InstallAnalysis, image_path: str) -> Found | None:
    """A folder made by copying a project's files into it (`COPY pyproject.toml ./`): the folder
    of the first project file found, in the build context."""
    for name in ("pyproject.toml", "setup.py", "setup.cfg"):
        found = lookup_at_run(analysis.model, analysis.stage, analysis.install.run, posixpath.join(image_path, name))
        if found.presence is Presence.PRESENT and found.context_path is not None:
            folder = posixpath.dirname(found.context_path) or "."
            return Found(Presence.PRESENT, folder, found.op, None, f"the folder {name} was copied into")
    return None


def _check_local(
    tree: SourceTree,
    analysis: InstallAnalysis,
    path: str,
    written: str,
    origin: tuple[ReqFile, Requirement] | None,
) -> None:
    """A local project path: missing from the image when pip runs, or not a Python project."""
    model, install = analysis.model, analysis.install
    assert model.fs is not None  # noqa: S101 - callers only pass evaluated images
    image_path = install.resolve(path)
    found = lookup_at_run(model, analysis.stage, install.run, image_path)
    if found.presence is not Presence.PRESENT or found.context_path is None:
        found = _project_files_at_run(analysis, image_path) or found
    analysis.local_targets.append((image_path, found))
    editable = origin[1].editable if origin is not None else written in install.editables
    analysis.local_installs.append(LocalInstall(image_path, found, editable))
    span = (
        install.run.inst.span
        if origin is None
        else Span(origin[0].rel, origin[1].line, origin[1].col, origin[1].line, origin[1].end_col)
    )
    if found.presence is Presence.ABSENT:
        where: LocalTargetWhere = None
        if origin is not None:
            repo_dir = (tree.root / origin[0].rel).parent
            on_disk = Path(posixpath.normpath(str(repo_dir / path)))
            inside = on_disk == model.spec.context or model.spec.context in on_disk.parents
            if on_disk.exists():
                where = InContextNotCopied() if inside else OutsideContextBeside(tree.rel(on_disk), model.context_rel)
        later = model.fs.locate(analysis.stage, image_path)
        if later.presence is Presence.PRESENT and later.op is not None:
            where = CopiedLater(later.op.inst.span)
        requirement = None if origin is None else (origin[0].rel, origin[1])
        analysis.problems.append(LocalTargetMissing(span, written, install.cwd, image_path, where, requirement))
        return
    if found.presence is Presence.PRESENT and found.context_path is not None:
        project_dir = model.fs.context.root / found.context_path
        if project_dir.is_dir() and not any(
            (project_dir / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg")
        ):
            analysis.problems.append(NotAProject(span, origin is not None, written, image_path))
