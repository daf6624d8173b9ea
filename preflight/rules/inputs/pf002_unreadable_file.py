"""PF002."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.rules.base import Rule
from preflight.rules.issues import compose_issues

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class UnreadableFile(Rule):
    """A file preflight needs cannot be read.

    ## What it does
    Reports files that are missing, unreadable, not UTF-8 text (UTF-16 with a BOM is fine),
    binary, larger than the size limit, symlink loops, or links pointing outside the checked
    repository.

    ## Why is this bad?
    Compose, pip or BuildKit will fail on the same file, or read something other than what the
    repository shows.

    ## Example
    A `docker-compose.override.yml` saved as Latin-1, or an `.env` that is a symlink to
    `~/secrets/.env`.

    ## Use instead
    Save the file as UTF-8 and keep what the deployment reads inside the repository.
    """

    id = "PF002"
    name = "unreadable-file"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Read problems collected while loading, and every file the model could not read."""
        unread = project.config.unread
        if unread is not None and not unread.syntax:
            yield self.at(Span(unread.path, unread.problem.line, unread.problem.col), unread.problem.message)
        for issue in compose_issues(project, self.id):
            yield self.at(issue.span, issue.message, service=issue.service)
        for compose in project.compose:
            for problem in compose.env.file_problems:
                yield self.at(Span(problem.path, problem.line, problem.col), problem.message)
