"""`preflight image`: a readable account of one image model (names only, never env values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.image.stages import Command, CopyOp, RunOp, Stage
from preflight.parse.dockerfile_words import copy_parts, from_parts
from preflight.report.shown import MASK, Shown, references_only

if TYPE_CHECKING:
    from preflight.model.image.build import ImageModel
    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.runtime.container import ServiceRuntime


def _command(command: Command | None) -> str:
    if command is None:
        return "(from the base image)"
    if command.shell_form:
        return f"/bin/sh -c {command.args[0]!r}"
    return "[" + ", ".join(repr(a) for a in command.args) + "]"


def _copy_line(op: CopyOp, stages: list[Stage], workdir: _Workdirs) -> str:
    raw_sources, raw_dest = copy_parts(op.inst, raw=True)
    sources = str(Shown.of(", ".join(raw_sources), ", ".join(op.sources) if op.sources is not None else "(unknown)"))
    origin = "context"
    if op.from_stage is not None:
        origin = f"stage {stages[op.from_stage].name or op.from_stage}"
    elif op.from_image:
        origin = f"image {op.from_image}"
    elif op.from_context:
        origin = f"context {op.from_context}"
    elif op.heredoc:
        origin = "heredoc"
    dest = str(Shown.of(raw_dest, workdir.show(op.dest) if op.dest else "(unknown)"))
    return f"{op.inst.keyword} {sources} ({origin}) -> {dest}{'/' if op.dest_is_dir and not dest.endswith('/') else ''}"


def render_image(model: ImageModel, installs: list[InstallAnalysis], extra: list[str] | None = None) -> str:
    """Describe the image: context, stages, copies, installs, final settings."""
    lines = [f"image of {model.name}"]
    lines.append(f"  Dockerfile: {model.dockerfile_rel}")
    lines.append(
        f"  context: {model.context_rel}"
        + (f" (.dockerignore: {model.dockerignore_rel})" if model.dockerignore_rel else "")
    )
    image = model.image
    if image is None:
        lines.append("  (the Dockerfile could not be evaluated)")
        return "\n".join(lines) + "\n"
    if model.spec.args:
        lines.append("  build args: " + ", ".join(sorted(model.spec.args)))
    if model.spec.target:
        lines.append(f"  target: {model.spec.target}")
    needed = {s.index for s in image.needed_stages()}
    workdir = _Workdirs.of(image.stages)
    for stage in image.stages:
        marker = " (final)" if stage is image.final else ("" if stage.index in needed else " (not built)")
        base = str(Shown.of(from_parts(stage.from_inst, raw=True)[0], stage.base or "(unknown)"))
        lines.append(
            f"  stage {stage.index}{' ' + stage.name if stage.name else ''}{marker}: FROM {base}"
            f"  [{stage.from_inst.span.path}:{stage.from_inst.span.line}]"
        )
        for op in stage.ops:
            where = f"  [line {op.inst.span.line}]"
            if isinstance(op, CopyOp):
                lines.append(f"    {_copy_line(op, image.stages, workdir)}{where}")
            elif isinstance(op, RunOp):
                text = " ".join(op.command.split())
                cwd = workdir.show(op.workdir)
                lines.append(f"    RUN {text[:100]}{'...' if len(text) > 100 else ''}  (in {cwd}){where}")
    final = image.final
    if final is not None:
        from preflight.knowledge import python_version_of

        lines.append("  final image:")
        base = str(Shown.of(from_parts(final.from_inst, raw=True)[0], final.base or "(unknown)"))
        lines.append(
            f"    base: {base}"
            + (f" (Python {python_version_of(final.base)})" if final.base and python_version_of(final.base) else "")
        )
        lines.append(f"    workdir: {workdir.show(final.workdir)}")
        user = next((i.raw_args.strip() for i in reversed(final.instructions) if i.keyword == "USER"), "")
        lines.append(f"    user: {Shown.of(user, final.user) if final.user else '(root)'}")
        lines.append(f"    entrypoint: {_command(final.entrypoint)}")
        lines.append(f"    cmd: {_command(final.cmd)}")
        lines.append("    env: " + (", ".join(sorted(final.env)) or "(none)"))
    if installs:
        lines.append("  installs:")
        for analysis in installs:
            install = analysis.install
            lines.append(f"    {install.tool} (line {install.run.inst.span.line}, in {workdir.show(install.cwd)}):")
            for req_file in analysis.files:
                kind = "constraints" if req_file.constraint else "requirements"
                count = len(req_file.parsed.requirements)
                shown = workdir.show(req_file.image_path)
                lines.append(f"      {kind} {shown} <- {req_file.rel} ({count} requirements)")
            for path, found in analysis.local_targets:
                lines.append(
                    f"      local project {workdir.show(path)}: {found.presence.value}"
                    + (f" <- {found.context_path}" if found.context_path else "")
                )
    for line in extra or []:
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class _Workdirs:
    """Shows image paths under a WORKDIR that a substitution produced as that WORKDIR's references."""

    substituted: tuple[tuple[str, str], ...]
    """(evaluated WORKDIR, its references) for each WORKDIR written with a variable."""

    @classmethod
    def of(cls, stages: list[Stage]) -> _Workdirs:
        found: list[tuple[str, str]] = []
        for stage in stages:
            for inst in stage.instructions:
                if inst.keyword == "WORKDIR" and "$" in inst.raw_args:
                    found.append((stage.workdir, references_only(inst.raw_args.strip())))
        return cls(tuple(found))

    def show(self, path: str) -> str:
        """``path``, its substituted WORKDIR prefix (if any) shown by its references."""
        if not self.substituted:
            return path
        for value, refs in self.substituted:
            if path == value or path.startswith(value.rstrip("/") + "/"):
                return refs + path[len(value) :]
        return MASK if any(path in v for v, _ in self.substituted) else path


def _written(runtime: ServiceRuntime, attr: str) -> str | None:
    """A compose command/entrypoint as written, variables as names (their values never shown)."""
    from preflight.parse.yaml import YScalar, YSeq

    node = runtime.service.get(attr)
    if isinstance(node, YSeq):
        words = ", ".join(repr(references_only(i.as_written())) for i in node.items if isinstance(i, YScalar))
        return f"[{words}] (compose)"
    if isinstance(node, YScalar) and node.value is not None:
        return f"{references_only(node.as_written())!r} (compose)"
    return None


def runtime_lines(runtime: ServiceRuntime) -> list[str]:
    """What the container of one service runs: command, entry points, sys.path, environment names."""
    from preflight.parse.yaml import YScalar

    lines = [f"  container of service {runtime.service.name}:"]
    final = runtime.stage
    for attr, image_value in (("entrypoint", final.entrypoint), ("command", final.cmd)):
        lines.append(f"    {attr}: {_written(runtime, attr) or _command(image_value)}")
    workdir_node = runtime.service.get("working_dir")
    image = runtime.model.image
    paths = _Workdirs.of(image.stages) if image is not None else _Workdirs(())
    if isinstance(workdir_node, YScalar) and "$" in workdir_node.as_written():
        own = (runtime.workdir, references_only(workdir_node.as_written()))
        paths = _Workdirs((own, *paths.substituted))
    lines.append(f"    working dir: {runtime.show(paths.show(runtime.workdir))}")
    lines.append(f"    python: {runtime.python or '(unknown)'}")
    for entry in runtime.entries:
        target = entry.path or ":".join(p for p in (entry.module, entry.attribute) if p) or "(discovered)"
        shown = runtime.show(f"{target} (via {entry.launcher}, {entry.role.value})")
        lines.append(f"    entry point: {entry.kind.value} {shown}")
    if runtime.analysis is not None:
        for reason in runtime.analysis.unknown:
            lines.append(f"    not understood: {runtime.show(reason)}")
    if runtime.guessed:
        lines.append("    (no entry point known: imports and environment reads are not checked)")
    sys_path = ", ".join(runtime.show(paths.show(p)) for p in runtime.sys_path)
    lines.append(f"    sys.path: {sys_path or '(none)'}, site-packages")
    provided = runtime.provided
    dists = ", ".join(sorted(provided.distributions)) or "(none)"
    lines.append(
        f"    site-packages: {dists}" + (" (and more: an install could not be understood)" if provided.unknown else "")
    )
    lines.append(f"    modules reached: {len(runtime.reached)}")
    names = sorted(runtime.env.vars)
    origins = {n: runtime.env.vars[n].origin.value for n in names}
    lines.append("    environment (names only):")
    for name in names:
        lines.append(f"      {name}  ({origins[name]})")
    if not runtime.env.complete:
        lines.append("      (the base image may set more)")
    return lines
