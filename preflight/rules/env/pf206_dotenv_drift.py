"""PF206."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.files import SourceText
from preflight.model.compose.env import TEMPLATE_NAMES
from preflight.parse.compose_dotenv import DotenvFile, parse_compose_dotenv
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class DotenvDrift(Rule):
    """`.env` and its template list different keys.

    ## What it does
    Compares the keys of a compose project's `.env` with those of its template
    (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `env.example`, `example.env`,
    `.env-template`...), both ways.

    ## Why is this bad?
    A key missing from `.env` is a variable a new deployment forgets to set; a key missing
    from the template is one the next developer never hears about.

    ## Example
    `.env` has `REDIS_PASSWORD`, `.env.example` does not.

    ## Use instead
    Keep both files listing the same keys (with dummy values in the template).
    """

    id = "PF206"
    name = "dotenv-drift"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Keys present in only one of `.env` and its template."""
        for compose in project.compose:
            env_path = compose.directory / ".env"
            template_path = next(
                (compose.directory / n for n in TEMPLATE_NAMES if (compose.directory / n).is_file()), None
            )
            if template_path is None or not env_path.is_file():
                continue
            env = self._parse(project, env_path)
            template = self._parse(project, template_path)
            if env is None or template is None:
                continue
            yield from self._missing(env, template, "is set in {here} but missing from the template {other}")
            yield from self._missing(template, env, "is listed in the template {here} but missing from {other}")

    def _parse(self, project: Project, path: object) -> DotenvFile | None:
        from pathlib import Path

        assert isinstance(path, Path)  # noqa: S101 - typed by the caller
        source = project.tree.read_text(path)
        if not isinstance(source, SourceText):
            return None
        return parse_compose_dotenv(source.text, source.path, None)

    def _missing(self, here: DotenvFile, other: DotenvFile, template: str) -> Iterator[Diagnostic]:
        """Keys of `here` that `other` lacks, reported at their line in `here`."""
        keys = {e.key for e in other.entries}
        for entry in here.entries:
            if entry.key in keys:
                continue
            keys.add(entry.key)
            yield self.at(
                Span(here.path, entry.line, entry.col, entry.line, entry.col + len(entry.key)),
                f"`{entry.key}` " + template.format(here=here.path, other=other.path),
                help=f"add `{entry.key}` to {other.path} as well",
            )
