"""The Python interpreter, Django's manage.py, Celery and the Flask command.

* ``python [options] script|-m module|-c code``: the script's directory (``-m``: the working
  directory) is ``sys.path[0]`` unless ``-P``/``-I``/``PYTHONSAFEPATH``; ``PYTHONPATH``
  follows unless ``-E``/``-I``. ``-m`` of a known launcher analyses that launcher too.
* ``manage.py``/``django-admin``: the first argument is the sub-command; the settings module
  comes from ``--settings``, else ``DJANGO_SETTINGS_MODULE``, else manage.py's own
  ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)``; ``--pythonpath`` is inserted.
* ``celery [global options] sub-command``: ``-A/--app`` (or ``APP``/``CELERY_APP``) before the
  sub-command (Celery 5 rejects it after); ``--workdir`` changes directory first; the working
  directory is on ``sys.path``.
* ``flask [--app X] sub-command``: ``--app`` (or ``FLASK_APP``), else Flask tries ``wsgi.py``
  then ``app.py``; the app path's directory is put on ``sys.path``.
* ``fastapi run|dev``: ``--entrypoint module:attr``, else a path (module found as Flask does)
  with ``--app``, else ``[tool.fastapi] entrypoint`` in pyproject.toml, else the first of
  main.py, app.py, api.py, app/main.py, app/app.py, app/api.py that exists.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from preflight.model.runtime.command.cli import Launch, Style, call_syntax, parse_cli, spec
from preflight.model.runtime.command.servers import daphne, granian, gunicorn, hypercorn, uvicorn
from preflight.model.runtime.command.vocabulary import EntryKind, EntryRole, Field, Where
from preflight.parse.toml import parse_toml

if TYPE_CHECKING:
    from collections.abc import Callable

PYTHON = re.compile(r"^(?:python|pypy)(?:\d+(?:\.\d+)?t?)?$")
"""Interpreter names: python, python3, python3.12, pypy3."""
_PY_FLAGS = frozenset("bBdEhiIOPqsSuvVxR?")
_SETTINGS = re.compile(r"""environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""")
CELERY = spec(
    "-C --no-color -q --quiet --version --skip-checks --help",
    "-A --app -b --broker --result-backend --loader --config --workdir",
    Style.CLICK,
    stop=True,
)
FASTAPI = spec("--version --verbose -v --help -h", "", Style.CLICK, stop=True)
FASTAPI_RUN = spec(
    "--reload --no-reload --proxy-headers --no-proxy-headers --verbose -v --help -h",
    "--host --port --workers --root-path --app --entrypoint -e --forwarded-allow-ips",
    Style.CLICK,
)
_FASTAPI_DEFAULTS = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")
FLASK = spec("--debug --no-debug --version --help", "-A --app -e --env-file", Style.CLICK, stop=True)


def django(launch: Launch, manage: str | None) -> None:
    """``manage.py``/``django-admin`` (``manage`` is manage.py's container path, if any)."""
    args = launch.args
    first = args[0] if args else None
    sub = first.text if first is not None else "help"
    if first is not None and sub is not None and sub.startswith("-") and sub not in ("-h", "--help", "--version"):
        launch.problem(f"options must follow the sub-command (`{sub}` is taken as a command name)", first.where)
        return
    given: dict[str, str | None] = {}
    for k, word in enumerate(args[1:], start=1):
        for name in ("--settings", "--pythonpath"):
            if word.text == name and k + 1 < len(args):
                given[name] = args[k + 1].text
            elif word.text is not None and word.text.startswith(name + "="):
                given[name] = word.text[len(name) + 1 :]
    settings, pythonpath = given.get("--settings") or None, given.get("--pythonpath") or None
    if settings is None:
        settings = launch.env.get("DJANGO_SETTINGS_MODULE") or None
    if settings is None and manage is not None and (text := launch.read(manage)) is not None:
        found = _SETTINGS.search(text)
        settings = found.group(1) if found else None
    if settings is None:
        launch.note("the settings module cannot be known (no --settings, DJANGO_SETTINGS_MODULE or default)")
    directory = None if pythonpath is None else launch.resolve(pythonpath)
    launch.add(EntryKind.DJANGO_MANAGE, launch.head.where, module=settings, path=manage, subcommand=sub,
               sys_path=(directory, *launch.base_path, *launch.pythonpath()))  # fmt: skip


def celery(launch: Launch) -> None:
    """``celery [-A app] [--workdir DIR] sub-command ...``."""
    parsed = parse_cli(CELERY, launch.args)
    if parsed.uncertain:
        launch.note(parsed.uncertain)
        return
    sub = parsed.positionals[0].text if parsed.positionals else None
    app = parsed.last("-A", "--app")
    app_field = app.value if app is not None else None
    if app is None:
        late = parse_cli(spec("", "-A --app", Style.CLICK), parsed.rest).last("-A", "--app")
        if late is not None:
            launch.problem(f"`{late.name}` after the sub-command `{sub}` is rejected by Celery 5; "
                           f"write `celery {late.name} ... {sub}`", late.word.where)  # fmt: skip
            app_field = late.value
    for name in ("APP", "CELERY_APP"):
        if app_field is None and launch.env.get(name, "") != "":
            app_field = Field(launch.env.get(name), Where(launch.head.where.arg_index, env=name), raw=f"${name}")
    if app_field is None:
        return
    if app_field.text is None:
        launch.note(f"the app `{app_field.raw}` cannot be known")
        return
    workdir = parsed.last("--workdir")
    here = launch
    if workdir is not None and workdir.value is not None:
        target = workdir.value.text
        here = replace(launch, workdir=None if target is None else launch.resolve(target))
    text = app_field.text
    module, colon, attr = text.partition(":")
    candidates = (text, text.rpartition(".")[0]) if not colon and "." in text else ()
    here.add(EntryKind.CELERY_APP, app_field.where, module=module, attribute=attr or None, subcommand=sub,
             candidates=candidates, sys_path=(here.workdir, *launch.base_path, *launch.pythonpath()))  # fmt: skip


def flask(launch: Launch) -> None:
    """``flask [--app X] sub-command``."""
    parsed = parse_cli(FLASK, launch.args)
    if parsed.uncertain:
        launch.note(parsed.uncertain)
        return
    sub = parsed.positionals[0].text if parsed.positionals else None
    late = parse_cli(spec("", "-A --app", Style.CLICK), parsed.rest).last("-A", "--app")
    if late is not None:
        launch.problem(f"`{late.name}` is an option of `flask` itself: write `flask {late.name} ... {sub}`",
                       late.word.where)  # fmt: skip
    app = parsed.last("-A", "--app")
    app_field = app.value if app is not None else None
    if app_field is None and launch.env.get("FLASK_APP", "") != "":
        where = Where(launch.head.where.arg_index, env="FLASK_APP")
        app_field = Field(launch.env.get("FLASK_APP"), where, raw="$FLASK_APP")
    base = (*launch.base_path, *launch.pythonpath())
    if app_field is None:
        found = [n for n in ("wsgi", "app") if (f := launch.resolve(n + ".py")) and launch.read(f) is not None]
        launch.add(EntryKind.FLASK_APP, launch.head.where, module=found[0] if found else None, subcommand=sub,
                   candidates=() if found else ("wsgi", "app"), sys_path=(launch.workdir, *base))  # fmt: skip
        return
    if app_field.text is None:
        launch.note(f"the app `{app_field.raw}` cannot be known")
        return
    path, name = [*re.split(r":(?![\\/])", app_field.text, maxsplit=1), ""][:2]
    parent, module = launch.package_module(path)
    called = call_syntax(name) if name else None
    if name and called is None:
        launch.problem(f"`{name}` is not an attribute name or a call of one with literal arguments",
                       app_field.where)  # fmt: skip
        return
    launch.add(EntryKind.FLASK_APP, app_field.where, module=module, attribute=called[0] if called else None,
               factory=bool(called and called[1]), subcommand=sub, sys_path=(parent, *base))  # fmt: skip


def fastapi(launch: Launch) -> None:
    """``fastapi run|dev [PATH] [--app NAME] [--entrypoint module:attr]`` (the FastAPI CLI)."""
    top = parse_cli(FASTAPI, launch.args)
    parsed = parse_cli(FASTAPI_RUN, top.rest)
    if top.uncertain or parsed.uncertain:
        launch.note(top.uncertain or parsed.uncertain or "")
        return
    sub = top.positionals[0].text if top.positionals else None
    if sub not in ("run", "dev"):
        return
    option = parsed.last("-e", "--entrypoint")
    path, app = (parsed.positionals[0] if parsed.positionals else None), parsed.last("--app")
    base = (*launch.base_path, *launch.pythonpath())
    if option is not None and (path or app):
        launch.problem("--entrypoint cannot be used together with a path or --app", option.word.where)
        return
    entry = option.value if option is not None else None
    if entry is None and path is None and app is None:
        entry = _fastapi_pyproject(launch)
    if entry is not None:
        if entry.text is None:
            launch.note(f"the entrypoint `{entry.raw}` cannot be known")
            return
        module, _, attr = entry.text.partition(":")
        if not module or not attr:
            launch.problem(f"`{entry.text}` must be in the format module.submodule:app_name", entry.where)
            return
        launch.add(EntryKind.ASGI_WSGI_APP, entry.where, module=module, attribute=attr, subcommand=sub,
                   sys_path=(launch.workdir, *base))  # fmt: skip
        return
    target = path.text if path is not None else _fastapi_default(launch)
    if target is None:
        launch.note("no app path, and none of main.py, app.py, api.py, app/main.py, app/app.py, app/api.py "
                    "could be read in the working directory")  # fmt: skip
        return
    parent, module = launch.package_module(target)
    name = app.value.text if app is not None and app.value is not None else None
    launch.add(EntryKind.ASGI_WSGI_APP, path.where if path is not None else launch.head.where, module=module,
               attribute=name, subcommand=sub, sys_path=(parent, *base))  # fmt: skip


def _fastapi_pyproject(launch: Launch) -> Field | None:
    """``[tool.fastapi] entrypoint`` of the working directory's pyproject.toml."""
    file = launch.resolve("pyproject.toml")
    text = None if file is None else launch.read(file)
    if text is None:
        return None
    data = parse_toml(text)
    tool = data.get("tool") if isinstance(data, dict) else None
    fastapi = tool.get("fastapi") if isinstance(tool, dict) else None
    value = fastapi.get("entrypoint") if isinstance(fastapi, dict) else None
    if not isinstance(value, str):
        return None
    return Field(value, Where(launch.head.where.arg_index, script=file), raw=value)


def _fastapi_default(launch: Launch) -> str | None:
    for candidate in _FASTAPI_DEFAULTS:
        file = launch.resolve(candidate)
        if file is not None and launch.read(file) is not None:
            return candidate
    return None


LAUNCHERS: dict[str, Callable[[Launch], None]] = {
    "uvicorn": uvicorn,
    "gunicorn": gunicorn,
    "hypercorn": hypercorn,
    "daphne": daphne,
    "granian": granian,
    "celery": celery,
    "flask": flask,
    "fastapi": fastapi,
    "django-admin": lambda launch: django(launch, None),
}
"""Console scripts (and ``python -m`` modules) whose command line is understood."""


def python(launch: Launch) -> None:
    """``python [options] (script | -m module | -c code | -) [args]``."""
    args = launch.args
    flags: set[str] = set()
    mode: str | None = None
    target: Field | None = None
    i = 0
    while i < len(args) and mode is None:
        word = args[i]
        text = word.text
        i += 1
        if text is None:
            launch.note(f"the interpreter argument `{word.raw}` cannot be known")
            return
        if text == "--":
            target, mode = (args[i] if i < len(args) else None), "script"
            i += 1
            break
        if text == "-" or not text.startswith("-"):
            target, mode = word, "script"
            break
        if text.startswith("--"):
            if text == "--check-hash-based-pycs":
                i += 1
                continue
            if text.startswith("--help") or text == "--version":
                return
            launch.note(f"unknown interpreter option `{text}`")
            return
        k = 1
        while k < len(text):
            char = text[k]
            if char in "cmWX":
                rest = text[k + 1 :]
                value = Field(rest, word.where, raw=rest) if rest else (args[i] if i < len(args) else None)
                i += 0 if rest else 1
                if char in "cm":
                    mode, target = char, value
                break
            if char not in _PY_FLAGS:
                launch.note(f"unknown interpreter option `-{char}`")
                return
            flags.add(char)
            k += 1
    _python_target(launch, flags, mode, target, tuple(args[i:]))


def _python_target(launch: Launch, flags: set[str], mode: str | None, target: Field | None,
                   rest: tuple[Field, ...]) -> None:  # fmt: skip
    safe = bool(flags & {"P", "I"}) or (not flags & {"E", "I"} and bool(launch.env.get("PYTHONSAFEPATH")))
    if flags & {"E", "I"}:
        launch = replace(launch, env={k: v for k, v in launch.env.items() if k != "PYTHONPATH"})
    path = launch.pythonpath()
    if mode is None or target is None or (mode == "script" and target.text == "-"):
        if mode == "c" or mode == "m":
            launch.problem(f"`-{mode}` needs an argument", launch.head.where)
        else:
            launch.note("the interpreter reads its program from standard input")
        return
    if mode == "c":
        launch.note("`python -c` runs inline code, which is not analysed")
        return
    if target.text is None:
        launch.note(f"the {'module' if mode == 'm' else 'script'} `{target.raw}` cannot be known")
        return
    if mode == "m":
        cwd = () if safe else (launch.workdir,)
        module = target.text
        role = EntryRole.LAUNCHER if module in LAUNCHERS or module == "django" else EntryRole.MAIN
        launch.add(EntryKind.MODULE, target.where, module=module, sys_path=(*cwd, *path), role=role)
        sub = replace(launch, name=module, head=target, args=rest, base_path=tuple(d for d in cwd if d))
        if module in LAUNCHERS:
            LAUNCHERS[module](sub)
        elif module == "django":
            django(sub, None)
        return
    script = launch.resolve(target.text)
    directory = None if safe or script is None else posixpath.dirname(script)
    if posixpath.basename(target.text) == "manage.py":
        sub = replace(launch, name="manage.py", head=target, args=rest, base_path=(directory,) if directory else ())
        django(sub, script)
        return
    launch.add(EntryKind.SCRIPT, target.where, path=script, sys_path=(directory, *path))
