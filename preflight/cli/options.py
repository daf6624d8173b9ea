"""What the commands share: output formats and exit codes, the options that decide what is loaded,
the config they make, running a check (with its progress line and cache) and writing the output."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    import threading

    from preflight.cache import CheckCache
    from preflight.config import Config
    from preflight.diagnostics import Report


FORMATS = ("text", "json", "sarif", "github", "junit")
GRAPH_FORMATS = ("mermaid", "dot")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SARIF_OUTPUT = "--sarif-output"

_F = TypeVar("_F", bound=Callable[..., Any])


def split_values(values: Sequence[str]) -> tuple[str, ...]:
    """Comma-separated option values, each stripped, empty ones dropped."""
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


def did_you_mean(word: str) -> str:
    """`; did you mean `PF402`?` for a mistyped rule id or name ("" when nothing is close)."""
    import difflib

    from preflight.rules.registry import ALL_RULES

    known = [r.id for r in ALL_RULES] + [r.name for r in ALL_RULES]
    if word[:2].upper() == "PF":
        # an id typed with a letter for a digit (`PF2O1`, `PF4l2`) means that digit
        word = "PF" + word[2:].upper().translate(str.maketrans("OIL", "011"))
    close = difflib.get_close_matches(word, known, n=5, cutoff=0.6)
    if not close:
        return ""
    # equally close candidates: the one sharing the longest prefix (`PF2011` is PF201, not PF211)
    best = max(close, key=lambda c: (difflib.SequenceMatcher(None, word, c).ratio(), _common_prefix(word, c)))
    return f"; did you mean `{best}`?"


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _check_selectors(selectors: tuple[str, ...], option: str) -> None:
    if not selectors:
        return
    from preflight.rules.registry import ALL_RULES

    for selector in selectors:
        if selector.upper() == "ALL":
            continue
        if not any(r.id.startswith(selector.upper()) or r.name == selector for r in ALL_RULES):
            raise click.UsageError(f"{option}: unknown rule selector `{selector}`{did_you_mean(selector)}")


def loading_options(func: _F) -> _F:
    """The options that decide what is loaded: env files, compose files, profiles, config."""
    options = [
        click.option("--select", multiple=True, help="Rule ids or prefixes to run (comma-separated)."),
        click.option("--extend-select", multiple=True, help="Rule ids or prefixes to run besides `select`."),
        click.option("--ignore", multiple=True, help="Rule ids or prefixes to skip (comma-separated)."),
        click.option("--env-file", multiple=True, help="Env file(s) for interpolation instead of .env."),
        click.option("-f", "--compose-file", multiple=True, help="Compose file(s), in merge order."),
        click.option("--profile", multiple=True, help="Only services compose would start with these profiles."),
        click.option(
            "--use-os-env", is_flag=True, default=None, help="Let the process environment feed interpolation."
        ),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def load_cli_config(path: Path, config_path: Path | None, fail_on: str | None, **given: Any) -> Config:
    """The config file's settings overridden by the command line (usage errors exit 2)."""
    from preflight.config import ConfigError, load_config
    from preflight.diagnostics import Severity

    if not path.is_dir():
        raise click.UsageError(f"{path}: not a folder")
    try:
        config = load_config(path.resolve(), config_path)
    except ConfigError as err:
        raise click.UsageError(str(err)) from err
    # the config file's selectors are judged as the file's, the command line's as options
    source = config.source or "config"
    _check_selectors(config.select, f"{source}: `select`")
    _check_selectors(config.extend_select, f"{source}: `extend-select`")
    _check_selectors(config.ignore, f"{source}: `ignore`")
    _check_selectors(tuple(code for code, _ in config.severity), f"{source}: `severity`")
    for pattern, codes in config.per_path_ignores:
        _check_selectors(codes, f"{source}: `per-path-ignores` of `{pattern}`")
    overrides: dict[str, object] = {}
    if given["select"]:
        _check_selectors(split_values(given["select"]), "--select")
        overrides["select"] = split_values(given["select"])
    if given["extend_select"]:
        overrides["extend_select"] = config.extend_select + split_values(given["extend_select"])
        _check_selectors(split_values(given["extend_select"]), "--extend-select")
    if given["ignore"]:
        overrides["ignore"] = config.ignore + split_values(given["ignore"])
        _check_selectors(split_values(given["ignore"]), "--ignore")
    if fail_on:
        overrides["fail_on"] = Severity(fail_on)
    if given["env_file"]:
        missing = [e for e in given["env_file"] if not Path(e).is_file()]
        if missing:
            raise click.UsageError(f"--env-file: {missing[0]}: no such file")
        overrides["env_files"] = tuple(str(Path(e).resolve()) for e in given["env_file"])
    if given["compose_file"]:
        overrides["compose_files"] = given["compose_file"]
    if given["profile"]:
        overrides["profiles"] = split_values(given["profile"])
    if given["use_os_env"] is not None:
        overrides["use_os_env"] = given["use_os_env"]
    return dataclasses.replace(config, **overrides)  # type: ignore[arg-type]


def project_root(path: Path) -> Path:
    """PATH as given; without one, the project enclosing the current folder (said on stderr)."""
    source = click.get_current_context().get_parameter_source("path")
    if source is not click.core.ParameterSource.DEFAULT:
        return path
    from preflight.workspace import enclosing_project

    cwd = Path.cwd().resolve()
    found = enclosing_project(cwd)
    if found != cwd:
        import os.path

        click.echo(f"preflight: checking the project at {os.path.relpath(found, cwd)}", err=True)
    return found


class Progress:
    """`preflight: checking PATH ... 2.5s` on stderr while a long check runs, on a terminal only.

    Nothing is written unless the stream is a TTY (and not under pre-commit, CI or a dumb
    terminal) and the work lasts longer than `delay` seconds; the line is erased at the end.
    """

    def __init__(self, label: str, stream: TextIO, delay: float = 1.0, interval: float = 0.25) -> None:
        self.label, self.stream, self.delay, self.interval = label, stream, delay, interval
        self.shown = False
        self._done: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def wanted(self) -> bool:
        """Whether a progress line may be drawn on the stream."""
        quiet_env = any(name in os.environ for name in ("PRE_COMMIT", "CI")) or os.environ.get("TERM") == "dumb"
        isatty = getattr(self.stream, "isatty", None)
        return not quiet_env and callable(isatty) and bool(isatty())

    def __enter__(self) -> Progress:
        if self.wanted():
            import threading

            self._done = threading.Event()
            self._thread = threading.Thread(target=self._draw, args=(self._done,), daemon=True)
            self._thread.start()
        return self

    def _draw(self, done: threading.Event) -> None:
        import time

        started = time.monotonic()
        if done.wait(self.delay):
            return
        while True:
            self.stream.write(f"\r{self.label} {time.monotonic() - started:.1f}s")
            self.stream.flush()
            self.shown = True
            if done.wait(self.interval):
                return

    def __exit__(self, *exc_info: object) -> None:
        if self._done is not None and self._thread is not None:
            self._done.set()
            self._thread.join()
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def run_rules(path: Path, config: Config, cache: CheckCache | None = None) -> Report:
    """The report of a check of `path` (with a progress line on a terminal)."""
    from preflight.engine import check as run_check

    with Progress(f"preflight: checking {path} ...", sys.stderr):
        return run_check(path, config, Path.cwd(), cache)


def run_cached(path: Path, config: Config, cache_dir: Path | None, no_cache: bool) -> Report:
    """The report of a check, replayed from the cache when nothing it read has changed."""
    if no_cache:
        return run_rules(path, config)
    from preflight.cache import CheckCache, cache_folder

    root = path.resolve()
    cache = CheckCache(cache_folder(root, cache_dir), root, config, Path.cwd())
    report = cache.replay()
    if report is None:
        report = run_rules(path, config, cache)
        cache.save(report)
    return report


def write_output(target: Path, text: str) -> None:
    """Write an output file; a failure is a usage error naming the file."""
    try:
        target.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as err:
        raise click.ClickException(f"cannot write {target}: {err.strerror or err}") from err


def emit(text: str, output_file: Path | None, color: bool = False) -> None:
    """Print the output, or write it to `output_file`."""
    if output_file is not None:
        write_output(output_file, text)
    else:
        # click strips colours from a pipe unless told: FORCE_COLOR asks for them there
        click.echo(text, nl=False, color=True if color else None)
