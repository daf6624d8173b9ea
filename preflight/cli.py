"""Command line: `preflight check`, `graph`, `rules` and `rule`. Every entry returns an int.

Heavy modules are imported inside the commands so that `preflight --version` and shell
completion stay fast. New commands are registered in one place, at the end of this module.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from preflight import __version__
from preflight.cli_image import image_command

if TYPE_CHECKING:
    import threading

    from preflight.baseline import Baseline
    from preflight.cache import CheckCache
    from preflight.config import Config
    from preflight.diagnostics import Report

FORMATS = ("text", "json", "sarif", "github", "junit")
GRAPH_FORMATS = ("mermaid", "dot")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SARIF_OUTPUT = "--sarif-output"

_F = TypeVar("_F", bound=Callable[..., Any])


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


def did_you_mean(word: str) -> str:
    """`; did you mean `PF402`?` for a mistyped rule id or name ("" when nothing is close)."""
    import difflib

    from preflight.rules import ALL_RULES

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
    from preflight.rules import ALL_RULES

    for selector in selectors:
        if selector.upper() == "ALL":
            continue
        if not any(r.id.startswith(selector.upper()) or r.name == selector for r in ALL_RULES):
            raise click.UsageError(f"{option}: unknown rule selector `{selector}`{did_you_mean(selector)}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="preflight")
def cli() -> None:
    """Static pre-deploy checks for Python services shipped with Docker Compose."""


def _loading_options(func: _F) -> _F:
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


def _load_config(path: Path, config_path: Path | None, fail_on: str | None, **given: Any) -> Config:
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
        _check_selectors(_split(given["select"]), "--select")
        overrides["select"] = _split(given["select"])
    if given["extend_select"]:
        overrides["extend_select"] = config.extend_select + _split(given["extend_select"])
        _check_selectors(_split(given["extend_select"]), "--extend-select")
    if given["ignore"]:
        overrides["ignore"] = config.ignore + _split(given["ignore"])
        _check_selectors(_split(given["ignore"]), "--ignore")
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
        overrides["profiles"] = _split(given["profile"])
    if given["use_os_env"] is not None:
        overrides["use_os_env"] = given["use_os_env"]
    return dataclasses.replace(config, **overrides)  # type: ignore[arg-type]


def _project_root(path: Path) -> Path:
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


class _Progress:
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

    def __enter__(self) -> _Progress:
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


def _run(path: Path, config: Config, cache: CheckCache | None = None) -> Report:
    from preflight.engine import check as run_check

    with _Progress(f"preflight: checking {path} ...", sys.stderr):
        return run_check(path, config, Path.cwd(), cache)


def _run_cached(path: Path, config: Config, cache_dir: Path | None, no_cache: bool) -> Report:
    """The report of a check, replayed from the cache when nothing it read has changed."""
    if no_cache:
        return _run(path, config)
    from preflight.cache import CheckCache, cache_folder

    root = path.resolve()
    cache = CheckCache(cache_folder(root, cache_dir), root, config, Path.cwd())
    report = cache.replay()
    if report is None:
        report = _run(path, config, cache)
        cache.save(report)
    return report


def _write(target: Path, text: str) -> None:
    try:
        target.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as err:
        raise click.ClickException(f"cannot write {target}: {err.strerror or err}") from err


def _emit(text: str, output_file: Path | None, color: bool = False) -> None:
    if output_file is not None:
        _write(output_file, text)
    else:
        # click strips colours from a pipe unless told: FORCE_COLOR asks for them there
        click.echo(text, nl=False, color=True if color else None)


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails.")
@_loading_options
@click.option("--no-color", is_flag=True, help="Plain text output (also NO_COLOR).")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings, one line each.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--statistics", is_flag=True, help="Count findings per rule (on stderr for non-text formats).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help="Report only findings not in it.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), help="Record findings, exit 0.")
@click.option("--show-settings", is_flag=True, help="Print the settings in force (and where from), then exit.")
@click.option("--show-files", is_flag=True, help="Print the files the check reads, then exit.")
@click.option(
    SARIF_OUTPUT,
    "sarif_output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a SARIF report here (on usage errors too, with the error as a notification).",
)
@click.option("--no-cache", is_flag=True, envvar="PREFLIGHT_NO_CACHE", help="Neither read nor write the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PREFLIGHT_CACHE_DIR",
    help="Cache folder (default PATH/.preflight_cache; also PREFLIGHT_CACHE_DIR).",
)
def check(
    path: Path,
    output_format: str,
    fail_on: str | None,
    config_path: Path | None,
    no_color: bool,
    quiet: bool,
    output_file: Path | None,
    statistics: bool,
    exit_zero: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    sarif_output: Path | None,
    show_settings: bool,
    show_files: bool,
    no_cache: bool,
    cache_dir: Path | None,
    **loading: Any,
) -> int:
    """Check the repository at PATH (default: the project enclosing the current folder)."""
    if baseline is not None and write_baseline is not None:
        raise click.UsageError("give either --baseline or --write-baseline, not both")
    path = _project_root(path)
    config = _load_config(path, config_path, fail_on, **loading)
    if show_settings:
        click.echo(_settings_text(path, config), nl=False)
        return EXIT_CLEAN
    accepted = _read_baseline(baseline) if baseline is not None else None
    report = _run_cached(path, config, cache_dir, no_cache or show_files)
    if show_files:
        click.echo("".join(f"{name}\n" for name in report.read_files), nl=False)
        return EXIT_CLEAN
    root = path.resolve()
    if write_baseline is not None:
        return _write_baseline(report, root, write_baseline)
    if accepted is not None and baseline is not None:
        report = _apply_baseline(report, root, accepted, baseline)
    for rel, line, comment in report.unused_suppressions:
        click.echo(f"preflight: warning: {rel}:{line}: `{comment}` suppresses nothing; remove it", err=True)
    failing = [d for d in report.diagnostics if d.severity.rank >= config.fail_on.rank]
    status = EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN
    color = output_format == "text" and _use_color(no_color, output_file)
    text = _render(report, output_format, color=color, quiet=quiet, root=root, config=config, status=status)
    if statistics and output_format == "text":
        text += _statistics(report)
    elif statistics:
        click.echo(_statistics(report), err=True, nl=False)
    if sarif_output is not None:
        _write(
            sarif_output, _render(report, "sarif", color=False, quiet=False, root=root, config=config, status=status)
        )
    _emit(text, output_file, color)
    return status


def _read_baseline(path: Path) -> Baseline:
    from preflight.baseline import BaselineError, read_baseline

    try:
        return read_baseline(path)
    except BaselineError as err:
        raise click.ClickException(f"--baseline: {' '.join(str(err).split())}") from err


def _write_baseline(report: Report, root: Path, target: Path) -> int:
    from preflight.baseline import write_baseline
    from preflight.report.fingerprint import report_fingerprints, source_line_reader

    _write(target, write_baseline(report, report_fingerprints(report, source_line_reader(root))))
    entries = len(report.diagnostics)
    click.echo(f"preflight: wrote {entries} baseline entr{'y' if entries == 1 else 'ies'} to {target}", err=True)
    return EXIT_CLEAN


def _apply_baseline(report: Report, root: Path, accepted: Baseline, source: Path) -> Report:
    from preflight.baseline import apply_baseline
    from preflight.diagnostics import Report
    from preflight.report.fingerprint import report_fingerprints, source_line_reader

    fingerprints = report_fingerprints(report, source_line_reader(root))
    result = apply_baseline(report.diagnostics, fingerprints, accepted)
    hint = " (remove them with --write-baseline)" if result.fixed else ""
    click.echo(
        f"preflight: baseline {source}: {result.matched} matched, {result.fixed} fixed{hint}, {len(result.new)} new",
        err=True,
    )
    return Report(result.new, report.suppressed, report.files_checked, report.services, notes=report.notes)


def _use_color(no_color: bool, output_file: Path | None) -> bool:
    """--no-color, then FORCE_COLOR (colour even when piped), then NO_COLOR, then a terminal."""
    if no_color or output_file is not None:
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _settings_text(root: Path, config: Config) -> str:
    """`--show-settings`: every setting in force, named as in the config file."""
    import json

    lines = [f"# root: {root.resolve()}", f"# config file: {config.source or '(none: defaults)'}"]
    for field in dataclasses.fields(config):
        if field.name == "source":
            continue
        value = getattr(config, field.name)
        if field.name in ("severity", "per_path_ignores", "import_names"):
            shown = "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value) + "}"
        else:
            shown = _toml_value(value)
        lines.append(f"{field.name.replace('_', '-')} = {shown}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    import enum
    import json

    if isinstance(value, enum.Enum):
        return json.dumps(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def _render(
    report: Report, output_format: str, *, color: bool, quiet: bool, root: Path, config: Config, status: int
) -> str:
    from preflight.workspace import path_prefix, report_base

    if output_format == "json":
        from preflight.report.json import render_json

        return render_json(report)
    if output_format == "sarif":
        from preflight.engine import select_rules
        from preflight.report.fingerprint import source_line_reader
        from preflight.report.sarif import render_sarif

        base = report_base(root, Path.cwd())
        return render_sarif(
            report,
            select_rules(config),
            __version__,
            line_text=source_line_reader(root),
            root_uri=base.as_uri(),
            path_prefix=path_prefix(root, base),
            exit_code=status,
        )
    if output_format == "github":
        from preflight.report.github import render_github

        return render_github(report, path_prefix(root, report_base(root, Path.cwd())))
    if output_format == "junit":
        from preflight.report.junit import render_junit

        return render_junit(report)
    from preflight.report.text import render_text

    return render_text(report, color=color, quiet=quiet)


def _statistics(report: Report) -> str:
    from collections import Counter

    counts = Counter((d.code, d.name) for d in report.diagnostics)
    return "".join(f"{n:>5}  {code} {name}\n" for (code, name), n in sorted(counts.items()))


@click.command("graph")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "output_format", type=click.Choice(GRAPH_FORMATS), default="mermaid", show_default=True)
@_loading_options
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the graph here.")
def graph_command(
    path: Path, output_format: str, config_path: Path | None, output_file: Path | None, **loading: Any
) -> int:
    """Draw the stack at PATH with its findings.

    Mermaid (default; pastes into Markdown) or Graphviz DOT (`| dot -Tsvg > stack.svg`).
    """
    from preflight.errors import InternalError
    from preflight.model.build import build_project
    from preflight.report.graph import render_dot, render_mermaid
    from preflight.report.stack_graph import build_graph

    path = _project_root(path)
    config = _load_config(path, config_path, None, **loading)
    report = _run(path, config)
    try:
        project = build_project(path, config, Path.cwd())
    except Exception as err:
        raise InternalError("loading the project model", err) from err
    graph = build_graph(project, report)
    title = f"preflight: {path.resolve().name}"
    _emit(render_dot(graph, title) if output_format == "dot" else render_mermaid(graph), output_file)
    return EXIT_CLEAN


@click.command("clean")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PREFLIGHT_CACHE_DIR",
    help="Cache folder (default PATH/.preflight_cache; also PREFLIGHT_CACHE_DIR).",
)
def clean_command(path: Path, cache_dir: Path | None) -> None:
    """Remove the cache of the check of PATH."""
    from preflight.cache import cache_folder, clean

    folder = cache_folder(path.resolve(), cache_dir)
    if not folder.exists():
        click.echo(f"preflight: no cache at {folder}", err=True)
    elif clean(folder):
        click.echo(f"preflight: removed {folder}", err=True)
    else:
        raise click.ClickException(f"{folder} is not a preflight cache folder; left alone")


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def rules_command(output_format: str) -> None:
    """List every rule."""
    from preflight.rules import ALL_RULES

    if output_format == "json":
        import json

        data = [
            {"code": r.id, "name": r.name, "severity": r.severity.value, "summary": r.summary(), "doc": r.doc()}
            for r in ALL_RULES
        ]
        click.echo(json.dumps(data, indent=2))
        return
    for r in ALL_RULES:
        click.echo(f"{r.id}  {r.name:<28} {r.severity.value:<8} {r.summary()}")


@click.command("rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Every rule's documentation.")
def rule_command(code: str | None, show_all: bool) -> None:
    """Print a rule's documentation (`preflight rule PF201`)."""
    from preflight.rules import ALL_RULES, rule_by_id

    if show_all:
        click.echo("\n\n".join(f"# {r.id} {r.name}\n\n{r.doc()}" for r in ALL_RULES))
        return
    if code is None:
        raise click.UsageError("give a rule id (e.g. PF201) or --all")
    found = rule_by_id(code)
    if found is None:
        raise click.UsageError(f"unknown rule `{code}`{did_you_mean(code)} (`preflight rules` lists them)")
    click.echo(f"# {found.id} {found.name}\n\nDefault severity: {found.severity.value}\n\n{found.doc()}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 clean, 1 findings, 2 usage, 3 internal error)."""
    from preflight.errors import InternalError

    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        result = cli.main(args=args, prog_name="preflight", standalone_mode=False)
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except click.ClickException as err:
        err.show()
        _write_failed_sarif(args, err.format_message(), EXIT_USAGE)
        return EXIT_USAGE
    except InternalError as err:
        click.echo(f"preflight: internal error: {err} (please report this)", err=True)
        _write_failed_sarif(args, f"internal error: {err}", EXIT_INTERNAL)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`preflight check | head`): stop quietly, as other filters do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as err:  # noqa: BLE001 - a crash outside the rules: still one line, exit 3
        click.echo(f"preflight: internal error: {type(err).__name__}: {err} (please report this)", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_CLEAN


def _sarif_output_of(args: Sequence[str]) -> str | None:
    """The `--sarif-output` value of a `check` command line, read without click (which failed)."""
    if "check" not in args:
        return None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == SARIF_OUTPUT and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(SARIF_OUTPUT + "="):
            return arg.split("=", 1)[1]
    return None


def _write_failed_sarif(args: Sequence[str], message: str, status: int) -> None:
    """Keep the promise of `--sarif-output` when the check could not run: a log saying why."""
    target = _sarif_output_of(args)
    if not target:
        return
    from preflight.report.sarif import render_sarif_failure

    try:
        text = render_sarif_failure(message, __version__, status, root_uri=Path.cwd().as_uri())
        Path(target).write_text(text, encoding="utf-8")
    except OSError as err:
        click.echo(f"preflight: cannot write {target}: {err.strerror or err}", err=True)


# --- Command registry: every `preflight` subcommand is registered here (`--help` sorts them). ---
# Add new commands with `cli.add_command(...)`, importing their module lazily inside the command.
cli.add_command(check)
cli.add_command(clean_command)
cli.add_command(graph_command)
cli.add_command(rules_command)
cli.add_command(rule_command)
cli.add_command(image_command)
