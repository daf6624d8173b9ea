"""Walk ``sh`` text statically: split it into simple commands and follow what each one changes.

Commands are found on ``&& || ; | &`` and newlines; ``if``/``case``/loops/functions are
understood structurally: conditions are not evaluated (every branch is walked, and the state
after the construct merges the branches, a value that differs between them becoming unknown),
except a ``case`` on a known word with known patterns, which takes only the matching clause.
The state is the shell's variables (exported or not), the working directory (``cd``), the
positional parameters (``"$@"``, ``$1``, ``shift``, ``set --``) and whether an
``exec``/``exit`` ended the script. Each program command is handed to a `Runner`.
"""

from __future__ import annotations

import enum
import fnmatch
import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from preflight.model.runtime.command.expand import ShellState, TextOrigin, expand, has_positional_refs, merge
from preflight.parse.shell.commands import Cmd, Mark, MarkKind, split_commands
from preflight.parse.shell.words import Lit, ShellSyntaxError, Subst, Word, lex_script

if TYPE_CHECKING:
    from preflight.model.runtime.command.vocabulary import Field

BUILTINS = frozenset({
    ".", ":", "[", "[[", "alias", "bg", "break", "cd", "command", "continue", "declare", "echo", "eval", "exec",
    "exit", "export", "false", "fg", "getopts", "hash", "jobs", "kill", "let", "local", "printf", "pushd", "popd",
    "pwd", "read", "readonly", "return", "set", "shift", "shopt", "source", "test", "times", "trap", "true", "type",
    "typeset", "ulimit", "umask", "unalias", "unset", "wait",
})  # fmt: skip
"""Shell builtins: commands the shell runs itself, which need no program in the image."""
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True, slots=True)
class CommandCtx:
    """How a command is run: what started it and whether it matters as the main process."""

    context: str
    main: bool
    conditional: bool
    via_shell: bool
    """Run by a shell (builtins work; a script without ``#!`` runs under sh)."""
    managed_by: str | None = None


class Runner(Protocol):
    """The part of the analysis that runs a program command (the dispatcher)."""

    def command(self, fields: list[Field], env: dict[str, str | None], workdir: str | None, ctx: CommandCtx) -> None:
        """Analyse one program invocation."""

    def source(self, path: str, state: ShellState, origin: TextOrigin, ctx: CommandCtx) -> ShellState:
        """Walk a file the shell reads with ``.``/``source``; returns the state after it."""

    def problem(self, message: str, origin: TextOrigin, offset: int) -> None:
        """Record a certain fault."""

    def unknown(self, reason: str) -> None:
        """Record what could not be understood."""


class _Match(enum.Enum):
    """Whether a ``case`` clause surely matched its subject yet."""

    NO = "no"
    YES = "yes"
    MAYBE = "maybe"


@dataclass(slots=True)
class _Frame:
    start: ShellState
    ends: list[ShellState] = field(default_factory=list)
    has_else: bool = False
    subject: str | None = None
    matched: _Match = field(default_factory=lambda: _Match.NO)
    in_clause: bool = False
    certain: bool = False
    """The current branch surely runs (a ``case`` clause matching a known word)."""


def walk(text: str, origin: TextOrigin, state: ShellState, runner: Runner, ctx: CommandCtx) -> ShellState:
    """Walk a script; commands are run with ``ctx`` (``main`` marks the script's last top-level
    command and every ``exec``). Returns the state after the script."""
    try:
        tokens = lex_script(text, origin.base)
    except ShellSyntaxError as exc:
        runner.problem(f"{origin.describe()}: sh cannot parse it ({exc})", origin, origin.base)
        return state
    parsed = split_commands(tokens)
    events = parsed.out
    state.functions = state.functions | parsed.functions
    last_top = max((k for k, e in enumerate(events) if isinstance(e, Cmd) and e.depth == 0), default=-1)
    frames: list[_Frame] = []
    for k, event in enumerate(events):
        if isinstance(event, Mark):
            state = _mark(event, frames, state, origin)
            continue
        if state.dead:
            continue
        conditional = ctx.conditional or any(not f.certain for f in frames) or event.connector == "||"
        main = ctx.main and (k == last_top or _is_exec(event.words))
        sub = replace(ctx, conditional=conditional, main=main, via_shell=True)
        if event.connector == "||":
            snapshot = state.copy()
            state = merge([_simple(event.words, state, origin, runner, sub), snapshot])
        else:
            state = _simple(event.words, state, origin, runner, sub)
    return state


def _is_exec(words: tuple[Word, ...]) -> bool:
    """Whether a simple command is ``[NAME=value...] exec cmd``."""
    k = 0
    while k < len(words) and _ASSIGN.match(words[k].raw) is not None:
        k += 1
    return k < len(words) and words[k].plain == "exec"


def _mark(event: Mark, frames: list[_Frame], state: ShellState, origin: TextOrigin) -> ShellState:
    if event.kind is MarkKind.OPEN:
        frames.append(_Frame(state.copy()))
        return state
    if not frames:
        return state
    frame = frames[-1]
    if event.kind is MarkKind.BRANCH:
        frame.start = state.copy()
    elif event.kind is MarkKind.SUBJECT:
        texts = [f.text for w in event.words for f in expand(w, state, origin, split=False)]
        frame.subject = texts[0] if len(texts) == 1 else None
        frame.matched = _Match.NO if frame.subject is not None else _Match.MAYBE
    elif event.kind is MarkKind.CLAUSE:
        return _clause(frame, event, origin)
    elif event.kind in (MarkKind.ALT, MarkKind.ELSE):
        frame.ends.append(state)
        frame.has_else = frame.has_else or event.kind is MarkKind.ELSE
        frame.in_clause = frame.certain = False
        return frame.start.copy()
    elif event.kind is MarkKind.CLOSE:
        frames.pop()
        fallthrough = [frame.start] if not frame.has_else else []
        if frame.subject is not None or frame.matched is not _Match.NO:
            fallthrough = [] if frame.matched is _Match.YES else [frame.start]
            ends = [*frame.ends, state] if frame.in_clause else frame.ends
            return merge([*ends, *fallthrough] or [_dead(frame.start)])
        return merge([*frame.ends, state, *fallthrough])
    return state


def _clause(frame: _Frame, event: Mark, origin: TextOrigin) -> ShellState:
    """Enter a ``case`` clause: dead when the subject is known and no pattern matches."""
    state = frame.start.copy()
    frame.in_clause = True
    if frame.matched is _Match.MAYBE:
        return state
    if frame.matched is _Match.YES:
        return _dead(state)
    patterns = [f.text for w in event.words for f in expand(w, state, origin, split=False)]
    if any(p is None for p in patterns):
        frame.matched = _Match.MAYBE
        return state
    if frame.subject is not None and any(fnmatch.fnmatchcase(frame.subject, p or "") for p in patterns):
        frame.matched, frame.certain = _Match.YES, True
        return state
    return _dead(state)


def _dead(state: ShellState) -> ShellState:
    out = state.copy()
    out.dead = True
    return out


def _simple(
    words: tuple[Word, ...], state: ShellState, origin: TextOrigin, runner: Runner, ctx: CommandCtx
) -> ShellState:
    """Run one simple command against the state; returns the new state."""
    for word in words:
        for part in word.parts:
            if isinstance(part, Subst) and not part.arithmetic:
                inner = replace(ctx, main=False, context=f"command substitution in {ctx.context}")
                walk(part.text, origin.nested(part.start), state.copy(), runner, inner)
    k = 0
    assigns: list[tuple[str, str | None]] = []
    while k < len(words) and (m := _ASSIGN.match(words[k].raw)) is not None:
        name = m.group(0)[:-1]
        value = expand(_value_word(words[k], len(name) + 1), state, origin, split=False)
        assigns.append((name, value[0].text if value else ""))
        k += 1
    fields: list[Field] = []
    for word in words[k:]:
        fields.extend(expand(word, state, origin))
    if not fields:
        state.assign(assigns)
        return state
    env = state.child_env()
    env.update(assigns)
    head = fields[0].text
    if head is not None and head in state.functions:
        return state
    if head is not None and head in BUILTINS:
        return _builtin(head, fields, words[k:], state, origin, runner, ctx, env)
    runner.command(fields, env, state.workdir, ctx)
    return state


def _value_word(word: Word, skip: int) -> Word:
    """The value part of an assignment word ``NAME=value`` (its first part is the literal name)."""
    first = word.parts[0]
    if not isinstance(first, Lit):
        return word
    rest = Lit(first.text[skip:], first.quoted, first.start + skip)
    parts = ((rest,) if rest.text else ()) + word.parts[1:]
    return Word(parts, word.start + skip, word.end, word.raw[skip:])


def _builtin(
    name: str,
    fields: list[Field],
    words: tuple[Word, ...],
    state: ShellState,
    origin: TextOrigin,
    runner: Runner,
    ctx: CommandCtx,
    env: dict[str, str | None],
) -> ShellState:
    args = fields[1:]
    if name in ("exec", "command"):
        while args and args[0].text is not None and args[0].text.startswith("-") and args[0].text != "--":
            args = args[2:] if args[0].text == "-a" else args[1:]
        if args and args[0].text == "--":
            args = args[1:]
        if args:
            runner.command(args, env, state.workdir, ctx)
            state.dead = state.dead or name == "exec"
    elif name == "exit":
        state.dead = True
    elif name in ("cd", "pushd"):
        target = args[0].text if args else None
        if target is None or target == "-" or not args:
            shown = " ".join(f.show() for f in fields)
            runner.unknown(f"`{shown}` in {ctx.context}: the new working directory cannot be known")
            state.workdir = None
        elif posixpath.isabs(target) or state.workdir is not None:
            state.workdir = posixpath.normpath(posixpath.join(state.workdir or "/", target))
    elif name in ("export", "readonly", "declare", "typeset", "local"):
        _export(words[1:], state, origin, name == "export" or any(f.text == "-x" for f in args))
    elif name == "unset":
        for f in args:
            if f.text is not None and not f.text.startswith("-"):
                state.env.pop(f.text, None)
                state.unset.add(f.text)
    elif name == "shift":
        count = args[0].text if args else "1"
        if state.positional is not None and count is not None and count.isdigit():
            state.positional = state.positional[int(count) :]
        else:
            state.positional = None
    elif name == "set":
        _set(args, state)
    elif name in (".", "source") and args and args[0].text is not None:
        path = args[0].text
        base = state.workdir if not posixpath.isabs(path) else "/"
        if base is not None:
            return runner.source(posixpath.normpath(posixpath.join(base, path)), state, origin, ctx)
    elif name == "eval":
        runner.unknown(f"`eval` in {ctx.context}: the command it builds is not analysed")
    return state


def _export(words: tuple[Word, ...], state: ShellState, origin: TextOrigin, exported: bool) -> None:
    for word in words:
        m = _ASSIGN.match(word.raw)
        if m is not None:
            name = m.group(0)[:-1]
            value = expand(_value_word(word, len(name) + 1), state, origin, split=False)
            state.assign([(name, value[0].text if value else "")])
        elif word.plain is not None and not word.plain.startswith("-"):
            name = word.plain
        else:
            continue
        if exported:
            state.exported.add(name)


def _set(args: list[Field], state: ShellState) -> None:
    for k, f in enumerate(args):
        if f.text == "--":
            state.positional = tuple(args[k + 1 :])
            return
        if f.text is not None and f.text.startswith("-") and "a" in f.text[1:] and not f.text.startswith("--"):
            state.allexport = True
        if f.text == "allexport" and k > 0 and args[k - 1].text == "-o":
            state.allexport = True


def script_uses_args(text: str) -> bool:
    """Whether a script refers to its positional parameters (``$@``, ``$1``, ``$#``, ``shift``)."""
    try:
        tokens = lex_script(text)
    except ShellSyntaxError:
        return True
    return has_positional_refs(tokens)
