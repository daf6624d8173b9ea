"""The dispatcher of the container-command analysis: what each program invocation is.

A program is looked up by its basename: a Python interpreter, a shell (``-c`` script or script
file), a wrapper (its command is analysed in turn), a known launcher, ``manage.py``; anything
else is tried as a script file (by path, or along ``PATH``) read through ``read_script``.
Every program invoked is recorded as a `ProgramUse`; what cannot be understood about the main
process is recorded in ``unknown``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from preflight.model.runtime.command.cli import Launch
from preflight.model.runtime.command.expand import ShellState, TextOrigin
from preflight.model.runtime.command.shell import BUILTINS, CommandCtx, script_uses_args, walk
from preflight.model.runtime.command.tools import LAUNCHERS, PYTHON, django, python
from preflight.model.runtime.command.vocabulary import EntryKind, Field, ProgramUse, Sink, Where
from preflight.model.runtime.command.wrappers import Unwrapped, unwrap

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
"""Shells whose ``-c`` scripts and script files are walked."""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
UTILITIES = frozenset({
    "awk", "basename", "cat", "chmod", "chown", "cp", "curl", "cut", "date", "dd", "df", "dirname", "du", "echo",
    "egrep", "envsubst", "find", "getent", "grep", "gunzip", "gzip", "head", "hostname", "id", "kill", "ln", "ls",
    "mkdir", "mktemp", "mv", "nc", "printenv", "ps", "readlink", "realpath", "rm", "rmdir", "sed", "seq", "sleep",
    "sort", "stat", "tail", "tar", "tee", "touch", "tr", "true", "uname", "uniq", "wc", "wget", "whoami", "xargs",
    "yes",
})  # fmt: skip
"""Common utilities: a command ending with one of them is understood (it runs no Python)."""
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SEPARATOR_ARGS = frozenset({"&&", "||", "|", ";", "&"})


class Analyzer:
    """Runs the analysis of one argv (implements `shell.Runner`)."""

    def __init__(
        self,
        argv: Sequence[str],
        read_script: Callable[[str], str | None],
        sink: Sink,
        *,
        strict: bool = True,
        console_scripts: Mapping[str, str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.console_scripts = console_scripts or {}
        self.read = read_script
        self.sink = sink
        self.strict = strict
        self.texts: dict[str, str] = {}
        self.active: set[str] = set()

    def run_argv(self, workdir: str | None, env: Mapping[str, str | None]) -> None:
        """Analyse the container's argv, run without a shell."""
        fields = [Field(a, Where(i), raw=a) for i, a in enumerate(self.argv)]
        if fields and posixpath.basename(self.argv[0]) not in SHELLS:
            for f in fields[1:]:
                if f.text in _SEPARATOR_ARGS:
                    self.sink.problem(f"`{f.text}` is passed to `{self.argv[0]}` as an argument: "
                                      "without a shell nothing splits the command", f.where)  # fmt: skip
                    break
        self.command(fields, dict(env), workdir, CommandCtx("command", main=True, conditional=False, via_shell=False))

    def command(self, fields: list[Field], env: dict[str, str | None], workdir: str | None, ctx: CommandCtx) -> None:
        """Analyse one program invocation."""
        if not fields:
            return
        head = fields[0]
        name = head.text
        if name is None:
            if ctx.main:
                self.sink.note_unknown(f"the program `{head.raw}` ({ctx.context}) cannot be known")
            return
        if not name:
            # `''` runs the empty-named command: the shell fails, but there is no program to look for
            self.sink.problem("an empty command name is run: the shell cannot find it", head.where)
            return
        if workdir is None and ctx.main:
            self.sink.note_unknown(f"the working directory of `{name}` ({ctx.context}) cannot be known")
        if not ctx.via_shell and (name in BUILTINS or _ASSIGN.match(name)):
            what = "a shell builtin" if name in BUILTINS else "an environment assignment"
            self.sink.problem(f"`{name}` is {what}: without a shell it is looked up as a program, "
                              "which does not exist", head.where)  # fmt: skip
            return
        path = None
        if "/" in name:
            path = posixpath.normpath(name) if posixpath.isabs(name) else None
            if path is None and workdir is not None:
                path = posixpath.normpath(posixpath.join(workdir, name))
        self.sink.programs.append(ProgramUse(name, path, head.where, ctx.context, ctx.managed_by, ctx.conditional))
        base = posixpath.basename(name)
        launch = Launch(base, head, tuple(fields[1:]), env, workdir, (), ctx.conditional, self.read, self.sink)
        if PYTHON.match(base):
            python(launch)
        elif base in SHELLS:
            self._shell(launch, ctx)
        elif (unwrapped := unwrap(base, launch.args)) is not None:
            self._unwrapped(unwrapped, launch, ctx)
        elif base in LAUNCHERS:
            LAUNCHERS[base](launch)
        elif base == name and base in self.console_scripts and not self._on_path(launch, name):
            if not self.console_scripts[base]:
                return  # the script of a local install that is reported broken where it is made
            module, _, attribute = self.console_scripts[base].partition(":")
            launch.add(EntryKind.CONSOLE_SCRIPT, launch.head.where, module=module.strip(),
                       attribute=attribute.strip() or None, sys_path=tuple(launch.pythonpath()))  # fmt: skip
        else:
            self._script(launch, path, ctx)

    def _unwrapped(self, u: Unwrapped, launch: Launch, ctx: CommandCtx) -> None:
        if u.note:
            self.sink.note_unknown(u.note)
        env = {} if u.clear_env else dict(launch.env)
        env.update(u.env)
        workdir = launch.workdir
        if u.chdir is not None:
            workdir = None if u.chdir.text is None else launch.resolve(u.chdir.text)
        if u.lose_workdir:
            self.sink.note_unknown(u.lose_workdir)
            workdir = None
        sub = replace(ctx, via_shell=False, managed_by=u.managed_by or ctx.managed_by)
        if u.python:
            args = u.rest
            if u.module and args:
                args = (Field("-m", args[0].where, raw="-m"), *args)
            python(replace(launch, name="python", args=args, env=env, workdir=workdir))
        elif u.rest:
            self.command(list(u.rest), env, workdir, sub)

    def _on_path(self, launch: Launch, name: str) -> bool:
        """Whether the image has a file `name` in a folder of PATH (it runs instead of a console
        script pip writes)."""
        return any(self.read(candidate) is not None for candidate in _path_candidates(launch, name))

    def _script(self, launch: Launch, path: str | None, ctx: CommandCtx) -> None:
        name = launch.head.text or ""
        if path is None and "/" in name:
            return
        candidates = [path] if path is not None else _path_candidates(launch, name)
        for candidate in candidates:
            text = self.read(candidate)
            if text is not None:
                self._script_text(launch, candidate, text, ctx)
                return
        if path is not None and name.endswith(".py"):
            launch.add(EntryKind.SCRIPT, launch.head.where, path=path,
                       sys_path=(posixpath.dirname(path), *launch.pythonpath()))  # fmt: skip
        elif path is not None and ctx.main:
            self.sink.note_unknown(f"`{name}` ({ctx.context}) cannot be read: a binary, or a file the image lacks")
        elif ctx.main and posixpath.basename(name) not in UTILITIES:
            self.sink.note_unknown(f"`{name}` ({ctx.context}) is not a program preflight understands")

    def _script_text(self, launch: Launch, path: str, text: str, ctx: CommandCtx) -> None:
        first = text.split("\n", 1)[0]
        interpreter = "sh"
        if first.startswith("#!"):
            words = first[2:].split()
            interpreter = posixpath.basename(words[0]) if words else ""
            if interpreter == "env":
                rest = [w for w in words[1:] if not w.startswith("-")]
                interpreter = posixpath.basename(rest[0]) if rest else ""
            if first.endswith("\r"):
                self.sink.problem(f"{path} has Windows line endings: the kernel looks for the interpreter "
                                  f"`{first[2:].strip()}\\r`, which does not exist", launch.head.where)  # fmt: skip
        elif not ctx.via_shell:
            self.sink.problem(f"{path} has no `#!` line: the kernel cannot execute it (exec format error)",
                              launch.head.where)  # fmt: skip
        if PYTHON.match(interpreter) or path.endswith(".py"):
            directory = posixpath.dirname(path)
            if posixpath.basename(path) == "manage.py":
                django(replace(launch, name="manage.py", base_path=(directory,)), path)
            else:
                launch.add(EntryKind.SCRIPT, launch.head.where, path=path,
                           sys_path=(directory, *launch.pythonpath()))  # fmt: skip
        elif interpreter in SHELLS:
            self.walk_file(launch, path, text, ctx, launch.args, launch.head)
        elif ctx.main:
            self.sink.note_unknown(f"{path} runs with `{interpreter}`, which is not analysed")

    def walk_file(self, launch: Launch, path: str, text: str, ctx: CommandCtx, args: tuple[Field, ...],
                  arg0: Field) -> None:  # fmt: skip
        """Walk a shell script file run with ``args`` as its positional parameters."""
        if path in self.active:
            return
        self.active.add(path)
        self.texts[path] = text
        if ctx.main and args and not script_uses_args(text):
            shown = " ".join(a.show() for a in args)
            self.sink.problem(f"{path} never uses its arguments: `{shown}` is ignored", args[0].where)
        origin = TextOrigin(launch.head.where.arg_index, text, 0, path, f"script {path}")
        state = ShellState(dict(launch.env), launch.workdir, args, arg0, set(launch.env), strict=self.strict)
        walk(text, origin, state, self, replace(ctx, context=origin.context, via_shell=True))
        self.active.discard(path)

    def _shell(self, launch: Launch, ctx: CommandCtx) -> None:
        args = launch.args
        i, command_mode = 0, False
        while i < len(args):
            text = args[i].text
            if text is None:
                self.sink.note_unknown(f"the shell option `{args[i].raw}` cannot be known")
                return
            if text in ("--", "-"):
                i += 1
                break
            if not (text.startswith(("-", "+")) and len(text) > 1):
                break
            command_mode = command_mode or (text[0] == "-" and not text.startswith("--") and "c" in text[1:])
            takes = text in ("--rcfile", "--init-file") or (not text.startswith("--") and "o" in text[1:])
            i += 2 if takes else 1
        rest = args[i:]
        if command_mode:
            self._shell_c(launch, rest, ctx)
        elif not rest:
            if ctx.main:
                self.sink.note_unknown(f"`{launch.name}` without a script reads commands from standard input")
        elif rest[0].text is None:
            self.sink.note_unknown(f"the script `{rest[0].raw}` cannot be known")
        else:
            path = launch.resolve(rest[0].text)
            text = None if path is None else self.read(path)
            if path is None or text is None:
                self.sink.note_unknown(f"script {path or rest[0].text} could not be read")
                return
            sub = replace(launch, head=rest[0], args=rest[1:])
            self.walk_file(sub, path, text, replace(ctx, via_shell=True), rest[1:], rest[0])

    def _shell_c(self, launch: Launch, rest: tuple[Field, ...], ctx: CommandCtx) -> None:
        if not rest:
            self.sink.problem(f"`{launch.name} -c` needs a command string", launch.head.where)
            return
        script = rest[0]
        if script.text is None:
            self.sink.note_unknown(f"the script of `{launch.name} -c` (`{script.raw}`) cannot be known")
            return
        if len(rest) > 1 and not script_uses_args(script.text) and "$0" not in script.text:
            shown = " ".join(a.show() for a in rest[1:])
            self.sink.problem(f"only `{script.text}` is the `-c` script: the words after it (`{shown}`) "
                              "become its $0, $1... and are not run", rest[1].where)  # fmt: skip
        context = f"{launch.name} -c script"
        origin = self.origin_of(script, context)
        state = ShellState(dict(launch.env), launch.workdir, rest[2:], rest[1] if len(rest) > 1 else launch.head,
                           set(launch.env), strict=self.strict)  # fmt: skip
        walk(script.text, origin, state, self, replace(ctx, context=context, via_shell=True))

    def origin_of(self, word: Field, context: str) -> TextOrigin:
        """Where the text of a word sits, so that positions inside it can be reported."""
        w = word.where
        text = word.text or ""
        if w.script is not None and word.base is not None:
            return TextOrigin(w.arg_index, self.texts.get(w.script, text), word.base, w.script, context)
        if w.offset is not None and word.base is not None and w.env is None and w.arg_index < len(self.argv):
            return TextOrigin(w.arg_index, self.argv[w.arg_index], word.base, None, context)
        return TextOrigin(w.arg_index, text, 0, None, context)

    # Runner protocol
    def source(self, path: str, state: ShellState, origin: TextOrigin, ctx: CommandCtx) -> ShellState:
        """Walk a sourced file in the current state."""
        text = self.read(path)
        if text is None:
            if posixpath.basename(path) != "activate":
                self.sink.note_unknown(f"`. {path}` in {ctx.context}: the file could not be read")
            return state
        if path in self.active:
            return state
        self.active.add(path)
        self.texts[path] = text
        inner = TextOrigin(origin.arg_index, text, 0, path, f"script {path}")
        after = walk(text, inner, state, self, replace(ctx, context=inner.context, main=False))
        self.active.discard(path)
        return after

    def problem(self, message: str, origin: TextOrigin, offset: int) -> None:
        """Record a certain fault at an offset of a walked text."""
        self.sink.problem(message, origin.where(offset))

    def unknown(self, reason: str) -> None:
        """Record what could not be understood."""
        self.sink.note_unknown(reason)


def _path_candidates(launch: Launch, name: str) -> list[str]:
    """Where the shell looks for a program `name`, in order (the absolute folders of PATH)."""
    search = launch.env.get("PATH", DEFAULT_PATH) or DEFAULT_PATH
    return [posixpath.join(d or ".", name) for d in search.split(":") if posixpath.isabs(d)]
