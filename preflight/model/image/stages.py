"""The image model: what each stage of a Dockerfile does (evaluated by `preflight.model.image.evaluation`).

Files are never copied: a COPY is kept as a mapping from image paths to context paths, queried
lazily by `preflight.model.image.filesystem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.diagnostics import Span
    from preflight.parse.dockerfile import Dockerfile, Instruction

Env = dict[str, str | None]
"""Variables during a build: None marks a value that cannot be known statically."""


@dataclass(frozen=True, slots=True)
class CopyOp:
    """A COPY or ADD, with its sources and destination after substitution."""

    inst: Instruction
    index: int
    sources: tuple[str, ...] | None
    """Source paths as written after substitution (None when one is unknown)."""
    dest: str | None
    """Absolute destination in the image (None when unknown)."""
    dest_is_dir: bool
    from_stage: int | None = None
    from_image: str | None = None
    from_context: str | None = None
    parents: bool = False
    excludes: tuple[str, ...] = ()
    heredoc: bool = False
    remote: bool = False


@dataclass(frozen=True, slots=True)
class BindMount:
    """A `RUN --mount=type=bind` source visible during one RUN only."""

    source: str
    target: str
    from_stage: int | None
    from_other: bool


@dataclass(frozen=True, slots=True)
class RunOp:
    """A RUN instruction and the state it runs in."""

    inst: Instruction
    index: int
    command: str
    workdir: str
    env: tuple[tuple[str, str | None], ...]
    mounts: tuple[BindMount, ...]
    shell_form: bool


@dataclass(frozen=True, slots=True)
class Command:
    """CMD / ENTRYPOINT: exec form (args) or shell form (one string in args)."""

    args: tuple[str, ...]
    shell_form: bool
    span: Span


# folders every Linux base image has: `COPY requirements.txt /tmp` copies into /tmp
BASE_DIRS = frozenset({
    "/", "/usr", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/src", "/usr/bin", "/usr/lib",
    "/usr/share", "/opt", "/root", "/home", "/etc", "/var", "/var/lib", "/srv", "/mnt", "/bin", "/sbin",
    "/lib", "/run",
    "/tmp", "/var/tmp",  # noqa: S108 - paths inside the image, not on this machine
})  # fmt: skip


@dataclass(slots=True)
class Stage:
    """One build stage, evaluated."""

    index: int
    name: str | None
    from_inst: Instruction
    base: str | None
    """The base image reference after substitution (None when unknown)."""
    base_stage: int | None
    ops: list[CopyOp | RunOp] = field(default_factory=list)
    env: Env = field(default_factory=dict)
    env_spans: dict[str, Span] = field(default_factory=dict)
    args: Env = field(default_factory=dict)
    workdir: str = "/"
    workdir_span: Span | None = None
    user: str | None = None
    cmd: Command | None = None
    entrypoint: Command | None = None
    healthcheck: Instruction | None = None
    instructions: list[Instruction] = field(default_factory=list)
    known_dirs: set[str] = field(default_factory=lambda: set(BASE_DIRS))
    """Image paths known to be directories (WORKDIRs, directory COPY destinations)."""

    @property
    def copies(self) -> list[CopyOp]:
        """The stage's COPY/ADD operations, in order."""
        return [op for op in self.ops if isinstance(op, CopyOp)]

    @property
    def runs(self) -> list[RunOp]:
        """The stage's RUN operations, in order."""
        return [op for op in self.ops if isinstance(op, RunOp)]


@dataclass(slots=True)
class BuildSpec:
    """What compose says about a build (or the defaults for a lone Dockerfile)."""

    context: Path
    dockerfile_path: Path | None
    dockerfile_text: str | None
    args: Env
    target: str | None
    additional_contexts: dict[str, str]
    span: Span
    service: str | None = None
    invoked: bool = True
    """False for a Dockerfile nobody is seen building: its context and build args are unknown."""
    args_known: bool = True
    """False when the build args the image is built with are not known (a script builds it)."""


@dataclass(slots=True)
class Image:
    """A built image: the Dockerfile's stages and the one compose ends up running."""

    spec: BuildSpec
    dockerfile: Dockerfile
    stages: list[Stage]
    final: Stage | None
    global_args: Env

    def stage_by_ref(self, ref: str, before: int) -> Stage | None:
        """A stage named `ref` (case-insensitive) or numbered `ref`, defined before `before`."""
        if ref.isdigit():
            index = int(ref)
            return self.stages[index] if index < before else None
        return next((s for s in self.stages[:before] if s.name == ref.lower()), None)

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it is built FROM, nearest first."""
        result = [stage]
        while result[-1].base_stage is not None and len(result) <= len(self.stages):
            result.append(self.stages[result[-1].base_stage])
        return result

    def needed_stages(self) -> list[Stage]:
        """Stages the final stage depends on (BuildKit builds only those)."""
        if self.final is None:
            return []
        needed: dict[int, Stage] = {}
        todo = [self.final]
        while todo:
            stage = todo.pop()
            if stage.index in needed:
                continue
            needed[stage.index] = stage
            if stage.base_stage is not None:
                todo.append(self.stages[stage.base_stage])
            for op in stage.ops:
                deps = [op.from_stage] if isinstance(op, CopyOp) else [m.from_stage for m in op.mounts]
                todo.extend(self.stages[d] for d in deps if d is not None)
        return [needed[i] for i in sorted(needed)]
