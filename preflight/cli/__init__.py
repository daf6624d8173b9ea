"""Command line: `preflight check`, `graph`, `image`, `clean`, `rules` and `rule`; every entry returns an int."""

from __future__ import annotations

from preflight.cli.app import cli, main

__all__ = ["cli", "main"]
