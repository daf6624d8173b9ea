"""Unit tests for preflight.model.runtime.command.entrypoint: effective argv, entry points, programs, health checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.model.runtime.command.entrypoint import (
    ArgOrigin,
    ArgSource,
    Argv,
    EntryAnalysis,
    EntryKind,
    EntryRole,
    Where,
    compose_argv,
    effective_argv,
    entry_points,
    healthcheck_programs,
    split_compose_command,
)
from preflight.parse.shell.words import Lit, Op, Param, ShellSyntaxError, Subst, Word, lex_script

IE, IC = ArgSource.IMAGE_ENTRYPOINT, ArgSource.IMAGE_CMD
CE, CC = ArgSource.COMPOSE_ENTRYPOINT, ArgSource.COMPOSE_COMMAND
K = EntryKind


def run(
    argv: list[str],
    env: dict[str, str | None] | None = None,
    files: dict[str, str] | None = None,
    workdir: str = "/app",
) -> EntryAnalysis:
    return entry_points(argv, workdir, env or {}, (files or {}).get)


def ents(a: EntryAnalysis) -> list[tuple[object, ...]]:
    """kind, module, attribute, path, sys.path additions."""
    return [(e.kind, e.module, e.attribute, e.path, e.sys_path_additions) for e in a.entries]


def progs(a: EntryAnalysis) -> list[tuple[str, int]]:
    return [(p.name, p.where.arg_index) for p in a.programs]


def problems(a: EntryAnalysis) -> list[str]:
    return [p.message for p in a.problems]


# -- effective_argv ---------------------------------------------------------------------------
def test_image_entrypoint_and_cmd_concatenate() -> None:
    got = effective_argv(Argv(("tini", "--")), Argv(("gunicorn", "app:app")), None, None)
    assert got == Argv(
        ("tini", "--", "gunicorn", "app:app"),
        origins=(ArgOrigin(IE, 0), ArgOrigin(IE, 1), ArgOrigin(IC, 0), ArgOrigin(IC, 1)),
    )


def test_shell_form_cmd_runs_through_sh() -> None:
    got = effective_argv(None, Argv(("python app.py --port 80",), shell_form=True), None, None)
    assert got is not None
    assert got.args == ("/bin/sh", "-c", "python app.py --port 80")
    assert got.origins == (ArgOrigin(IC, None), ArgOrigin(IC, None), ArgOrigin(IC, 0))
    assert got.shell_form is False


def test_shell_form_uses_the_shell_instruction() -> None:
    cmd = Argv(("exec uvicorn a:b",), shell_form=True, shell_prefix=("/bin/bash", "-o", "pipefail", "-c"))
    got = effective_argv(None, cmd, None, None)
    assert got is not None
    assert got.args == ("/bin/bash", "-o", "pipefail", "-c", "exec uvicorn a:b")


def test_shell_form_entrypoint_gets_cmd_as_positional_parameters() -> None:
    got = effective_argv(Argv(("run.sh",), shell_form=True), Argv(("a", "b")), None, None)
    assert got is not None
    assert got.args == ("/bin/sh", "-c", "run.sh", "a", "b")


def test_compose_entrypoint_drops_image_cmd() -> None:
    got = effective_argv(Argv(("/entry.sh",)), Argv(("web",)), Argv(("python", "x.py")), None)
    assert got == Argv(("python", "x.py"), origins=(ArgOrigin(CE, 0), ArgOrigin(CE, 1)))


def test_compose_entrypoint_and_command() -> None:
    got = effective_argv(Argv(("/entry.sh",)), Argv(("web",)), Argv(("tini", "--")), Argv(("celery",)))
    assert got is not None
    assert got.args == ("tini", "--", "celery")
    assert got.origins[2] == ArgOrigin(CC, 0)


def test_compose_command_keeps_image_entrypoint() -> None:
    got = effective_argv(Argv(("/entry.sh",)), Argv(("web",)), None, Argv(("worker",)))
    assert got is not None
    assert got.args == ("/entry.sh", "worker")
    assert got.origins == (ArgOrigin(IE, 0), ArgOrigin(CC, 0))


def test_empty_compose_command_does_not_clear_image_cmd() -> None:
    got = effective_argv(Argv(("/entry.sh",)), Argv(("web",)), None, Argv(()))
    assert got is not None
    assert got.args == ("/entry.sh", "web")


def test_empty_compose_entrypoint_drops_image_entrypoint_keeps_cmd() -> None:
    got = effective_argv(Argv(("/entry.sh",)), Argv(("python", "a.py")), Argv(()), None)
    assert got is not None
    assert got.args == ("python", "a.py")
    assert got.origins == (ArgOrigin(IC, 0), ArgOrigin(IC, 1))


def test_entrypoint_of_one_empty_string_is_none() -> None:
    assert effective_argv(Argv(("/entry.sh",)), Argv(("web",)), Argv(("",)), None) is None
    got = effective_argv(None, None, Argv(("",)), Argv(("python",)))
    assert got is not None
    assert got.args == ("python",)


def test_nothing_to_run() -> None:
    assert effective_argv(None, None, None, None) is None
    assert effective_argv(None, Argv(()), None, Argv(())) is None


# -- compose strings --------------------------------------------------------------------------
def test_compose_argv_splits_like_compose() -> None:
    assert compose_argv('gunicorn -b "0.0.0.0:80" app:app') == Argv(("gunicorn", "-b", "0.0.0.0:80", "app:app"))
    assert compose_argv(["a b", "c"]) == Argv(("a b", "c"))
    assert compose_argv(None) is None
    assert compose_argv("") == Argv(())
    assert compose_argv('echo "unterminated') is None


def test_split_compose_command_stops_at_operators() -> None:
    got = split_compose_command("python a.py && python b.py")
    assert got.words == ("python", "a.py")
    assert got.offsets == (0, 7)
    assert got.stopped_at == 12
    assert split_compose_command("a 2>err c").words == ("a",)
    assert split_compose_command("a x2>err c").words == ("a", "x2")


def test_split_compose_command_quotes_and_escapes() -> None:
    got = split_compose_command("a \"x\\y\" 'p\\q' r\\ s '' \"b c\"d")
    assert got.words == ("a", "xy", "p\\q", "r s", "", "b cd")
    assert got.error is None
    assert split_compose_command("echo $(date) `x y`").words == ("echo", "$(date)", "`x y`")


# -- the shell lexer --------------------------------------------------------------------------
def test_lexer_words_operators_and_positions() -> None:
    tokens = lex_script('cd /srv && exec x "a b" 2>&1 # note\nnext')
    assert tokens == [
        Word((Lit("cd", False, 0),), 0, 2, "cd"),
        Word((Lit("/srv", False, 3),), 3, 7, "/srv"),
        Op("&&", 8),
        Word((Lit("exec", False, 11),), 11, 15, "exec"),
        Word((Lit("x", False, 16),), 16, 17, "x"),
        Word((Lit("a b", True, 19),), 18, 23, '"a b"'),
        Op(">&", 25),
        Word((Lit("1", False, 27),), 27, 28, "1"),
        Op("\n", 35),
        Word((Lit("next", False, 36),), 36, 40, "next"),
    ]


def test_lexer_expansions() -> None:
    (word,) = lex_script('"$@"')
    assert word == Word((Param("@", "", (), True, 1),), 0, 4, '"$@"')
    (word,) = lex_script("${A:-x y}$(date)")
    assert isinstance(word, Word)
    assert word.parts == (Param("A", ":-", (Lit("x y", False, 5),), False, 0), Subst("date", False, 11))
    (word,) = lex_script("$'a\\tb'")
    assert word == Word((Lit("a\tb", True, 2),), 0, 7, "$'a\\tb'")


def test_lexer_skips_heredoc_bodies() -> None:
    tokens = lex_script("cat <<-EOF >/x\n\tnot a command\n\tEOF\nrun")
    assert [t.text if isinstance(t, Op) else t.raw for t in tokens] == ["cat", "<<-", "EOF", ">", "/x", "\n", "run"]


def test_lexer_rejects_unterminated_quotes() -> None:
    with pytest.raises(ShellSyntaxError):
        lex_script("echo 'oops")


# -- the examples of the brief ----------------------------------------------------------------
def test_nested_wrappers_gunicorn_with_worker_and_config_module() -> None:
    argv = ["tini", "--", "opentelemetry-instrument", "gunicorn", "-k", "uvicorn.workers.UvicornWorker",
            "-c", "python:app.gunicorn_conf", "app.main:app"]  # fmt: skip
    a = run(argv)
    assert ents(a) == [
        (K.MODULE, "app.gunicorn_conf", None, None, ("/app",)),
        (K.MODULE, "uvicorn.workers", "UvicornWorker", None, ("/app",)),
        (K.ASGI_WSGI_APP, "app.main", "app", None, ("/app",)),
    ]
    assert [(e.role, e.source_arg_index, e.launcher) for e in a.entries] == [
        (EntryRole.CONFIG, 7, "gunicorn"),
        (EntryRole.WORKER, 5, "gunicorn"),
        (EntryRole.MAIN, 8, "gunicorn"),
    ]
    assert progs(a) == [("tini", 0), ("opentelemetry-instrument", 2), ("gunicorn", 3)]
    assert a.unknown == ()
    assert a.problems == ()


def test_sh_c_cd_then_exec_uvicorn() -> None:
    a = run(["sh", "-c", "cd /srv && exec uvicorn api.main:app --host 0.0.0.0"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "api.main", "app", None, ("/srv",))]
    entry = a.entries[0]
    assert entry.workdir == "/srv"
    assert entry.where == Where(2, 24, 1, 25)
    assert progs(a) == [("sh", 0), ("uvicorn", 2)]
    assert a.programs[1].where == Where(2, 16, 1, 17)
    assert a.programs[1].context == "sh -c script"


MIGRATE = """#!/bin/sh
set -e
python manage.py migrate --noinput
alembic upgrade head
exec "$@"
"""


def test_entrypoint_script_migrates_then_execs_its_arguments() -> None:
    files = {
        "/docker-entrypoint.sh": MIGRATE,
        "/app/manage.py": "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')",
    }
    a = run(["/docker-entrypoint.sh", "gunicorn", "site.wsgi"], files=files)
    assert ents(a) == [
        (K.DJANGO_MANAGE, "site.settings", None, "/app/manage.py", ("/app",)),
        (K.ASGI_WSGI_APP, "site.wsgi", "application", None, ("/app",)),
    ]
    manage, app = a.entries
    assert manage.subcommand == "migrate"
    assert manage.where == Where(0, 24, 3, 8, "/docker-entrypoint.sh")
    assert app.source_arg_index == 2
    assert progs(a) == [("/docker-entrypoint.sh", 0), ("python", 0), ("alembic", 0), ("gunicorn", 1)]
    assert a.programs[2].where == Where(0, 52, 4, 1, "/docker-entrypoint.sh")
    assert a.programs[0].path == "/docker-entrypoint.sh"
    assert a.unknown == ()


@pytest.mark.parametrize("last", ['exec "${@}"', '"$@"', 'exec gosu app "$@"', 'exec "$@" # run CMD'])
def test_wrapper_script_endings(last: str) -> None:
    files = {"/e.sh": f"#!/bin/bash\nset -euo pipefail\n{last}\n"}
    a = run(["/e.sh", "celery", "--app=proj", "worker"], files=files)
    assert ents(a) == [(K.CELERY_APP, "proj", None, None, ("/app",))]
    assert (a.entries[0].source_arg_index, a.unknown, a.problems) == (2, (), ())


def test_unreadable_entrypoint_script_and_unknown_binary() -> None:
    a = run(["./entrypoint.sh", "python", "app.py"])
    assert a.entries == ()
    assert a.unknown == ("`./entrypoint.sh` (command) cannot be read: a binary, or a file the image lacks",)
    assert a.programs[0].path == "/app/entrypoint.sh"
    a = run(["./run-server", "--port", "80"])
    assert a.unknown == ("`./run-server` (command) cannot be read: a binary, or a file the image lacks",)
    assert progs(a) == [("./run-server", 0)]


def test_python_c_is_unknown_not_an_error() -> None:
    a = run(["python", "-c", "import app; app.main()"])
    assert a.entries == ()
    assert a.unknown == ("python: `python -c` runs inline code, which is not analysed",)
    assert a.problems == ()


def test_unknown_program_on_path() -> None:
    a = run(["nginx", "-g", "daemon off;"])
    assert a.unknown == ("`nginx` (command) is not a program preflight understands",)
    assert progs(a) == [("nginx", 0)]
    a = run(["sh", "-c", "python manage.py migrate; ls -la /app && sleep infinity"], {"DJANGO_SETTINGS_MODULE": "s"})
    assert (a.unknown, progs(a)) == ((), [("sh", 0), ("python", 2), ("ls", 2), ("sleep", 2)])


# -- the interpreter --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["python3", "app/main.py"], (K.SCRIPT, None, None, "/app/app/main.py", ("/app/app",))),
        (["python3.12", "-u", "/srv/run.py"], (K.SCRIPT, None, None, "/srv/run.py", ("/srv",))),
        (["/usr/local/bin/python", "-OO", "-m", "pkg.mod"], (K.MODULE, "pkg.mod", None, None, ("/app",))),
        (["python", "-X", "dev", "-Wignore", "-m", "svc"], (K.MODULE, "svc", None, None, ("/app",))),
        (["python", "-um", "svc"], (K.MODULE, "svc", None, None, ("/app",))),
        (["python", "-I", "x.py"], (K.SCRIPT, None, None, "/app/x.py", ())),
        (["python", "-P", "-m", "svc"], (K.MODULE, "svc", None, None, ())),
        (["pypy3", "--", "x.py"], (K.SCRIPT, None, None, "/app/x.py", ("/app",))),
    ],
)
def test_python_forms(argv: list[str], expected: tuple[object, ...]) -> None:
    a = run(argv)
    assert ents(a) == [expected]
    assert a.unknown == ()


def test_pythonpath_and_its_opt_outs() -> None:
    env: dict[str, str | None] = {"PYTHONPATH": "/lib:src"}
    assert ents(run(["python", "x.py"], env)) == [(K.SCRIPT, None, None, "/app/x.py", ("/app", "/lib", "/app/src"))]
    assert ents(run(["python", "-E", "x.py"], env)) == [(K.SCRIPT, None, None, "/app/x.py", ("/app",))]
    assert ents(run(["python", "-m", "m"], {"PYTHONSAFEPATH": "1"})) == [(K.MODULE, "m", None, None, ())]
    a = run(["python", "x.py"], {"PYTHONPATH": None})
    assert a.unknown == ("PYTHONPATH is set to a value that cannot be known",)


def test_python_m_server_is_a_launcher_module_and_the_app() -> None:
    a = run(["python", "-m", "uvicorn", "main:app", "--app-dir", "src"])
    assert ents(a) == [
        (K.MODULE, "uvicorn", None, None, ("/app",)),
        (K.ASGI_WSGI_APP, "main", "app", None, ("/app/src", "/app")),
    ]
    assert [e.role for e in a.entries] == [EntryRole.LAUNCHER, EntryRole.MAIN]


# -- Django -----------------------------------------------------------------------------------
def test_manage_py_settings_sources() -> None:
    env: dict[str, str | None] = {"DJANGO_SETTINGS_MODULE": "site.prod"}
    a = run(["python", "manage.py", "runserver", "0.0.0.0:8000"], env)
    assert ents(a) == [(K.DJANGO_MANAGE, "site.prod", None, "/app/manage.py", ("/app",))]
    assert a.entries[0].subcommand == "runserver"
    a = run(["python", "manage.py", "migrate", "--settings=site.test"], env)
    assert a.entries[0].module == "site.test"
    files = {"/app/manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n'}
    assert run(["python", "manage.py", "check"], files=files).entries[0].module == "site.settings"


def test_manage_py_without_settings_is_unknown() -> None:
    a = run(["python", "manage.py", "migrate", "--pythonpath", "lib"])
    assert ents(a) == [(K.DJANGO_MANAGE, None, None, "/app/manage.py", ("/app/lib", "/app"))]
    assert a.unknown == (
        "manage.py: the settings module cannot be known (no --settings, DJANGO_SETTINGS_MODULE or default)",
    )


def test_manage_py_options_before_the_subcommand() -> None:
    a = run(["python", "manage.py", "--settings=x", "migrate"])
    assert a.entries == ()
    assert problems(a) == ["manage.py: options must follow the sub-command (`--settings=x` is taken as a command name)"]


def test_executable_manage_py_and_django_admin() -> None:
    files = {"/app/manage.py": "#!/usr/bin/env python\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 's.base')\n"}
    a = run(["./manage.py", "migrate"], files=files)
    assert ents(a) == [(K.DJANGO_MANAGE, "s.base", None, "/app/manage.py", ("/app",))]
    a = run(["django-admin", "migrate", "--settings", "s.prod"])
    assert ents(a) == [(K.DJANGO_MANAGE, "s.prod", None, None, ())]


# -- ASGI/WSGI servers ------------------------------------------------------------------------
def test_uvicorn_factory_and_app_dir() -> None:
    a = run(["uvicorn", "--factory", "svc.api:create_app", "--app-dir", "/srv/src", "--port", "80"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "svc.api", "create_app", None, ("/srv/src",))]
    assert a.entries[0].factory is True
    a = run(["uvicorn"], {"UVICORN_APP": "svc:app", "UVICORN_FACTORY": "true"})
    assert ents(a) == [(K.ASGI_WSGI_APP, "svc", "app", None, ("/app",))]
    assert a.entries[0].factory is True
    assert a.entries[0].where == Where(0, env="UVICORN_APP")


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("main", 'uvicorn: the application "main" must be in format "<module>:<attribute>"'),
        ("main:create_app()", "uvicorn: `create_app()` is looked up as an attribute name and never called; "
         "use --factory with `main:create_app`"),
    ],
)  # fmt: skip
def test_uvicorn_app_string_faults(app: str, message: str) -> None:
    a = run(["uvicorn", app])
    assert a.entries == ()
    assert problems(a) == [message]
    assert a.problems[0].where == Where(1)


def test_gunicorn_app_forms() -> None:
    assert ents(run(["gunicorn", "-w", "4", "site.wsgi"])) == [
        (K.ASGI_WSGI_APP, "site.wsgi", "application", None, ("/app",))
    ]
    a = run(["gunicorn", "--bind=0.0.0.0:80", "app:create_app('prod')"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "create_app", None, ("/app",))]
    assert a.entries[0].factory is True


def test_gunicorn_chdir_and_pythonpath() -> None:
    a = run(["gunicorn", "--chdir", "/srv", "--pythonpath", "lib,vendor", "-w4", "app:app"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/srv/vendor", "/srv/lib", "/srv", "/app"))]


def test_gunicorn_config_file_names_the_app() -> None:
    files = {"/app/conf/gunicorn.conf.py": 'bind = "0.0.0.0:80"\nwsgi_app = "site.wsgi:application"\n'}
    a = run(["gunicorn", "-c", "conf/gunicorn.conf.py"], files=files)
    assert ents(a) == [
        (K.SCRIPT, None, None, "/app/conf/gunicorn.conf.py", ()),
        (K.ASGI_WSGI_APP, "site.wsgi", "application", None, ("/app",)),
    ]
    assert a.entries[0].role is EntryRole.CONFIG


def test_gunicorn_default_config_and_env_args() -> None:
    files = {"/srv/gunicorn.conf.py": "wsgi_app = 'svc:app'\n"}
    a = run(["gunicorn"], {"GUNICORN_CMD_ARGS": "--workers 3 --chdir /elsewhere"}, files, workdir="/srv")
    assert ents(a) == [(K.ASGI_WSGI_APP, "svc", "app", None, ("/elsewhere", "/srv"))]
    a = run(["gunicorn", "--workers", "2"])
    assert a.entries == ()
    assert a.unknown == ("gunicorn: no application argument: it must come from `wsgi_app` in a configuration file",)


def test_gunicorn_worker_classes() -> None:
    a = run(["gunicorn", "-k", "gevent", "app:app"])
    assert ents(a)[0] == (K.MODULE, "gevent", None, None, ("/app",))
    assert a.entries[0].role is EntryRole.WORKER
    assert len(run(["gunicorn", "-k", "sync", "app:app"]).entries) == 1
    assert problems(run(["gunicorn", "-k", "fancy", "app:app"])) == ["gunicorn: unknown worker class `fancy`"]


@pytest.mark.parametrize(
    ("argv", "env", "wsgi"),
    [
        (["gunicorn", "app:create_app"], {}, True),
        (["gunicorn", "-k", "gthread", "app:create_app"], {}, True),
        (["gunicorn", "app:create_app"], {"GUNICORN_CMD_ARGS": "--workers 3"}, True),
        (["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "app:create_app"], {}, False),
        (["gunicorn", "app:create_app"], {"GUNICORN_CMD_ARGS": "-k uvicorn.workers.UvicornWorker"}, False),
        (["gunicorn", "app:create_app"], {"GUNICORN_CMD_ARGS": None}, False),
        (["gunicorn", "-c", "python:conf", "app:create_app"], {}, False),
        (["sh", "-c", 'gunicorn -k "$WORKER" app:create_app'], {"WORKER": None}, False),
    ],
)
def test_gunicorn_calls_the_app_as_wsgi_only_with_a_known_wsgi_worker(
    argv: list[str], env: dict[str, str | None], wsgi: bool
) -> None:
    apps = [e for e in run(argv, env).entries if e.kind is K.ASGI_WSGI_APP]
    assert [e.wsgi_call for e in apps] == [wsgi]


def test_gunicorn_faults_and_unknown_options() -> None:
    assert problems(run(["gunicorn", "app.py"])) == [
        "gunicorn: `app.py` is imported as a module name, not a file; write `app:application`"
    ]
    a = run(["gunicorn", "--mystery", "app:app"])
    assert a.entries == ()
    assert a.unknown == ("gunicorn: `--mystery` is an option preflight does not know: `app:app` may be its value",)
    assert ents(run(["gunicorn", "--thr", "2", "app:app"])) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    a = run(["gunicorn", "--work", "2", "app:app"])  # ambiguous prefix: argparse rejects it
    assert a.unknown == ("gunicorn: `--work` is an option preflight does not know: `2` may be its value",)


def test_hypercorn() -> None:
    assert ents(run(["hypercorn", "-b", "0.0.0.0:80", "svc.main"])) == [
        (K.ASGI_WSGI_APP, "svc.main", "app", None, ("/app",))
    ]
    a = run(["hypercorn", "-c", "python:conf.hyper", "src/api.py:create_app()"])
    assert ents(a) == [
        (K.MODULE, "conf.hyper", None, None, ()),
        (K.ASGI_WSGI_APP, "api", "create_app", None, ("/app/src",)),
    ]
    assert a.entries[1].factory is True
    assert problems(run(["hypercorn", "http:svc:app"])) == ["hypercorn: invalid mode `http`, must be 'asgi' or 'wsgi'"]


def test_daphne() -> None:
    a = run(["daphne", "-b", "127.0.0.1", "-p", "80", "proj.asgi:application"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "proj.asgi", "application", None, ("/app",))]
    assert problems(run(["daphne", "proj.asgi"])) == ["daphne: the application `proj.asgi` must be `module:attribute`"]


def test_granian() -> None:
    a = run(["granian", "--interface", "asgi", "--factory", "svc.main:build"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "svc.main", "build", None, ("/app",))]
    assert a.entries[0].factory is True
    a = run(["granian", "--interface", "wsgi", "--working-dir", "/srv", "src/app.py"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app/src", "/srv"))]


# -- Celery and Flask -------------------------------------------------------------------------
def test_celery_app_forms() -> None:
    a = run(["celery", "-A", "proj", "worker", "-l", "info"])
    assert ents(a) == [(K.CELERY_APP, "proj", None, None, ("/app",))]
    assert (a.entries[0].subcommand, a.entries[0].source_arg_index) == ("worker", 2)
    a = run(["celery", "--app=pkg.celery:app", "beat"])
    assert ents(a) == [(K.CELERY_APP, "pkg.celery", "app", None, ("/app",))]
    assert a.entries[0].where == Where(1, 6, 1, 7)
    a = run(["celery", "--app", "pkg.tasks", "--workdir", "/srv", "beat"])
    assert ents(a) == [(K.CELERY_APP, "pkg.tasks", None, None, ("/srv",))]
    assert a.entries[0].candidates == ("pkg.tasks", "pkg")
    assert a.entries[0].workdir == "/srv"


def test_celery_app_from_env_and_misplaced_option() -> None:
    a = run(["celery", "worker"], {"CELERY_APP": "proj"})
    assert ents(a) == [(K.CELERY_APP, "proj", None, None, ("/app",))]
    a = run(["celery", "worker", "-A", "proj"])
    assert ents(a) == [(K.CELERY_APP, "proj", None, None, ("/app",))]
    assert problems(a) == [
        "celery: `-A` after the sub-command `worker` is rejected by Celery 5; write `celery -A ... worker`"
    ]
    assert run(["celery", "worker"]).entries == ()


def test_flask_app_forms() -> None:
    a = run(["flask", "--app", "pkg", "run", "--host", "127.0.0.1"])
    assert ents(a) == [(K.FLASK_APP, "pkg", None, None, ("/app",))]
    assert a.entries[0].subcommand == "run"
    a = run(["flask", "--app", 'pkg:create_app("dev")', "run"])
    assert ents(a) == [(K.FLASK_APP, "pkg", "create_app", None, ("/app",))]
    assert a.entries[0].factory is True
    assert ents(run(["flask", "-A", "src/hello.py", "run"])) == [(K.FLASK_APP, "hello", None, None, ("/app/src",))]
    a = run(["flask", "run"], {"FLASK_APP": "web.app:app"})
    assert ents(a) == [(K.FLASK_APP, "web.app", "app", None, ("/app",))]
    assert a.entries[0].where.env == "FLASK_APP"


def test_flask_app_path_inside_a_package() -> None:
    files = {"/app/src/__init__.py": "", "/app/src/web/__init__.py": ""}
    a = run(["flask", "--app", "src/web/__init__.py", "run"], files=files)
    assert ents(a) == [(K.FLASK_APP, "src.web", None, None, ("/app",))]
    assert ents(run(["flask", "--app", "src/web/views:app", "run"], files=files)) == [
        (K.FLASK_APP, "src.web.views", "app", None, ("/app",))
    ]


def test_fastapi_cli() -> None:
    a = run(["fastapi", "run", "app/main.py", "--port", "80"], files={"/app/app/__init__.py": ""})
    assert ents(a) == [(K.ASGI_WSGI_APP, "app.main", None, None, ("/app",))]
    assert (a.entries[0].subcommand, a.entries[0].source_arg_index, a.entries[0].launcher) == ("run", 2, "fastapi")
    a = run(["fastapi", "dev", "--entrypoint", "svc.api:app"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "svc.api", "app", None, ("/app",))]
    pyproject = '[tool.fastapi]\nentrypoint = "backend.main:api"\n'
    a = run(["fastapi", "run"], files={"/app/pyproject.toml": pyproject})
    assert ents(a) == [(K.ASGI_WSGI_APP, "backend.main", "api", None, ("/app",))]
    assert a.entries[0].where == Where(0, script="/app/pyproject.toml")
    a = run(["fastapi", "run", "--app", "api"], files={"/app/app/main.py": "api = FastAPI()"})
    assert ents(a) == [(K.ASGI_WSGI_APP, "main", "api", None, ("/app/app",))]
    a = run(["fastapi", "run"])
    assert a.entries == ()
    assert a.unknown == (
        "fastapi: no app path, and none of main.py, app.py, api.py, app/main.py, app/app.py, app/api.py "
        "could be read in the working directory",
    )
    assert problems(run(["fastapi", "run", "x.py", "-e", "a:b"])) == [
        "fastapi: --entrypoint cannot be used together with a path or --app"
    ]


def test_flask_discovery_and_misplaced_app() -> None:
    a = run(["flask", "run"])
    assert ents(a) == [(K.FLASK_APP, None, None, None, ("/app",))]
    assert a.entries[0].candidates == ("wsgi", "app")
    a = run(["flask", "run"], files={"/app/app.py": "app = Flask(__name__)"})
    assert ents(a) == [(K.FLASK_APP, "app", None, None, ("/app",))]
    assert a.entries[0].candidates == ()
    a = run(["flask", "run", "--app", "x"])
    assert problems(a) == ["flask: `--app` is an option of `flask` itself: write `flask --app ... run`"]


# -- wrappers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "prefix",
    [
        ["dumb-init", "--"],
        ["dumb-init", "--rewrite", "15:2"],
        ["/usr/bin/tini", "-s", "--"],
        ["tini", "-g", "-p", "SIGTERM"],
        ["gosu", "app"],
        ["su-exec", "app:app"],
        ["wait-for-it", "db:5432", "-t", "30", "--"],
        ["dockerize", "-wait", "tcp://db:5432", "-timeout", "30s"],
        ["ddtrace-run"],
        ["newrelic-admin", "run-program"],
        ["opentelemetry-instrument", "--traces_exporter", "otlp", "--service_name=api"],
        ["nohup"],
        ["timeout", "-s", "KILL", "1h"],
        ["setpriv", "--reuid=1000", "--init-groups"],
        ["env", "-u", "DEBUG"],
    ],
)
def test_wrappers_reach_the_wrapped_command(prefix: list[str]) -> None:
    a = run([*prefix, "gunicorn", "app:app"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    assert a.entries[0].source_arg_index == len(prefix) + 1
    assert progs(a)[-1] == ("gunicorn", len(prefix))
    assert a.unknown == ()


def test_wait_for_it_without_a_command_runs_nothing_else() -> None:
    a = run(["wait-for-it", "db:5432"])
    assert (a.entries, a.unknown, progs(a)) == ((), (), [("wait-for-it", 0)])


def test_virtualenv_managers() -> None:
    a = run(["uv", "run", "--no-sync", "uvicorn", "app:app"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    assert [(p.name, p.managed_by) for p in a.programs] == [("uv", None), ("uvicorn", "uv")]
    assert ents(run(["uv", "run", "--directory", "/srv", "-m", "svc"])) == [(K.MODULE, "svc", None, None, ("/srv",))]
    assert ents(run(["uv", "run", "main.py"])) == [(K.SCRIPT, None, None, "/app/main.py", ("/app",))]
    a = run(["poetry", "run", "python", "-m", "svc"])
    assert ents(a) == [(K.MODULE, "svc", None, None, ("/app",))]
    assert a.programs[1].managed_by == "poetry"
    assert ents(run(["pipenv", "run", "celery", "-A", "p", "worker"])) == [(K.CELERY_APP, "p", None, None, ("/app",))]
    assert ents(run(["newrelic-admin", "run-python", "app.py"])) == [(K.SCRIPT, None, None, "/app/app.py", ("/app",))]


def test_env_wrapper_sets_variables() -> None:
    a = run(["env", "DJANGO_SETTINGS_MODULE=s.prod", "python", "manage.py", "migrate"])
    assert ents(a) == [(K.DJANGO_MANAGE, "s.prod", None, "/app/manage.py", ("/app",))]


# -- shell scripts ----------------------------------------------------------------------------
def test_sh_c_positional_parameters() -> None:
    a = run(["sh", "-c", 'exec "$@"', "sh", "gunicorn", "app:app"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    assert a.entries[0].source_arg_index == 5
    assert a.problems == ()


def test_assignments_prefix_only_their_command() -> None:
    script = "DJANGO_SETTINGS_MODULE=s.prod python manage.py migrate && python manage.py check"
    a = run(["sh", "-c", script])
    assert [(e.module, e.subcommand) for e in a.entries] == [("s.prod", "migrate"), (None, "check")]


def test_exported_and_unexported_variables() -> None:
    a = run(["sh", "-c", "export PYTHONPATH=/srv/lib; APP=x.y; exec python -m svc"])
    assert ents(a) == [(K.MODULE, "svc", None, None, ("/app", "/srv/lib"))]
    a = run(["sh", "-c", "FLASK_APP=hidden; exec flask run"])
    assert a.entries[0].candidates == ("wsgi", "app")


def test_variable_expansion_in_commands() -> None:
    a = run(["sh", "-c", "exec $CMD"], {"CMD": "gunicorn app:app"})
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    a = run(["sh", "-c", "exec uvicorn ${APP_MODULE:-svc.main:app} --port ${PORT:-80}"])
    assert ents(a) == [(K.ASGI_WSGI_APP, "svc.main", "app", None, ("/app",))]
    a = run(["sh", "-c", 'exec uvicorn "$APP_MODULE"'], {"APP_MODULE": None})
    assert a.entries == ()
    assert a.unknown == ('uvicorn: the application `"$APP_MODULE"` cannot be known',)
    a = run(["sh", "-c", "exec uvicorn $APP_MODULE"], {"APP_MODULE": None})
    assert a.unknown == ("uvicorn: `$APP_MODULE` may expand to options or to several words",)
    a = run(["sh", "-c", "exec $RUNNER"], {"RUNNER": None})
    assert a.unknown == ("the program `$RUNNER` (sh -c script) cannot be known",)


CASE = """#!/bin/bash
case "$1" in
  web)
    shift
    exec gunicorn app.wsgi "$@"
    ;;
  worker|beat) exec celery -A app "$1" ;;
  *) exec "$@" ;;
esac
"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["web", "-w", "2"], [(K.ASGI_WSGI_APP, "app.wsgi", "application", None, ("/app",))]),
        (["beat"], [(K.CELERY_APP, "app", None, None, ("/app",))]),
        (["python", "x.py"], [(K.SCRIPT, None, None, "/app/x.py", ("/app",))]),
    ],
)
def test_case_on_a_known_argument_picks_its_branch(args: list[str], expected: list[tuple[object, ...]]) -> None:
    a = run(["/entry.sh", *args], files={"/entry.sh": CASE})
    assert ents(a) == expected
    assert a.unknown == ()
    assert not any(e.conditional for e in a.entries)
    a = run(["/entry.sh", "web"], {"X": None}, files={"/entry.sh": CASE.replace('"$1"', '"$X"')})
    assert [(e.module, e.conditional) for e in a.entries] == [("app.wsgi", True), ("app", True)]


def test_if_branches_merge_and_unknown_workdir() -> None:
    script = '#!/bin/sh\nif [ -n "$X" ]; then\n  cd /a\nelse\n  cd /b\nfi\nexec python run.py\n'
    a = run(["/s.sh"], files={"/s.sh": script})
    assert ents(a) == [(K.SCRIPT, None, None, None, ())]
    assert a.entries[0].workdir is None
    assert a.unknown == ("the working directory of `python` (script /s.sh) cannot be known",)
    script = "#!/bin/sh\nif [ -f /x ]; then\n  cd /srv\nfi\ncd /opt\nexec python run.py\n"
    assert ents(run(["/s.sh"], files={"/s.sh": script})) == [(K.SCRIPT, None, None, "/opt/run.py", ("/opt",))]


def test_functions_heredocs_substitutions_and_tests() -> None:
    script = """#!/bin/sh
wait_db() {
  until pg_isready -h db; do sleep 1; done
}
cat > /etc/app.conf <<EOF
not_a_program --flag
EOF
export SECRET="$(cat /run/secrets/key)"
[[ -f /x && -f /y ]] && echo ok
wait_db
exec uvicorn app:app
"""
    a = run(["/s.sh"], files={"/s.sh": script})
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    assert [p.name for p in a.programs] == ["/s.sh", "pg_isready", "sleep", "cat", "cat", "uvicorn"]
    assert [p.conditional for p in a.programs] == [False, True, True, False, False, False]


def test_or_makes_the_right_side_conditional() -> None:
    a = run(["sh", "-c", "curl -f http://x || wget -q http://x; exec python a.py"])
    assert [(p.name, p.conditional) for p in a.programs] == [
        ("sh", False), ("curl", False), ("wget", True), ("python", False)
    ]  # fmt: skip


def test_sourced_files_and_path_lookup() -> None:
    files = {
        "/usr/local/bin/docker-entrypoint.sh": '#!/bin/sh\n. /app/env.sh\nexec "$@"\n',
        "/app/env.sh": "export DJANGO_SETTINGS_MODULE=s.docker\n",
    }
    a = run(["docker-entrypoint.sh", "python", "manage.py", "migrate"], files=files)
    assert ents(a) == [(K.DJANGO_MANAGE, "s.docker", None, "/app/manage.py", ("/app",))]
    assert a.programs[0].path is None


def test_eval_and_syntax_errors() -> None:
    a = run(["sh", "-c", 'eval "$START"; exec python a.py'])
    assert a.unknown == ("`eval` in sh -c script: the command it builds is not analysed",)
    a = run(["sh", "-c", "echo 'unterminated"])
    assert problems(a) == ["sh -c script: sh cannot parse it (unterminated single quote)"]


# -- certain faults ---------------------------------------------------------------------------
def test_exec_form_without_a_shell() -> None:
    a = run(["cd", "/srv"])
    assert problems(a) == [
        "`cd` is a shell builtin: without a shell it is looked up as a program, which does not exist"
    ]
    a = run(["DEBUG=1", "python", "a.py"])
    assert problems(a) == [
        "`DEBUG=1` is an environment assignment: without a shell it is looked up as a program, which does not exist"
    ]
    a = run(["python", "a.py", "&&", "python", "b.py"])
    assert problems(a) == ["`&&` is passed to `python` as an argument: without a shell nothing splits the command"]
    assert a.problems[0].where == Where(2)


def test_sh_c_script_split_over_words() -> None:
    a = run(["sh", "-c", "echo", "hello", "world"])
    assert problems(a) == [
        "only `echo` is the `-c` script: the words after it (`hello world`) become its $0, $1... and are not run"
    ]
    assert a.problems[0].where == Where(3)


def test_script_file_faults() -> None:
    files = {"/crlf.sh": '#!/bin/sh\r\nexec "$@"\r\n', "/bare.sh": 'exec "$@"\n', "/own.sh": "#!/bin/sh\nexec nginx\n"}
    assert problems(run(["/crlf.sh", "python", "a.py"], files=files)) == [
        "/crlf.sh has Windows line endings: the kernel looks for the interpreter `/bin/sh\\r`, which does not exist"
    ]
    a = run(["/bare.sh", "python", "a.py"], files=files)
    assert problems(a) == ["/bare.sh has no `#!` line: the kernel cannot execute it (exec format error)"]
    assert ents(a) == [(K.SCRIPT, None, None, "/app/a.py", ("/app",))]
    assert run(["sh", "/bare.sh", "python", "a.py"], files=files).problems == ()
    a = run(["/own.sh", "gunicorn", "app:app"], files=files)
    assert problems(a) == ["/own.sh never uses its arguments: `gunicorn app:app` is ignored"]
    assert a.problems[0].where == Where(1)
    files["/opts.sh"] = '#!/bin/sh\nwhile getopts "v" o; do :; done\nexec nginx\n'
    assert run(["/opts.sh", "-v"], files=files).problems == ()


# -- health checks ----------------------------------------------------------------------------
def _names(test: list[str] | str) -> list[tuple[str, int]]:
    return [(p.name, p.arg_index) for p in healthcheck_programs(test)]


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        (["CMD", "curl", "-f", "http://localhost"], [("curl", 1)]),
        (["CMD-SHELL", "curl -f http://localhost || exit 1"], [("/bin/sh", 0), ("curl", 1)]),
        ("wget -qO- http://localhost:8000/health || exit 1", [("/bin/sh", 0), ("wget", 0)]),
        (["CMD-SHELL", "pg_isready -U $POSTGRES_USER && test -f /ready"], [("/bin/sh", 0), ("pg_isready", 1)]),
        (["CMD-SHELL", '[ -f /tmp/ok ] && echo "ok" && true'], [("/bin/sh", 0)]),
        (["CMD", "python", "-c", "import urllib.request"], [("python", 1)]),
        (["CMD", "/usr/local/bin/healthcheck"], [("/usr/local/bin/healthcheck", 1)]),
        (["CMD-SHELL", "$CHECK"], [("/bin/sh", 0)]),
        (["CMD-SHELL", "curl", "-f", "http://x"], [("/bin/sh", 0), ("curl", 1)]),
        (["CMD-SHELL", 'exec "$@"', "sh", "redis-cli", "ping"], [("/bin/sh", 0), ("redis-cli", 3)]),
        (["NONE"], []),
        ([], []),
    ],
)
def test_healthcheck_programs(test: list[str] | str, expected: list[tuple[str, int]]) -> None:
    assert _names(test) == expected


def test_healthcheck_positions() -> None:
    curl = healthcheck_programs(["CMD-SHELL", "true; curl -f http://x"])[1]
    assert curl.where == Where(1, 6, 1, 7)
    assert healthcheck_programs(["CMD-SHELL", "exit 0; curl -f http://x"])[1:] == ()  # never reached
    assert curl.context == "healthcheck"
    assert curl.path is None


def test_set_positional_activate_and_redirect_only_exec() -> None:
    script = '. /venv/bin/activate\nexec >/proc/1/fd/1 2>&1\nset -- gunicorn app:app\nexec "$@"'
    a = run(["bash", "-c", script])
    assert ents(a) == [(K.ASGI_WSGI_APP, "app", "app", None, ("/app",))]
    assert (a.unknown, a.problems) == ((), ())
    assert progs(a) == [("bash", 0), ("gunicorn", 2)]
    assert run([]) == EntryAnalysis((), (), ())


_SHELLISH = st.sampled_from(
    [*" \t\n;&|<>()$`'\"\\{}[]#=*?~!-:/", "if ", "then ", "fi", "case ", " in ", "esac", "do ", "done", "exec ",
     "cd ", "python ", "-m ", "gunicorn ", "a:b", "$@", "${X:-y}", "$(", "<<EOF\n", "EOF\n", "shift ", "x)", ";;",
     "export A=b ", "sh -c ", "[[ ", " ]]", "celery -A p ", "set -- ", "$1", '"$@"']
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(_SHELLISH, max_size=30).map("".join), st.lists(st.sampled_from(["gunicorn", "-c", "--", "a:b"])))
def test_arbitrary_shell_text_never_crashes(text: str, args: list[str]) -> None:
    assert isinstance(run(["sh", "-c", text, "sh", *args], {"X": None}), EntryAnalysis)
    assert isinstance(run(["/e.sh", *args], files={"/e.sh": "#!/bin/sh\n" + text}), EntryAnalysis)
    assert all(p.name for p in healthcheck_programs(text))
