"""The smaller commands: `graph`, `clean`, `rules` and `rule`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from preflight.cli.options import (
    EXIT_CLEAN,
    GRAPH_FORMATS,
    did_you_mean,
    emit,
    load_cli_config,
    loading_options,
    project_root,
    run_rules,
)


@click.command("graph")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "output_format", type=click.Choice(GRAPH_FORMATS), default="mermaid", show_default=True)
@loading_options
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

    path = project_root(path)
    config = load_cli_config(path, config_path, None, **loading)
    report = run_rules(path, config)
    try:
        project = build_project(path, config, Path.cwd())
    except Exception as err:
        raise InternalError("loading the project model", err) from err
    graph = build_graph(project, report)
    title = f"preflight: {path.resolve().name}"
    emit(render_dot(graph, title) if output_format == "dot" else render_mermaid(graph), output_file)
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
    from preflight.rules.registry import ALL_RULES

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
    from preflight.rules.registry import ALL_RULES, rule_by_id

    if show_all:
        click.echo("\n\n".join(f"# {r.id} {r.name}\n\n{r.doc()}" for r in ALL_RULES))
        return
    if code is None:
        raise click.UsageError("give a rule id (e.g. PF201) or --all")
    found = rule_by_id(code)
    if found is None:
        raise click.UsageError(f"unknown rule `{code}`{did_you_mean(code)} (`preflight rules` lists them)")
    click.echo(f"# {found.id} {found.name}\n\nDefault severity: {found.severity.value}\n\n{found.doc()}")
