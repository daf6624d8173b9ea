"""`$$NAME` in an exec-form `command`/`entrypoint`: compose leaves `$NAME`, and nothing expands it.

Compose turns `$$` into `$` when it reads the file. A list (exec form) is started without a
shell, so the program receives the text `$NAME` itself. Only lists whose every word before the
`$$` is a program known not to expand variables are judged: a shell, an interpreter of
`$`-variables (perl, awk, envsubst...), a script, or an image ENTRYPOINT that cannot be known
make the result unknown.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.runtime.command.entrypoint import ArgSource, Argv, effective_argv
from preflight.model.runtime.environment import RuntimeEnv, runtime_env
from preflight.parse.image_ref import parse_image_ref
from preflight.parse.yaml import YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.diagnostics import Span
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.image.stages import Command, Stage
    from preflight.model.project import Project

_NAME = r"[_a-zA-Z][_a-zA-Z0-9]*"
_ESCAPED = re.compile(rf"\$\$(?:\{{(?P<braced>{_NAME})\}}|(?P<named>{_NAME}))")

EXPANDING_PROGRAMS = frozenset(
    {
        "sh",
        "bash",
        "ash",
        "dash",
        "zsh",
        "ksh",
        "mksh",
        "fish",
        "busybox",
        "su",
        "sudo",
        "runuser",
        "eval",
        "envsubst",
        "perl",
        "awk",
        "gawk",
        "mawk",
        "nawk",
        "php",
        "make",
        "sed",
        "grep",
        "egrep",
        "jq",
        "watch",
        "xargs",
        "parallel",
        "nohup",
        "ssh",
        "docker",
        "kubectl",
    }
)
"""Programs that run a shell on their arguments, or give `$NAME` a meaning of their own."""

_BIN_DIRS = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"})

NO_ENTRYPOINT_BASES = frozenset({"python", "debian", "ubuntu", "alpine", "scratch", "busybox"})
"""Official images whose Dockerfile sets no ENTRYPOINT: the command is the program."""


EXECS_ARGS_IMAGES = frozenset({"redis"})
"""Official images (6.x and 7.x tags) whose ENTRYPOINT script passes the command on as it is."""


@dataclass(frozen=True, slots=True)
class LiteralDollar:
    """A `$$NAME` in an exec-form list that reaches a program as the literal text `$NAME`."""

    service: Service
    attr: str
    """``command`` or ``entrypoint``."""
    name: str
    span: Span
    program: str
    """The program that receives it (as written)."""
    container_set_at: Span | None
    """Where the container's environment sets ``name`` (None: Docker or the base image)."""
    compose_has: bool
    """Compose's own interpolation environment (`.env`) sets ``name`` too."""
    received: str = ""
    """The text the program receives (``$NAME`` or ``${NAME}``, as written after the ``$$``)."""


def literal_dollars(project: Project) -> Iterator[LiteralDollar]:
    """Every escaped variable in an exec-form list whose program does not expand it."""
    for compose, service in project.services():
        escaped = list(_escaped_items(service))
        if not escaped:
            continue
        argv = _argv(project, service)
        if argv is None:
            continue
        env: RuntimeEnv | None = None
        for attr, index, item, match in escaped:
            position = _position(argv, attr, index)
            if not position or not _plain_programs(argv.args[:position]):
                continue
            name = match.group("braced") or match.group("named")
            if env is None:
                env = _env(project, compose, service)
            var = env.vars.get(name)
            if var is None:
                continue  # nothing sets it: a literal `$` may be meant
            yield LiteralDollar(
                service,
                attr,
                name,
                _match_span(item, match),
                _program(argv, position),
                var.span,
                compose.env.lookup(name) is not None,
                "${" + name + "}" if match.group("braced") else "$" + name,
            )


def _escaped_items(service: Service) -> Iterator[tuple[str, int, YScalar, re.Match[str]]]:
    for attr in ("entrypoint", "command"):
        node = service.get(attr)
        if not isinstance(node, YSeq):
            continue
        for index, item in enumerate(node.items):
            if not isinstance(item, YScalar) or item.raw is None or item.unknown:
                continue
            for match in _ESCAPED.finditer(item.raw):
                if _is_escape(item.raw, match.start()):
                    yield attr, index, item, match


def _is_escape(raw: str, start: int) -> bool:
    """Whether the `$$` at ``start`` is an escape, not the second half of an earlier `$$`."""
    before = len(raw[:start]) - len(raw[:start].rstrip("$"))
    return before % 2 == 0


def _argv(project: Project, service: Service) -> Argv | None:
    compose_entry = _compose_list(service, "entrypoint")
    compose_command = _compose_list(service, "command")
    if service.get("entrypoint") is not None and compose_entry is None:
        return None  # a string or unknown entrypoint: not judged here
    if compose_entry is not None:
        return effective_argv(None, None, compose_entry, compose_command)
    if project.image_of(service) is None and _entrypoint_execs_args(service):
        return effective_argv(None, None, None, compose_command)
    stage = _final_stage(project, service)
    if stage is None:
        return None  # the image's ENTRYPOINT is unknown: it may run a shell over the command
    return effective_argv(_argv_of(stage.entrypoint), _argv_of(stage.cmd), None, compose_command)


def _entrypoint_execs_args(service: Service) -> bool:
    """Whether the service's `image:` has an entrypoint that runs its arguments unchanged (no
    shell over them): the official redis 6.x/7.x `docker-entrypoint.sh` ends in `exec "$@"`."""
    image = service.scalar("image")
    if service.get("build") is not None or image is None or image.unknown:
        return False
    ref = parse_image_ref(image.text())
    tag = ref.effective_tag if ref is not None else None
    if ref is None or ref.name not in EXECS_ARGS_IMAGES or tag is None:
        return False
    return tag in ("6", "7") or tag.startswith(("6.", "7.", "6-", "7-"))


def _compose_list(service: Service, attr: str) -> Argv | None:
    node = service.get(attr)
    if not isinstance(node, YSeq):
        return None
    items = [i for i in node.items if isinstance(i, YScalar)]
    if len(items) != len(node.items) or any(i.unknown for i in items):
        return None
    return Argv(tuple(i.text() for i in items))


def _argv_of(command: Command | None) -> Argv | None:
    return None if command is None else Argv(command.args, shell_form=command.shell_form)


def _final_stage(project: Project, service: Service) -> Stage | None:
    """The final stage of the service's image when its ENTRYPOINT is known (set in the
    Dockerfile, or none in a base image known to have none)."""
    model = project.image_of(service)
    if model is None or model.image is None or model.image.final is None:
        return None
    stage = model.image.final
    if stage.entrypoint is not None:
        return stage
    root = model.image.chain(stage)[-1]
    if root.base is None:
        return None
    if root.base == "scratch":
        return stage
    ref = parse_image_ref(root.base)
    return stage if ref is not None and ref.name in NO_ENTRYPOINT_BASES else None


def _position(argv: Argv, attr: str, index: int) -> int | None:
    source = ArgSource.COMPOSE_ENTRYPOINT if attr == "entrypoint" else ArgSource.COMPOSE_COMMAND
    for position, origin in enumerate(argv.origins):
        if origin.source is source and origin.index == index:
            return position
    return None


def _program(argv: Argv, position: int) -> str:
    """The first word of the setting (compose command or entrypoint) the argument is in."""
    source = argv.origins[position].source
    return next(a for a, o in zip(argv.args, argv.origins, strict=True) if o.source is source)


def _plain_programs(words: tuple[str, ...]) -> bool:
    """Whether no word up to the argument runs a shell or expands `$NAME` itself."""
    if not words or "$" in words[0]:
        return False
    for word in words:
        base = posixpath.basename(word)
        if base in EXPANDING_PROGRAMS or base.endswith((".sh", ".bash")):
            return False
        if "/" in word and posixpath.dirname(word) not in _BIN_DIRS:
            return False  # a script of the image: it may eval its arguments
    return True


def _env(project: Project, compose: ComposeProject, service: Service) -> RuntimeEnv:
    model = project.image_of(service)
    stage = model.image.final if model is not None and model.image is not None else None
    return runtime_env(project, compose, service, stage)


def _match_span(item: YScalar, match: re.Match[str]) -> Span:
    from preflight.diagnostics import Span
    from preflight.model.compose.yamlpath import block_span

    s = item.span
    raw = item.raw or ""
    if item.lines:
        return block_span(s.path, item.lines, match.start(), match.end())
    if not item.single_line or s.line != s.end_line:
        return s
    offset = s.col + (1 if s.end_col - s.col >= len(raw) + 2 else 0)
    return Span(s.path, s.line, offset + match.start(), s.line, offset + match.end())
