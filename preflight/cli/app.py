"""The `preflight` command group and `main(argv) -> int`, which turns every outcome into an exit code.

Heavy modules are imported inside the commands so that `preflight --version` and shell
completion stay fast. New commands are registered in one place, at the end of this module.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from preflight import __version__
from preflight.cli.check import check
from preflight.cli.commands import clean_command, graph_command, rule_command, rules_command
from preflight.cli.image import image_command
from preflight.cli.options import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, SARIF_OUTPUT

if TYPE_CHECKING:
    from collections.abc import Sequence


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="preflight")
def cli() -> None:
    """Static pre-deploy checks for Python services shipped with Docker Compose."""


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
