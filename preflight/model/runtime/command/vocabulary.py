"""The vocabulary of the container-command analysis: argv, entry points, programs, positions.

`preflight.model.runtime.command.entrypoint` is the public face (it re-exports everything here); the
other modules of `preflight.model.runtime.command` share these types and the internal accumulator `Sink`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ArgSource(enum.Enum):
    """Which setting an element of the container's argv came from."""

    IMAGE_ENTRYPOINT = "image-entrypoint"
    IMAGE_CMD = "image-cmd"
    COMPOSE_ENTRYPOINT = "compose-entrypoint"
    COMPOSE_COMMAND = "compose-command"


@dataclass(frozen=True, slots=True)
class ArgOrigin:
    """Where one element of an effective argv came from.

    ``index`` is the element's index in that setting's own `Argv.args`; it is None for the
    shell words (``/bin/sh``, ``-c``) Docker puts in front of a shell-form command, whose
    script is then the setting's element 0.
    """

    source: ArgSource
    index: int | None


@dataclass(frozen=True, slots=True)
class Argv:
    """A command as Docker stores it: exec form, or shell form run through ``shell_prefix``.

    Exec form (``CMD ["a", "b"]``, compose lists, split compose strings): ``args`` are the
    argv words. Shell form (``CMD a b``): ``args`` holds the one command string and
    ``shell_form`` is True; Docker runs it as ``shell_prefix + (string,)`` (the ``SHELL``
    instruction sets ``shell_prefix``; default ``/bin/sh -c``). `effective_argv` returns
    exec form with ``origins`` filled, one per element; inputs leave ``origins`` empty.
    """

    args: tuple[str, ...]
    shell_form: bool = False
    shell_prefix: tuple[str, ...] = ("/bin/sh", "-c")
    origins: tuple[ArgOrigin, ...] = ()

    def exec_args(self) -> tuple[str, ...]:
        """The argv words Docker runs for this setting on its own."""
        if self.shell_form:
            return (*self.shell_prefix, " ".join(self.args)) if self.args else ()
        return self.args


class EntryKind(enum.Enum):
    """What kind of Python entry point a command names."""

    SCRIPT = "script"
    """A Python file run as a script; ``path`` is absolute in the container."""
    MODULE = "module"
    """A module imported by name (``python -m``, gunicorn worker classes and config modules)."""
    ASGI_WSGI_APP = "asgi-wsgi-app"
    """A web app object a server imports: ``module`` and ``attribute`` (None when the FastAPI
    CLI looks for ``app``, ``api`` or the only FastAPI instance)."""
    CELERY_APP = "celery-app"
    """The app of ``celery -A``; ``attribute`` is None when Celery searches the module."""
    FLASK_APP = "flask-app"
    """The app of the ``flask`` command; ``module`` None means Flask's own discovery."""
    CONSOLE_SCRIPT = "console-script"
    """A console script of a local project the image installs: it imports ``module`` and calls
    ``attribute``; ``sys.path`` starts with the script's own folder, not the working directory."""
    DJANGO_MANAGE = "django-manage"
    """``manage.py``/``django-admin``: ``path`` is manage.py (None for django-admin) and
    ``module`` the settings module (None when it cannot be known)."""


class EntryRole(enum.Enum):
    """Why the launcher loads the entry."""

    MAIN = "main"
    """The program the command is about (the app, the script, the module run)."""
    LAUNCHER = "launcher"
    """A module that runs another entry (``uvicorn`` in ``python -m uvicorn app:app``)."""
    CONFIG = "config"
    """A configuration file or module the launcher executes (gunicorn/hypercorn ``-c``)."""
    WORKER = "worker"
    """A module a server's worker class needs (``-k uvicorn.workers.UvicornWorker``, gevent)."""


@dataclass(frozen=True, slots=True)
class Where:
    """Where a word came from, so a rule can point at it.

    ``arg_index`` is the index, in the analysed argv, of the element that holds the word or
    (for a word read from a script file) that named the script. ``offset`` is the character
    offset of the word inside that element's text (a ``sh -c`` script) or inside the script
    file, with ``line``/``col`` (1-based) computed in the same text; all three are unset when
    the word is a whole argv element. ``script`` is the container path of the script file the
    word was read from. ``env`` names the environment variable whose value held the word
    (``GUNICORN_CMD_ARGS``, ``FLASK_APP``): ``arg_index`` is then the launcher's word.
    """

    arg_index: int
    offset: int | None = None
    line: int = 0
    col: int = 0
    script: str | None = None
    env: str | None = None


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """One Python entry point the container's command loads."""

    kind: EntryKind
    module: str | None
    attribute: str | None
    path: str | None
    sys_path_additions: tuple[str, ...]
    """Absolute directories put on ``sys.path`` before the entry is imported, highest
    priority first (script dir, working dir, ``--app-dir``, ``--chdir``, ``--pythonpath``,
    ``PYTHONPATH``); a relative directory whose base cannot be known is left out."""
    workdir: str | None
    """The process's working directory when it starts (None when a ``cd`` was not known)."""
    where: Where
    launcher: str
    """What loads it: ``python``, ``uvicorn``, ``gunicorn``, ``celery``, ``flask``, ..."""
    role: EntryRole = EntryRole.MAIN
    factory: bool = False
    """The attribute is a factory the launcher calls (``--factory``, ``create_app()``)."""
    subcommand: str | None = None
    """celery/flask/manage.py sub-command (``worker``, ``run``, ``migrate``)."""
    candidates: tuple[str, ...] = ()
    """Modules tried in order when the command does not name one (Flask's ``wsgi``,
    ``app``) or when the name is ambiguous (Celery's ``a.b`` = module or attribute)."""
    conditional: bool = False
    """Inside a shell ``if``/``case``/loop/function or after ``||``: it may not run (a ``case``
    clause chosen by a known word, e.g. the container's argument, is not conditional)."""
    env_names: tuple[str, ...] = ()
    """Variables the process starts with: the container's plus those an entrypoint script exports."""
    wsgi_call: bool = False
    """The launcher certainly calls the object as a WSGI app, ``app(environ, start_response)``
    (gunicorn with a WSGI worker named on the command line or none, and no ``-c``): a factory
    named without a call is then called per request instead of once."""
    launcher_env: bool = False
    """The launcher may set variables of its own before it imports the app, which preflight does
    not read: gunicorn ``-e``/``--env`` or a configuration file (``-c``, ``./gunicorn.conf.py``
    with ``raw_env``), uvicorn ``--env-file``, granian ``--env-files``."""

    @property
    def source_arg_index(self) -> int:
        """Index of the argv element that named the entry (see `Where`)."""
        return self.where.arg_index


@dataclass(frozen=True, slots=True)
class ProgramUse:
    """A program the command runs, which the image must provide."""

    name: str
    """As written: ``curl``, ``python3``, ``./run-server``, ``/docker-entrypoint.sh``."""
    path: str | None
    """Absolute container path when ``name`` contains a ``/`` (resolved against the working
    directory); None when the name is looked up on ``PATH``."""
    where: Where
    context: str
    """Human description of what runs it: ``command``, ``sh -c script``,
    ``script /docker-entrypoint.sh``, ``healthcheck``."""
    managed_by: str | None = None
    """``uv``/``poetry``/``pipenv`` when that tool runs it from its virtualenv."""
    conditional: bool = False

    @property
    def arg_index(self) -> int:
        """Index of the argv element that holds or leads to the program name."""
        return self.where.arg_index


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the command that is certain to go wrong when the container starts."""

    message: str
    where: Where


@dataclass(frozen=True, slots=True)
class EntryAnalysis:
    """Everything `entry_points` found in one command."""

    entries: tuple[EntryPoint, ...]
    unknown: tuple[str, ...]
    """Human reasons for what could not be understood (never guessed)."""
    programs: tuple[ProgramUse, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Field:
    """One argv word during the analysis (internal): its text, or None when unknown.

    ``single`` is False for an unquoted expansion of unknown value, which the shell may split
    into several words or none. ``base`` is the offset of the word's text in the text
    ``where`` points into (for nested ``sh -c`` scripts).
    """

    text: str | None
    where: Where
    single: bool = True
    raw: str = ""
    base: int | None = None

    def show(self) -> str:
        """The word for messages."""
        return self.text if self.text is not None else (self.raw or "?")


@dataclass(slots=True)
class Sink:
    """Mutable accumulator shared by the analysis modules (internal)."""

    entries: list[EntryPoint] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    programs: list[ProgramUse] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def note_unknown(self, reason: str) -> None:
        """Record a reason once."""
        if reason not in self.unknown:
            self.unknown.append(reason)

    def problem(self, message: str, where: Where) -> None:
        """Record a certain fault once."""
        item = Problem(message, where)
        if item not in self.problems:
            self.problems.append(item)

    def freeze(self) -> EntryAnalysis:
        """The immutable result."""
        return EntryAnalysis(tuple(self.entries), tuple(self.unknown), tuple(self.programs), tuple(self.problems))
