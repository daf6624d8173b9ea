"""Evaluate a parsed Dockerfile statically into the image model (:mod:`preflight.model.image.stages`).

ARG/ENV substitution follows BuildKit (build args from compose override ARG defaults; an
unresolvable value is *unknown* and whatever depends on it is not judged).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from preflight.model.image.stages import BindMount, BuildSpec, Command, CopyOp, Env, Image, RunOp, Stage
from preflight.parse.dockerfile_lex import expand_word
from preflight.parse.dockerfile_words import (
    arg_parts,
    copy_heredocs,
    copy_parts,
    env_pairs,
    from_parts,
    parse_mount_flag,
)

if TYPE_CHECKING:
    from preflight.parse.dockerfile import Dockerfile, Instruction


# BuildKit's automatic platform args: their values depend on the builder
_PLATFORM_ARGS = (
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
)


def _join(workdir: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(workdir, path))
    return "/" + joined.lstrip("/") if joined != "/" else "/"


def _expand(word: str, env: Env, escape: str) -> str | None:
    return expand_word(word, env, escape)


def _exec_or_shell(inst: Instruction) -> Command:
    if inst.json_form:
        return Command(tuple(inst.args), False, inst.span)
    return Command((inst.raw_args,), True, inst.span)


def evaluate(dockerfile: Dockerfile, spec: BuildSpec) -> Image:
    """Evaluate every stage of a parsed Dockerfile with compose's build args."""
    image = Image(spec, dockerfile, [], None, {})
    esc = dockerfile.escape
    meta_args: Env = dict.fromkeys(_PLATFORM_ARGS)
    stage: Stage | None = None
    for inst in dockerfile.instructions:
        if inst.keyword == "FROM":
            stage = _start_stage(image, inst, meta_args, esc)
            image.stages.append(stage)
            continue
        if stage is None:
            if inst.keyword == "ARG":
                for name, default in arg_parts(inst, raw=True):
                    value = (
                        spec.args[name]
                        if name in spec.args
                        else (_expand(default, meta_args, esc) if default is not None else None)
                    )
                    meta_args[name] = value if (name in spec.args or default is not None) else _unset(spec)
                    image.global_args[name] = meta_args[name]
            continue
        _apply(image, stage, inst, meta_args, esc)
    image.final = _pick_final(image, spec.target)
    return image


def _unset(spec: BuildSpec) -> str | None:
    """An ARG with no default and no value: empty, unless nobody knows how the image is built."""
    return "" if spec.invoked and spec.args_known else None


def _start_stage(image: Image, inst: Instruction, meta_args: Env, esc: str) -> Stage:
    raw_base, name, _platform = from_parts(inst, raw=True)
    base = _expand(raw_base, meta_args, esc) if raw_base else None
    base_stage = None
    if base is not None:
        found = next((s for s in image.stages if s.name is not None and s.name == base.lower()), None)
        base_stage = found.index if found is not None else None
    stage = Stage(len(image.stages), name, inst, base, base_stage)
    stage.env = _base_env(base) if base_stage is None else {}
    if base_stage is not None:
        parent = image.stages[base_stage]
        stage.env = dict(parent.env)
        stage.env_spans = dict(parent.env_spans)
        stage.workdir = parent.workdir
        stage.workdir_span = parent.workdir_span
        stage.user = parent.user
        stage.cmd = parent.cmd
        stage.entrypoint = parent.entrypoint
        stage.healthcheck = parent.healthcheck
        stage.known_dirs = set(parent.known_dirs)
    return stage


DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _base_env(base: str | None) -> Env:
    """Environment a base image brings: known images from the knowledge tables; PATH always."""
    env: Env = {"PATH": DEFAULT_PATH}
    if base is None:
        return env
    from preflight.knowledge import image_info

    info = image_info(base)
    if info is not None:
        for name, value in info.default_env.items():
            env[name] = value if value else None
    return env


def _scope(stage: Stage) -> Env:
    """Variables visible to an instruction: ARGs, then ENV (ENV wins, as in BuildKit)."""
    return {**stage.args, **stage.env}


def _apply(image: Image, stage: Stage, inst: Instruction, meta_args: Env, esc: str) -> None:
    stage.instructions.append(inst)
    keyword = inst.keyword
    if keyword == "ARG":
        for name, default in arg_parts(inst, raw=True):
            if name in image.spec.args:
                stage.args[name] = image.spec.args[name]
            elif default is not None:
                stage.args[name] = _expand(default, _scope(stage), esc)
            elif name in meta_args:
                stage.args[name] = meta_args[name]
            else:
                stage.args[name] = _unset(image.spec)
    elif keyword == "ENV":
        scope = _scope(stage)
        for key, raw in env_pairs(inst, raw=True):
            stage.env[key] = _expand(raw, scope, esc)
            stage.env_spans[key] = inst.span
    elif keyword == "WORKDIR":
        value = _expand(inst.raw_args.strip(), _scope(stage), esc) if inst.args else None
        stage.workdir = _join(stage.workdir, value) if value is not None else "/?"
        stage.workdir_span = inst.span
        stage.known_dirs.add(stage.workdir)
    elif keyword == "USER":
        stage.user = _expand(inst.raw_args.strip(), _scope(stage), esc)
    elif keyword == "CMD":
        stage.cmd = _exec_or_shell(inst)
    elif keyword == "ENTRYPOINT":
        stage.entrypoint = _exec_or_shell(inst)
        stage.cmd = None  # ENTRYPOINT resets an inherited CMD
    elif keyword == "HEALTHCHECK":
        stage.healthcheck = inst
    elif keyword in ("COPY", "ADD"):
        stage.ops.append(_copy_op(image, stage, inst, esc))
    elif keyword == "RUN":
        stage.ops.append(_run_op(image, stage, inst, esc))


def _copy_op(image: Image, stage: Stage, inst: Instruction, esc: str) -> CopyOp:
    scope = _scope(stage)
    raw_sources, raw_dest = copy_parts(inst, raw=True)
    sources: tuple[str, ...] | None = tuple(
        s for s in (_expand(src, scope, esc) for src in raw_sources) if s is not None
    )
    if sources is not None and len(sources) != len(raw_sources):
        sources = None
    dest_value = _expand(raw_dest, scope, esc) if raw_dest else None
    dest = None
    if dest_value is not None and not stage.workdir.startswith("/?"):
        dest = _join(stage.workdir, dest_value) if not dest_value.startswith("/") else _join("/", dest_value)
    elif dest_value is not None and dest_value.startswith("/"):
        dest = _join("/", dest_value)
    heredocs = copy_heredocs(inst)
    is_dir = (
        bool(dest_value and (dest_value.endswith(("/", "/.")) or dest_value == "."))
        or len(raw_sources) + len(heredocs) > 1
        or (dest is not None and dest in stage.known_dirs)
    )
    if dest is not None and is_dir:
        stage.known_dirs.add(dest)
    from_flag = inst.flag("from")
    from_stage = from_image = from_context = None
    if from_flag is not None and from_flag.value:
        ref = _expand(from_flag.value, scope, esc) or from_flag.value
        found = image.stage_by_ref(ref, stage.index)
        if found is not None:
            from_stage = found.index
        elif ref in image.spec.additional_contexts:
            from_context = ref
        else:
            from_image = ref
    excludes = tuple(f.value for f in inst.flags_named("exclude") if f.value)
    parents = inst.flag("parents") is not None and (inst.flag("parents").value or "true") != "false"  # type: ignore[union-attr]
    remote = inst.keyword == "ADD" and any(
        s.startswith(("http://", "https://", "git@")) or s.endswith(".git") for s in (sources or raw_sources)
    )
    return CopyOp(
        inst,
        len(stage.ops),
        sources,
        dest,
        is_dir,
        from_stage,
        from_image,
        from_context,
        parents,
        excludes,
        bool(heredocs),
        remote,
    )


def _run_op(image: Image, stage: Stage, inst: Instruction, esc: str) -> RunOp:
    mounts = []
    for flag in inst.flags_named("mount"):
        try:
            options = parse_mount_flag(flag.value or "")
        except ValueError:
            continue
        if options.get("type", "bind") != "bind":
            continue
        source = options.get("source", "")
        target = options.get("target", "")
        from_ref = options.get("from")
        from_stage = None
        from_other = False
        if from_ref:
            found = image.stage_by_ref(from_ref, stage.index)
            from_stage = found.index if found is not None else None
            from_other = found is None
        mounts.append(BindMount(source, _join(stage.workdir, target) if target else "", from_stage, from_other))
    if inst.json_form:
        command = " ".join(inst.args)
    elif inst.heredocs and inst.raw_args.strip().startswith("<<"):
        command = "\n".join(h.content for h in inst.heredocs)
    else:
        command = inst.raw_args
    return RunOp(
        inst, len(stage.ops), command, stage.workdir, tuple(_scope(stage).items()), tuple(mounts), not inst.json_form
    )


def _pick_final(image: Image, target: str | None) -> Stage | None:
    if not image.stages:
        return None
    if target:
        return next((s for s in image.stages if s.name == target.lower()), None)
    return image.stages[-1]
