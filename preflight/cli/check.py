"""`preflight check`: run the rules and report, with baselines, settings and statistics."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from preflight import __version__
from preflight.cli.options import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    FORMATS,
    SARIF_OUTPUT,
    emit,
    load_cli_config,
    loading_options,
    project_root,
    run_cached,
    write_output,
)

if TYPE_CHECKING:
    from preflight.baseline import Baseline
    from preflight.config import Config
    from preflight.diagnostics import Report


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails.")
@loading_options
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
    path = project_root(path)
    config = load_cli_config(path, config_path, fail_on, **loading)
    if show_settings:
        click.echo(_settings_text(path, config), nl=False)
        return EXIT_CLEAN
    accepted = _read_baseline(baseline) if baseline is not None else None
    report = run_cached(path, config, cache_dir, no_cache or show_files)
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
        write_output(
            sarif_output, _render(report, "sarif", color=False, quiet=False, root=root, config=config, status=status)
        )
    emit(text, output_file, color)
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

    write_output(target, write_baseline(report, report_fingerprints(report, source_line_reader(root))))
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
