"""`preflight image`: a readable account of one image model (names only, never env values)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.image import Command, CopyOp, RunOp, Stage

if TYPE_CHECKING:
    from preflight.model.image_requirements import InstallAnalysis
    from preflight.model.images import ImageModel
    from preflight.model.runtime import ServiceRuntime


def _command(command: Command | None) -> str:
    if command is None:
        return "(from the base image)"
    if command.shell_form:
        return f"/bin/sh -c {command.args[0]!r}"
    return "[" + ", ".join(repr(a) for a in command.args) + "]"


def _copy_line(op: CopyOp, stages: list[Stage]) -> str:
    sources = ", ".join(op.sources) if op.sources is not None else "(unknown)"
    origin = "context"
    if op.from_stage is not None:
        origin = f"stage {stages[op.from_stage].name or op.from_stage}"
    elif op.from_image:
        origin = f"image {op.from_image}"
    elif op.from_context:
        origin = f"context {op.from_context}"
    elif op.heredoc:
        origin = "heredoc"
    dest = op.dest or "(unknown)"
    return f"{op.inst.keyword} {sources} ({origin}) -> {dest}{'/' if op.dest_is_dir and dest != '/' else ''}"


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
    for stage in image.stages:
        marker = " (final)" if stage is image.final else ("" if stage.index in needed else " (not built)")
        base = stage.base or "(unknown)"
        lines.append(
            f"  stage {stage.index}{' ' + stage.name if stage.name else ''}{marker}: FROM {base}"
            f"  [{stage.from_inst.span.path}:{stage.from_inst.span.line}]"
        )
        for op in stage.ops:
            where = f"  [line {op.inst.span.line}]"
            if isinstance(op, CopyOp):
                lines.append(f"    {_copy_line(op, image.stages)}{where}")
            elif isinstance(op, RunOp):
                text = " ".join(op.command.split())
                lines.append(f"    RUN {text[:100]}{'...' if len(text) > 100 else ''}  (in {op.workdir}){where}")
    final = image.final
    if final is not None:
        from preflight.knowledge import python_version_of

        lines.append("  final image:")
        lines.append(
            f"    base: {final.base or '(unknown)'}"
            + (f" (Python {python_version_of(final.base)})" if final.base and python_version_of(final.base) else "")
        )
        lines.append(f"    workdir: {final.workdir}")
        lines.append(f"    user: {final.user or '(root)'}")
        lines.append(f"    entrypoint: {_command(final.entrypoint)}")
        lines.append(f"    cmd: {_command(final.cmd)}")
        lines.append("    env: " + (", ".join(sorted(final.env)) or "(none)"))
    if installs:
        lines.append("  installs:")
        for analysis in installs:
            install = analysis.install
            lines.append(f"    {install.tool} (line {install.run.inst.span.line}, in {install.cwd}):")
            for req_file in analysis.files:
                kind = "constraints" if req_file.constraint else "requirements"
                count = len(req_file.parsed.requirements)
                lines.append(f"      {kind} {req_file.image_path} <- {req_file.rel} ({count} requirements)")
            for path, found in analysis.local_targets:
                lines.append(
                    f"      local project {path}: {found.presence.value}"
                    + (f" <- {found.context_path}" if found.context_path else "")
                )
    for line in extra or []:
        lines.append(line)
    return "\n".join(lines) + "\n"


def _written(runtime: ServiceRuntime, attr: str) -> str | None:
    """A compose command/entrypoint as written (interpolated values are never shown)."""
    from preflight.parse.yaml import YScalar, YSeq

    node = runtime.service.get(attr)
    if isinstance(node, YSeq):
        return "[" + ", ".join(repr(i.as_written()) for i in node.items if isinstance(i, YScalar)) + "] (compose)"
    if isinstance(node, YScalar) and node.value is not None:
        return f"{node.as_written()!r} (compose)"
    return None


def runtime_lines(runtime: ServiceRuntime) -> list[str]:
    """What the container of one service runs: command, entry points, sys.path, environment names."""
    lines = [f"  container of service {runtime.service.name}:"]
    final = runtime.stage
    for attr, image_value in (("entrypoint", final.entrypoint), ("command", final.cmd)):
        lines.append(f"    {attr}: {_written(runtime, attr) or _command(image_value)}")
    lines.append(f"    working dir: {runtime.workdir}")
    lines.append(f"    python: {runtime.python or '(unknown)'}")
    for entry in runtime.entries:
        target = entry.path or ":".join(p for p in (entry.module, entry.attribute) if p) or "(discovered)"
        lines.append(f"    entry point: {entry.kind.value} {target} (via {entry.launcher}, {entry.role.value})")
    if runtime.analysis is not None:
        for reason in runtime.analysis.unknown:
            lines.append(f"    not understood: {reason}")
    if runtime.guessed:
        lines.append("    (no entry point known: imports and environment reads are not checked)")
    lines.append("    sys.path: " + (", ".join(runtime.sys_path) or "(none)") + ", site-packages")
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
