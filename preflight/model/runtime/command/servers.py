"""ASGI/WSGI servers: what uvicorn, gunicorn, hypercorn, daphne and granian import.

Each reads its command line the way the server's own parser does (option tables in
`command.cli`) and records the app (module, attribute, factory) with the directories the
server puts on ``sys.path`` before importing it:

* uvicorn inserts ``--app-dir`` (default ``""``: the working directory); the app must be
  ``module:attribute`` and a factory is named with ``--factory`` (never ``f()``).
* gunicorn inserts the working directory, then ``--chdir``, then each ``--pythonpath`` entry;
  the app is ``module[:name]`` (name defaults to ``application``; ``name(literals)`` calls a
  factory); ``-c python:mod`` / ``-c file.py`` is executed as a config; ``-k`` names a worker
  class (dotted path, or a built-in one needing gevent/eventlet/tornado).
* hypercorn inserts the app path's parent (``module`` may be a file path); the name defaults
  to ``app`` and is evaluated (``create_app()`` works); ``-c python:mod``/``file:x.py``.
* daphne inserts ``.``; the app must be ``module:attribute.path``.
* granian inserts ``--working-dir`` (default the working directory), then the app path's parent
  as Flask does; the name defaults to ``app``; ``--factory`` calls it.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from preflight.model.runtime.command.cli import CliSpec, Launch, Parsed, Style, call_syntax, parse_cli, spec
from preflight.model.runtime.command.vocabulary import EntryKind, EntryRole, Field, Where

_CLICK_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})

UVICORN = spec(
    "--reload --access-log --no-access-log --use-colors --no-use-colors --proxy-headers --no-proxy-headers "
    "--server-header --no-server-header --date-header --no-date-header --version --factory --help --debug",
    "--host --port --uds --fd --reload-dir --reload-include --reload-exclude --reload-delay --workers --loop "
    "--http --ws --ws-max-size --ws-max-queue --ws-ping-interval --ws-ping-timeout --ws-per-message-deflate "
    "--lifespan --interface --env-file --log-config --log-level --forwarded-allow-ips --root-path "
    "--limit-concurrency --backlog --limit-max-requests --timeout-keep-alive --timeout-graceful-shutdown "
    "--ssl-keyfile --ssl-certfile --ssl-keyfile-password --ssl-version --ssl-cert-reqs --ssl-ca-certs "
    "--ssl-ciphers --header --app-dir --h11-max-incomplete-event-size --limit-max-requests-jitter "
    "--timeout-worker-healthcheck",
    Style.CLICK,
)
GUNICORN = spec(
    "--reload --spew --check-config --print-config --preload --no-sendfile --reuse-port -D --daemon --initgroups "
    "--disable-redirect-access-to-syslog --capture-output --log-syslog -R --enable-stdio-inheritance "
    "--enable-backlog-metric --suppress-ragged-eofs --do-handshake-on-connect --permit-obsolete-folding "
    "--strip-header-spaces --permit-unconventional-http-method --permit-unconventional-http-version "
    "--casefold-http-method --no-control-socket -v --version -h --help",
    "-c --config -b --bind --backlog -w --workers -k --worker-class --threads --worker-connections "
    "--max-requests --max-requests-jitter -t --timeout --graceful-timeout --keep-alive --limit-request-line "
    "--limit-request-fields --limit-request-field_size --reload-engine --reload-extra-file --chdir -e --env "
    "-p --pid --worker-tmp-dir -u --user -g --group -m --umask --forwarded-allow-ips --access-logfile "
    "--access-logformat --error-logfile --log-file --log-level --logger-class --log-config --log-config-json "
    "--log-syslog-to --log-syslog-prefix --log-syslog-facility --statsd-host --dogstatsd-tags --statsd-prefix "
    "-n --name --pythonpath --paste --paster --proxy-allow-from --protocol --uwsgi-allow-from --keyfile "
    "--certfile --ssl-version --cert-reqs --ca-certs --ciphers --http-protocols --http2-cleartext "
    "--http2-max-concurrent-streams --http2-initial-window-size --http2-max-frame-size "
    "--http2-max-header-list-size --paste-global --forwarder-headers --header-map --asgi-loop --asgi-lifespan "
    "--asgi-disconnect-grace-period --http-parser --root-path --dirty-app --dirty-workers --dirty-timeout "
    "--dirty-threads --dirty-graceful-timeout --control-socket --control-socket-mode --log-dict-config",
    Style.ARGPARSE,
)
HYPERCORN = spec(
    "-D --daemon --debug --reload -h --help",
    "--access-log --access-logfile --access-logformat --backlog -b --bind --ca-certs --certfile --cert-reqs "
    "--ciphers -c --config --error-log --error-logfile --log-file --graceful-timeout --read-timeout "
    "--max-requests --max-requests-jitter -g --group -k --worker-class --keep-alive --keyfile --keyfile-password "
    "--insecure-bind --log-config --log-level -p --pid --quic-bind --root-path --server-name --statsd-host "
    "--statsd-prefix -m --umask -u --user --verify-mode --websocket-ping-interval -w --workers",
    Style.ARGPARSE,
)
DAPHNE = spec(
    "--proxy-headers --no-server-name -h --help",
    "-p --port -b --bind --websocket_timeout --websocket_connect_timeout -u --unix-socket --fd -e --endpoint "
    "-v --verbosity -t --http-timeout --access-log --log-fmt --ping-interval --ping-timeout "
    "--websocket-max-message-size --websocket-max-frame-size --application-close-timeout --root-path "
    "--proxy-headers-host --proxy-headers-port -s --server-name",
    Style.ARGPARSE,
)
_GRANIAN_PAIRS = (
    "ws http1-keep-alive http1-pipeline-flush http2-adaptive-window log access-log ssl-client-verify "
    "respawn-failed-workers factory metrics reload reload-ignore-worker-failure opt reuse-address"
)
GRANIAN = spec(
    " ".join(f"--{n} --no-{n}" for n in _GRANIAN_PAIRS.split()) + " --version --help",
    "--host --port --uds --uds-permissions --interface --http --workers --blocking-threads "
    "--blocking-threads-idle-timeout --runtime-threads --runtime-blocking-threads --runtime-mode --loop "
    "--task-impl --backlog --backpressure --http1-buffer-size --http1-header-read-timeout "
    "--http2-initial-connection-window-size --http2-initial-stream-window-size --http2-keep-alive-interval "
    "--http2-keep-alive-timeout --http2-max-concurrent-streams --http2-max-frame-size --http2-max-headers-size "
    "--http2-max-send-buffer-size --log-level --log-config --access-log-fmt --ssl-certificate --ssl-keyfile "
    "--ssl-keyfile-password --ssl-protocol-min --ssl-ca --ssl-crl --url-path-prefix --respawn-interval "
    "--rss-sample-interval --rss-samples --workers-lifetime --workers-max-rss --workers-kill-timeout "
    "--working-dir --env-files --static-path-route --static-path-mount --static-path-dir-to-file "
    "--static-path-expires --metrics-scrape-interval --metrics-address --metrics-port --reload-paths "
    "--reload-ignore-dirs --reload-ignore-patterns --reload-ignore-paths --reload-tick --process-name "
    "--pid-file --threads --threading-mode --ssl-protocol",
    Style.CLICK,
)
_GUNICORN_WORKER_NEEDS = {"gevent": "gevent", "gevent_wsgi": "gevent", "gevent_pywsgi": "gevent",
                          "eventlet": "eventlet", "tornado": "tornado"}  # fmt: skip
_GUNICORN_WSGI_WORKERS = frozenset({"sync", "gthread", "gevent", "eventlet", "gevent_wsgi", "gevent_pywsgi"})
_GUNICORN_BUILTIN = frozenset({"sync", "gthread", "asgi", "gaiohttp", *_GUNICORN_WORKER_NEEDS})
_WSGI_APP = re.compile(r"""^wsgi_app\s*=\s*(['"])([^'"]+)\1\s*(?:#.*)?$""", re.MULTILINE)


def _parsed(launch: Launch, table: CliSpec) -> Parsed | None:
    parsed = parse_cli(table, launch.args)
    if parsed.uncertain:
        launch.note(parsed.uncertain)
        return None
    return parsed


def _app(launch: Launch, parsed: Parsed, env_name: str | None = None) -> Field | None:
    """The one APP argument (from the environment for uvicorn), or None after a note."""
    if len(parsed.positionals) > 1 and launch.name != "gunicorn":
        launch.problem(f"more than one application argument (`{parsed.positionals[1].show()}`)",
                       parsed.positionals[1].where)  # fmt: skip
    app = parsed.positionals[0] if parsed.positionals else None
    if app is None and env_name is not None and launch.env.get(env_name, "") != "":
        value = launch.env.get(env_name)
        app = Field(value, Where(launch.head.where.arg_index, env=env_name), raw=f"${env_name}")
    if app is None:
        if launch.name != "gunicorn":
            launch.problem("no application given", launch.head.where)
        return None
    if app.text is None:
        launch.note(f"the application `{app.raw}` cannot be known")
        return None
    return app


def _value(launch: Launch, parsed: Parsed, *names: str) -> str | None:
    opt = parsed.last(*names)
    if opt is None or opt.value is None:
        return None
    if opt.value.text is None:
        launch.note(f"the value of {opt.name} cannot be known")
    return opt.value.text


def uvicorn(launch: Launch) -> None:
    """``uvicorn [OPTIONS] module:attribute``."""
    parsed = _parsed(launch, UVICORN)
    app = None if parsed is None else _app(launch, parsed, "UVICORN_APP")
    if parsed is None or app is None or app.text is None:
        return
    app_dir = _value(launch, parsed, "--app-dir")
    if parsed.last("--app-dir") is None:
        app_dir = launch.env.get("UVICORN_APP_DIR", "")
    factory = parsed.last("--factory") is not None or (launch.env.get("UVICORN_FACTORY") or "").lower() in _CLICK_TRUE
    module, _, attrs = app.text.partition(":")
    if not module or not attrs:
        launch.problem(f'the application "{app.text}" must be in format "<module>:<attribute>"', app.where)
        return
    if "(" in attrs:
        launch.problem(f"`{attrs}` is looked up as an attribute name and never called; use --factory "
                       f"with `{module}:{attrs.partition('(')[0]}`", app.where)  # fmt: skip
        return
    directory = None if app_dir is None else launch.resolve(app_dir or ".")
    env_file = parsed.last("--env-file") is not None or launch.env.get("UVICORN_ENV_FILE", "") != ""
    launch.add(EntryKind.ASGI_WSGI_APP, app.where, module=module, attribute=attrs, factory=factory,
               sys_path=(directory, *launch.base_path, *launch.pythonpath()), launcher_env=env_file)  # fmt: skip


def _env_args(launch: Launch, name: str) -> Parsed | None:
    value = launch.env.get(name, "")
    if value is None:
        launch.note(f"{name} is set to a value that cannot be known")
        return None
    if not value:
        return None
    try:
        words = shlex.split(value)
    except ValueError:
        return None
    where = Where(launch.head.where.arg_index, env=name)
    return parse_cli(GUNICORN, [Field(w, where, raw=w) for w in words])


def gunicorn(launch: Launch) -> None:
    """``gunicorn [OPTIONS] module[:name]`` with GUNICORN_CMD_ARGS."""
    parsed = _parsed(launch, GUNICORN)
    if parsed is None:
        return
    from_env = _env_args(launch, "GUNICORN_CMD_ARGS")

    def pick(*names: str) -> tuple[str | None, Where | None]:
        for source in (parsed, from_env):
            if source is not None and (opt := source.last(*names)) is not None and opt.value is not None:
                if opt.value.text is None:
                    launch.note(f"the value of {opt.name} cannot be known")
                return opt.value.text, opt.value.where
        return None, None

    start = launch.workdir
    chdir_value, _ = pick("--chdir")
    chdir = launch.resolve(chdir_value) if chdir_value else start
    pythonpath, _ = pick("--pythonpath")
    extra = [launch.resolve(p, chdir) for p in (pythonpath or "").split(",") if p]
    sys_path = (*reversed(extra), chdir, start, *launch.base_path, *launch.pythonpath())
    config = pick("-c", "--config")
    config_text = _gunicorn_config(launch, config, (start, *launch.base_path, *launch.pythonpath()))
    worker, worker_where = pick("-k", "--worker-class")
    # a configuration file (`-c`, or ./gunicorn.conf.py, which the model looks for) may name another worker
    wsgi_call = (
        config[1] is None
        and launch.env.get("GUNICORN_CMD_ARGS", "") is not None
        and (worker_where is None or worker in _GUNICORN_WSGI_WORKERS)
    )
    if worker and worker_where is not None:
        _gunicorn_worker(launch, worker, worker_where, sys_path)
    app = _app(launch, parsed)
    if app is None:
        if parsed.last("--paste", "--paster") is not None:
            launch.note("the application comes from a PasteDeploy file (--paste)")
            return
        found = _WSGI_APP.findall(config_text or "")
        if not found:
            launch.note("no application argument: it must come from `wsgi_app` in a configuration file")
            return
        app = Field(found[-1][1], launch.head.where, raw=found[-1][1])
    if app.text is None:
        return
    module, colon, obj = app.text.partition(":")
    called = call_syntax(obj if colon else "application")
    if called is None:
        launch.problem(f"`{obj}` is not an attribute name or a call of one with literal arguments", app.where)
        return
    if not colon and module.endswith(".py"):
        launch.problem(f"`{module}` is imported as a module name, not a file; "
                       f"write `{module[:-3].replace('/', '.')}:application`", app.where)  # fmt: skip
        return
    # variables gunicorn sets itself (`-e`, `raw_env` of a configuration file preflight may not read)
    launcher_env = any(source is not None and source.last("-e", "--env") is not None for source in (parsed, from_env))
    launcher_env = launcher_env or config[1] is not None or "raw_env" in (config_text or "")
    launch.add(EntryKind.ASGI_WSGI_APP, app.where, module=module, attribute=called[0], factory=called[1],
               sys_path=sys_path, wsgi_call=wsgi_call, launcher_env=launcher_env)  # fmt: skip


def _gunicorn_config(
    launch: Launch, value: tuple[str | None, Where | None], sys_path: tuple[str | None, ...]
) -> str | None:
    """Record ``-c``; return the config file's text when it can be read."""
    location, where = value
    if location is None or where is None:
        default = launch.resolve("gunicorn.conf.py")
        return None if default is None else launch.read(default)
    if location.startswith("python:"):
        launch.role_entry(EntryRole.CONFIG, location[len("python:") :], where, sys_path)
        return None
    path = launch.resolve(location.removeprefix("file:"))
    launch.add(EntryKind.SCRIPT, where, path=path, role=EntryRole.CONFIG)
    return None if path is None else launch.read(path)


def _gunicorn_worker(launch: Launch, worker: str, where: Where, sys_path: tuple[str | None, ...]) -> None:
    name = worker.rpartition("#")[2] if worker.startswith("egg:") else worker
    if name in _GUNICORN_WORKER_NEEDS:
        launch.role_entry(EntryRole.WORKER, _GUNICORN_WORKER_NEEDS[name], where, sys_path)
    elif name not in _GUNICORN_BUILTIN and "." in name:
        launch.role_entry(EntryRole.WORKER, name, where, sys_path)
    elif name not in _GUNICORN_BUILTIN:
        launch.problem(f"unknown worker class `{worker}`", where)


def hypercorn(launch: Launch) -> None:
    """``hypercorn [OPTIONS] [asgi:|wsgi:]module[:app]``."""
    parsed = _parsed(launch, HYPERCORN)
    app = None if parsed is None else _app(launch, parsed)
    if parsed is None:
        return
    base = (*launch.base_path, *launch.pythonpath())
    config = parsed.last("-c", "--config")
    if config is not None and config.value is not None and config.value.text is not None:
        text = config.value.text
        if text.startswith("python:"):
            launch.role_entry(EntryRole.CONFIG, text[len("python:") :], config.value.where, base)
        elif text.startswith("file:"):
            path = launch.resolve(text[len("file:") :])
            launch.add(EntryKind.SCRIPT, config.value.where, path=path, role=EntryRole.CONFIG)
    worker = _value(launch, parsed, "-k", "--worker-class")
    if worker in ("uvloop", "trio") and (opt := parsed.last("-k", "--worker-class")) and opt.value:
        launch.role_entry(EntryRole.WORKER, worker, opt.value.where, base)
    if app is None or app.text is None:
        return
    pieces = app.text.split(":")
    if len(pieces) == 3 and pieces[0] not in ("asgi", "wsgi"):
        launch.problem(f"invalid mode `{pieces[0]}`, must be 'asgi' or 'wsgi'", app.where)
        return
    module, attr = (pieces[-2], pieces[-1]) if len(pieces) > 1 else (pieces[0], "app")
    parent, import_name = _path_module(launch, module)
    called = call_syntax(attr)
    launch.add(EntryKind.ASGI_WSGI_APP, app.where, module=import_name, attribute=called[0] if called else attr,
               factory=bool(called and called[1]), sys_path=(parent, *base))  # fmt: skip


def _path_module(launch: Launch, path: str) -> tuple[str | None, str]:
    """hypercorn's reading of an app path: (its parent directory, the module name)."""
    resolved = launch.resolve(path)
    name = posixpath.basename(path.rstrip("/")).removesuffix(".py")
    return (None if resolved is None else posixpath.dirname(resolved)), name


def daphne(launch: Launch) -> None:
    """``daphne [OPTIONS] module:attribute.path``."""
    parsed = _parsed(launch, DAPHNE)
    app = None if parsed is None else _app(launch, parsed)
    if app is None or app.text is None:
        return
    module, colon, attrs = app.text.partition(":")
    if not colon:
        launch.problem(f"the application `{app.text}` must be `module:attribute`", app.where)
        return
    launch.add(EntryKind.ASGI_WSGI_APP, app.where, module=module, attribute=attrs,
               sys_path=(launch.workdir, *launch.base_path, *launch.pythonpath()))  # fmt: skip


def granian(launch: Launch) -> None:
    """``granian [OPTIONS] path[:name]``."""
    parsed = _parsed(launch, GRANIAN)
    app = None if parsed is None else _app(launch, parsed)
    if parsed is None or app is None or app.text is None:
        return
    working = _value(launch, parsed, "--working-dir") or launch.env.get("GRANIAN_WORKING_DIR")
    factory_opt = parsed.last("--factory", "--no-factory")
    factory = (factory_opt.name == "--factory") if factory_opt else (
        (launch.env.get("GRANIAN_FACTORY") or "").lower() in _CLICK_TRUE
    )  # fmt: skip
    path, name = [*re.split(r":(?![\\/])", app.text, maxsplit=1), "app"][:2]
    if "(" in name:
        launch.problem(f"`{name}` is looked up as an attribute name and never called; use --factory", app.where)
        return
    parent, module = launch.package_module(path)
    directory = launch.resolve(working) if working else launch.workdir
    env_files = parsed.last("--env-files") is not None or launch.env.get("GRANIAN_ENV_FILES", "") != ""
    launch.add(EntryKind.ASGI_WSGI_APP, app.where, module=module, attribute=name, factory=factory,
               sys_path=(parent, directory, *launch.base_path, *launch.pythonpath()),
               launcher_env=env_files)  # fmt: skip
