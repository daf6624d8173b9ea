"""Command line: `preflight check`, `preflight rules`, `preflight rule`. Every entry returns an int."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from preflight import __version__

FORMATS = ("text", "json", "sarif", "github", "junit")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _split(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


def _check_selectors(selectors: tuple[str, ...], option: str) -> None:
    from preflight.rules import ALL_RULES

    for selector in selectors:
        if selector.upper() == "ALL":
            continue
        if not any(r.id.startswith(selector.upper()) or r.name == selector for r in ALL_RULES):
            raise click.UsageError(f"{option}: unknown rule selector `{selector}`")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="preflight")
def cli() -> None:
    """Static pre-deploy checks for Python services shipped with Docker Compose."""


@cli.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, help="Rule ids or prefixes to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule ids or prefixes to skip (comma-separated).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails.")
@click.option("--env-file", multiple=True, help="Env file(s) for interpolation instead of .env.")
@click.option("-f", "--compose-file", multiple=True, help="Compose file(s), in merge order.")
@click.option("--profile", multiple=True, help="Only services compose would start with these profiles.")
@click.option("--use-os-env", is_flag=True, default=None, help="Let the process environment feed interpolation.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
@click.option("--no-color", is_flag=True, help="Plain text output (also NO_COLOR).")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings, one line each.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), help="Report only findings not in it.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), help="Record findings.")
def check(  # noqa: PLR0913 - one parameter per CLI option
    path: Path,
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    env_file: tuple[str, ...],
    compose_file: tuple[str, ...],
    profile: tuple[str, ...],
    use_os_env: bool | None,
    config_path: Path | None,
    no_color: bool,
    quiet: bool,
    output_file: Path | None,
    statistics: bool,
    exit_zero: bool,
    baseline: Path | None,
    write_baseline: Path | None,
) -> int:
    """Check the repository at PATH (default: the current folder)."""
    from preflight.config import ConfigError, load_config
    from preflight.diagnostics import Severity
    from preflight.engine import check as run_check

    if not path.is_dir():
        raise click.UsageError(f"{path}: not a folder")
    try:
        config = load_config(path.resolve(), config_path)
    except ConfigError as err:
        raise click.UsageError(str(err)) from err
    overrides: dict[str, object] = {}
    if select:
        overrides["select"] = _split(select)
    if ignore:
        overrides["ignore"] = config.ignore + _split(ignore)
    if fail_on:
        overrides["fail_on"] = Severity(fail_on)
    if env_file:
        overrides["env_files"] = tuple(str(Path(e).resolve()) if Path(e).exists() else e for e in env_file)
    if compose_file:
        overrides["compose_files"] = compose_file
    if profile:
        overrides["profiles"] = _split(profile)
    if use_os_env is not None:
        overrides["use_os_env"] = use_os_env
    config = dataclasses.replace(config, **overrides)  # type: ignore[arg-type]
    _check_selectors(config.select, "--select")
    _check_selectors(config.ignore, "--ignore")
    report = run_check(path, config, Path.cwd())
    text = _render(report, output_format, color=_use_color(no_color, output_file), quiet=quiet, root=path)
    if statistics:
        text += _statistics(report)
    if output_file is not None:
        output_file.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    failing = [d for d in report.diagnostics if d.severity.rank >= config.fail_on.rank]
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN


def _use_color(no_color: bool, output_file: Path | None) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and output_file is None and sys.stdout.isatty()


def _render(report: object, output_format: str, color: bool, quiet: bool, root: Path) -> str:
    from preflight.diagnostics import Report

    assert isinstance(report, Report)  # noqa: S101 - typed by the caller
    if output_format == "json":
        from preflight.report.json import render_json

        return render_json(report)
    from preflight.report.text import render_text

    return render_text(report, color=color, quiet=quiet)


def _statistics(report: object) -> str:
    from collections import Counter

    from preflight.diagnostics import Report

    assert isinstance(report, Report)  # noqa: S101 - typed by the caller
    counts = Counter((d.code, d.name) for d in report.diagnostics)
    return "".join(f"{n:>5}  {code} {name}\n" for (code, name), n in sorted(counts.items()))


@cli.command("rules")
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


@cli.command("rule")
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
        raise click.UsageError(f"unknown rule `{code}`; `preflight rules` lists them")
    click.echo(f"# {found.id} {found.name}\n\nDefault severity: {found.severity.value}\n\n{found.doc()}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 clean, 1 findings, 2 usage, 3 internal error)."""
    from preflight.errors import InternalError

    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="preflight", standalone_mode=False)
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except click.ClickException as err:
        err.show()
        return EXIT_USAGE
    except InternalError as err:
        click.echo(f"preflight: internal error: {err} (please report this)", err=True)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else EXIT_CLEAN
