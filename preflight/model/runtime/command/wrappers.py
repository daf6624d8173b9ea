"""Programs that run another command: init shims, privilege droppers, waiters, env managers.

`unwrap` returns the wrapped command (the words after the wrapper's own options) with what
the wrapper changes for it: the working directory (``uv run --directory``, ``env -C``), the
environment (``env A=b``), the virtualenv tool that provides its programs (uv, poetry,
pipenv). A wrapper whose command line is not understood yields no command and a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.runtime.command.cli import CliSpec, Opt, Style, parse_cli, spec

if TYPE_CHECKING:
    from collections.abc import Callable

    from preflight.model.runtime.command.vocabulary import Field


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """The command a wrapper runs and how it runs it."""

    rest: tuple[Field, ...]
    chdir: Field | None = None
    """A directory the wrapper changes to (relative to the current one)."""
    lose_workdir: str | None = None
    """Why the working directory becomes unknown."""
    env: tuple[tuple[str, str | None], ...] = ()
    clear_env: bool = False
    managed_by: str | None = None
    python: bool = False
    """``rest`` are interpreter arguments (``uv run app.py``, ``newrelic-admin run-python``)."""
    module: bool = False
    """With ``python``: ``rest[0]`` is a module to run as ``python -m`` (``uv run -m``)."""
    note: str | None = None


_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_TINI = spec("-h -s -v -w -g -l --version", "-p -e", Style.GETOPT)
_DUMB_INIT = spec("-c --single-child -v --verbose -V --version -h --help", "-r --rewrite", Style.GETOPT)
_SETPRIV = spec(
    "--clear-groups --keep-groups --init-groups --nnp --no-new-privs --reset-env -d --dump -h --help",
    "--reuid --regid --groups --inh-caps --ambient-caps --bounding-set --securebits --pdeathsig "
    "--selinux-label --apparmor-profile --landlock-access --landlock-rule",
    Style.GETOPT,
)
_ENV = spec("-i --ignore-environment -0 --null -v --debug", "-u --unset -C --chdir -S --split-string", Style.GETOPT)
_NICE = spec("", "-n --adjustment", Style.GETOPT)
_TIMEOUT = spec("--preserve-status --foreground -v --verbose", "-s --signal -k --kill-after", Style.GETOPT)
_SUDO = spec("-E -H -n -S -i -s -b -P -k -K --preserve-env", "-u -g -C -D -h -p -r -t -U --user --group", Style.GETOPT)
_UV = spec(
    "--all-extras --no-dev --dev --only-dev --no-editable --exact --isolated --no-sync --locked --frozen --active "
    "--no-active --all-packages --no-project -s --script --gui-script -m --module --no-env-file --offline -n "
    "--no-cache -q --quiet -v --verbose --native-tls --no-progress --no-config --refresh --reinstall -U --upgrade "
    "--compile-bytecode --no-build-isolation --no-build --no-binary --no-sources --preview --no-python-downloads "
    "--managed-python --no-managed-python --all-groups --no-default-groups --no-install-project "
    "--no-install-workspace --no-install-local -h --help",
    "--extra --no-extra --group --no-group --only-group --with --with-editable --with-requirements --env-file "
    "--package -p --python --directory --project --index --default-index -i --index-url --extra-index-url -f "
    "--find-links --index-strategy --keyring-provider --resolution --prerelease --fork-strategy --exclude-newer "
    "--exclude-newer-package --no-build-isolation-package -C --config-setting --config-settings-package "
    "--link-mode --refresh-package --reinstall-package -P --upgrade-package --no-binary-package "
    "--no-build-package --cache-dir --config-file --color --allow-insecure-host --python-platform --from "
    "--no-install-package",
    Style.GETOPT,
)
_POETRY = spec(
    "-q --quiet -v -vv -vvv --verbose -n --no-interaction --ansi --no-ansi --no-plugins --no-cache -h --help "
    "-V --version",
    "-C --directory -P --project",
    Style.GETOPT,
)
_PIPENV = spec("-v --verbose -q --quiet --site-packages --system --clear --three --two", "--python --pypi-mirror",
               Style.GETOPT)  # fmt: skip
_DDTRACE = spec("-d --debug -i --info -p --profiling -v --version -h --help", "", Style.GETOPT)
_DOCKERIZE = spec(
    "-poll -no-overwrite -version -help --poll --no-overwrite --version --help -h",
    "-wait -timeout -template -stdout -stderr -delims -wait-retry-interval -wait-http-header -env -env-section "
    "-env-header --wait --timeout --template --stdout --stderr --delims --wait-retry-interval",
    Style.GETOPT,
)


def _opts(known: CliSpec, name: str, args: tuple[Field, ...]) -> Unwrapped:
    parsed = parse_cli(known, args)
    if parsed.uncertain:
        return Unwrapped((), note=f"{name}: {parsed.uncertain}")
    return Unwrapped((*parsed.positionals, *parsed.rest))


def _skip(count: int) -> Callable[[str, tuple[Field, ...]], Unwrapped]:
    return lambda name, args: Unwrapped(args[count:] if len(args) > count else ())


def _after_dashes(name: str, args: tuple[Field, ...]) -> Unwrapped:
    for k, word in enumerate(args):
        if word.text == "--":
            return Unwrapped(args[k + 1 :])
    return Unwrapped(())


def _env(name: str, args: tuple[Field, ...]) -> Unwrapped:
    parsed = parse_cli(_ENV, args)
    if parsed.uncertain or parsed.last("-S", "--split-string"):
        return Unwrapped((), note=f"env: {parsed.uncertain or 'the -S command line is not analysed'}")
    rest = [*parsed.positionals, *parsed.rest]
    pairs: list[tuple[str, str | None]] = []
    while rest and rest[0].text is not None and (m := _ASSIGN.match(rest[0].text)) is not None:
        pairs.append((m.group(1), m.group(2)))
        rest.pop(0)
    chdir = parsed.last("-C", "--chdir")
    clear = parsed.last("-i", "--ignore-environment") is not None
    return Unwrapped(tuple(rest), chdir.value if chdir else None, env=tuple(pairs), clear_env=clear)


def _timeout(name: str, args: tuple[Field, ...]) -> Unwrapped:
    found = _opts(_TIMEOUT, name, args)
    return Unwrapped(found.rest[1:], note=found.note)


def _uv(name: str, args: tuple[Field, ...]) -> Unwrapped:
    """``uv run``/``uv tool run``/``uvx``: options, then the command (or a .py file, or -m module)."""
    manager = "uvx" if name == "uvx" else "uv"
    options: list[Opt] = []
    words = args
    if name == "uv":
        head = parse_cli(_UV, args)
        if head.uncertain:
            return Unwrapped((), note=f"uv: {head.uncertain}")
        options.extend(head.options)
        sub = (*head.positionals, *head.rest)
        texts = [w.text for w in sub[:2]]
        if texts[:1] == ["run"]:
            words = sub[1:]
        elif texts == ["tool", "run"]:
            words, manager = sub[2:], "uvx"
        else:
            return Unwrapped(())
    parsed = parse_cli(_UV, words)
    if parsed.uncertain:
        return Unwrapped((), note=f"{name}: {parsed.uncertain}")
    options.extend(parsed.options)
    command = (*parsed.positionals, *parsed.rest)
    names = {o.name for o in options}
    directory = next((o.value for o in reversed(options) if o.name == "--directory"), None)
    module = bool(names & {"-m", "--module"})
    script = bool(names & {"-s", "--script"}) or bool(
        command and command[0].text is not None and command[0].text.endswith(".py")
    )
    return Unwrapped(command, directory, managed_by=manager, python=module or script, module=module)


def _run_sub(known: CliSpec, manager: str) -> Callable[[str, tuple[Field, ...]], Unwrapped]:
    def unwrap(name: str, args: tuple[Field, ...]) -> Unwrapped:
        parsed = parse_cli(known, args)
        if parsed.uncertain:
            return Unwrapped((), note=f"{name}: {parsed.uncertain}")
        if not parsed.positionals or parsed.positionals[0].text != "run":
            return Unwrapped(())
        rest = parsed.rest[1:] if parsed.rest and parsed.rest[0].text == "--" else parsed.rest
        lost = "`poetry -C` runs the command in another project directory" if parsed.last("-C", "--directory") else None
        return Unwrapped(rest, managed_by=manager, lose_workdir=lost)

    return unwrap


def _otel(name: str, args: tuple[Field, ...]) -> Unwrapped:
    k = 0
    while k < len(args) and args[k].text is not None and args[k].text.startswith("-"):  # type: ignore[union-attr]
        text = args[k].text or ""
        if text == "--":
            return Unwrapped(args[k + 1 :])
        k += 1 if "=" in text or text in ("-h", "--help", "--version") else 2
    return Unwrapped(args[k:])


def _newrelic(name: str, args: tuple[Field, ...]) -> Unwrapped:
    sub = args[0].text if args else None
    if sub in ("run-program", "run-python"):
        return Unwrapped(args[1:], python=sub == "run-python")
    return Unwrapped(())


WRAPPERS: dict[str, Callable[[str, tuple[Field, ...]], Unwrapped]] = {
    "tini": lambda n, a: _opts(_TINI, n, a),
    "tini-static": lambda n, a: _opts(_TINI, n, a),
    "dumb-init": lambda n, a: _opts(_DUMB_INIT, n, a),
    "gosu": _skip(1),
    "su-exec": _skip(1),
    "setpriv": lambda n, a: _opts(_SETPRIV, n, a),
    "sudo": lambda n, a: _opts(_SUDO, n, a),
    "nohup": _skip(0),
    "env": _env,
    "nice": lambda n, a: _opts(_NICE, n, a),
    "timeout": _timeout,
    "uv": _uv,
    "uvx": _uv,
    "poetry": _run_sub(_POETRY, "poetry"),
    "pipenv": _run_sub(_PIPENV, "pipenv"),
    "opentelemetry-instrument": _otel,
    "ddtrace-run": lambda n, a: _opts(_DDTRACE, n, a),
    "newrelic-admin": _newrelic,
    "wait-for-it": _after_dashes,
    "wait-for-it.sh": _after_dashes,
    "wait-for": _after_dashes,
    "wait-for.sh": _after_dashes,
    "dockerize": lambda n, a: _opts(_DOCKERIZE, n, a),
}
"""Wrappers by program name (basename)."""


def unwrap(name: str, args: tuple[Field, ...]) -> Unwrapped | None:
    """The command a wrapper program runs; None when ``name`` is not a known wrapper."""
    handler = WRAPPERS.get(name)
    return None if handler is None else handler(name, args)
