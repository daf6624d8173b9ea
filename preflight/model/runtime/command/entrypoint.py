"""What a container runs, understood statically from ENTRYPOINT/CMD and compose overrides.

Three questions, never answered by running anything:

* `effective_argv`: the argv Docker starts, from the image's ENTRYPOINT/CMD and compose's
  ``entrypoint``/``command`` (Docker Engine's rules, see its docstring); `compose_argv`
  turns a compose value (string or list) into an `Argv` the way Compose splits strings.
* `entry_points`: the Python entry points that argv loads (scripts, ``-m`` modules, ASGI/WSGI
  apps, Celery/Flask apps, ``manage.py``), through shells, wrappers and entrypoint scripts,
  with every program it runs and what could not be understood.
* `healthcheck_programs`: the programs a compose ``healthcheck.test`` runs.

Values of environment variables follow one convention everywhere: a name absent from ``env``
is unset; a name mapped to None is set to a value that cannot be known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.runtime.command.dispatch import Analyzer
from preflight.model.runtime.command.expand import ShellState, TextOrigin
from preflight.model.runtime.command.shell import BUILTINS, CommandCtx, walk
from preflight.model.runtime.command.vocabulary import (
    ArgOrigin,
    ArgSource,
    Argv,
    EntryAnalysis,
    EntryKind,
    EntryPoint,
    EntryRole,
    Field,
    Problem,
    ProgramUse,
    Sink,
    Where,
)
from preflight.parse.shell.compose_words import ComposeWords, split_compose_command

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "BUILTINS",
    "ArgOrigin",
    "ArgSource",
    "Argv",
    "ComposeWords",
    "EntryAnalysis",
    "EntryKind",
    "EntryPoint",
    "EntryRole",
    "Problem",
    "ProgramUse",
    "Where",
    "compose_argv",
    "effective_argv",
    "entry_points",
    "healthcheck_programs",
    "split_compose_command",
]


def _words(argv: Argv | None, source: ArgSource) -> tuple[list[str], list[ArgOrigin]] | None:
    if argv is None:
        return None
    args = list(argv.exec_args())
    if argv.shell_form and args:
        origins = [ArgOrigin(source, None)] * len(argv.shell_prefix) + [ArgOrigin(source, 0)]
    else:
        origins = [ArgOrigin(source, k) for k in range(len(args))]
    return args, origins


def effective_argv(
    image_entrypoint: Argv | None,
    image_cmd: Argv | None,
    compose_entrypoint: Argv | None,
    compose_command: Argv | None,
) -> Argv | None:
    """The argv the container starts with (exec form, ``origins`` filled), or None for none.

    The image values are the final image's (a Dockerfile ENTRYPOINT already dropped an
    inherited CMD). Docker Engine merges them with compose's as its ``merge`` does:

    * compose ``entrypoint`` non-empty: it replaces the image ENTRYPOINT and the image CMD is
      dropped; the argv is that entrypoint plus compose ``command`` (if any).
    * otherwise the command is compose ``command`` when non-empty, else the image CMD: an
      empty compose ``command`` (``""``/``[]``) does *not* clear the image CMD; and the
      entrypoint is the image ENTRYPOINT when compose has no ``entrypoint`` (None/null), none
      when it is empty (``""``/``[]``).
    * an entrypoint of exactly ``[""]`` counts as none; nothing at all gives None (Docker's
      "no command specified").

    Shell forms become ``shell_prefix + (string,)`` (``/bin/sh -c`` unless ``SHELL`` changed it).
    """
    entry = _words(compose_entrypoint, ArgSource.COMPOSE_ENTRYPOINT)
    command = _words(compose_command, ArgSource.COMPOSE_COMMAND)
    if entry is None or not entry[0]:
        if command is None or not command[0]:
            command = _words(image_cmd, ArgSource.IMAGE_CMD)
        if compose_entrypoint is None:
            entry = _words(image_entrypoint, ArgSource.IMAGE_ENTRYPOINT)
    entry_args, entry_origins = entry if entry is not None else ([], [])
    if entry_args == [""]:
        entry_args, entry_origins = [], []
    cmd_args, cmd_origins = command if command is not None else ([], [])
    args = (*entry_args, *cmd_args)
    if not args:
        return None
    return Argv(args, origins=(*entry_origins, *cmd_origins))


def compose_argv(value: str | Sequence[str] | None) -> Argv | None:
    """A compose ``command``/``entrypoint`` value as an `Argv` (None for null/absent).

    A list is taken as is; a string is split as Compose splits it (go-shellwords: quotes and
    backslashes, no expansion; the string ends at the first unquoted ``; & | < >``, and a
    string Compose rejects gives None). `split_compose_command` tells where it stopped.
    """
    if value is None:
        return None
    if isinstance(value, str):
        split = split_compose_command(value)
        return None if split.error is not None else Argv(split.words)
    return Argv(tuple(value))


def entry_points(
    argv: Sequence[str],
    workdir: str,
    env: Mapping[str, str | None],
    read_script: Callable[[str], str | None],
    console_scripts: Mapping[str, str] | None = None,
) -> EntryAnalysis:
    """The Python entry points, programs and unknowns of a container's argv.

    ``workdir`` is the container's working directory (absolute); ``env`` its environment (see
    the module docstring); ``read_script(path)`` returns the text of a file in the image at an
    absolute container path (``""`` for an empty file), or None when it is missing, binary or
    cannot be known. Besides scripts it is asked for the files launchers read themselves:
    manage.py (default settings), gunicorn configs (``wsgi_app``), pyproject.toml
    (``[tool.fastapi]``), the FastAPI CLI's default app files and packages' ``__init__.py``
    (Flask, granian and the FastAPI CLI import a path as a module of its enclosing package).
    ``console_scripts`` maps the console scripts of installed local projects whose code is read
    (see `Provided.console_scripts`) to their ``module:function``.

    Positions: every entry, program and problem carries a `Where` whose ``arg_index`` indexes
    ``argv``; words inside a ``sh -c`` string or a script file add the offset/line/column in
    that text (and the script's path).
    """
    sink = Sink()
    Analyzer(argv, read_script, sink, console_scripts=console_scripts).run_argv(workdir, env)
    return sink.freeze()


def healthcheck_programs(test: Sequence[str] | str) -> tuple[ProgramUse, ...]:
    """The programs a compose health check runs (``where.arg_index`` indexes ``test``).

    ``["CMD", prog, ...]`` runs ``prog`` directly; ``["CMD-SHELL", text, ...]`` and a plain
    string run ``text`` with ``/bin/sh -c`` (itself a program the image needs, unless a
    ``SHELL`` instruction changed the shell; further elements become ``$0``, ``$1``...);
    ``["NONE"]`` and an empty test run nothing. Shell builtins (``exit``, ``test``, ``[``, ``echo``...) are not
    programs. Variables are of unknown value here, so a program named by one is left out.
    """
    if isinstance(test, str):
        kind, index, words = "CMD-SHELL", 0, [test]
    elif not test:
        return ()
    else:
        kind, index, words = test[0], 1, list(test[1:])
    sink = Sink()
    argv = [test] if isinstance(test, str) else list(test)
    analyzer = Analyzer(argv, lambda _path: None, sink, strict=False)
    if kind == "CMD":
        fields = [Field(w, Where(index + k), raw=w) for k, w in enumerate(words)]
        analyzer.command(fields, {}, None, CommandCtx("healthcheck", main=False, conditional=False, via_shell=False))
    elif kind == "CMD-SHELL" and words:
        text = words[0]
        sink.programs.append(ProgramUse("/bin/sh", "/bin/sh", Where(0), "healthcheck"))
        origin = TextOrigin(index, text, 0, None, "healthcheck")
        extra = tuple(Field(w, Where(index + k), raw=w) for k, w in enumerate(words) if k)
        state = ShellState({}, None, extra[1:], extra[0] if extra else None, strict=False)
        walk(text, origin, state, analyzer, CommandCtx("healthcheck", main=False, conditional=False, via_shell=True))
    return tuple(sink.programs)
