"""PF002."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.model.compose.problems import LoadProblemKind as Kind
from preflight.rules.base import Rule, assert_never
from preflight.rules.issues import load_problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.problems import LoadProblem
    from preflight.model.project import Project


class UnreadableFile(Rule):
    """A file preflight needs cannot be read.

    ## What it does
    Reports every file the deployment reads (compose and env files, Dockerfiles, ignore files,
    requirements, pyproject.toml/setup.cfg/setup.py, Python modules) that is missing, not a
    regular file (a FIFO, a device), unreadable, not UTF-8 text (UTF-16 with a BOM is fine),
    binary (NUL bytes), larger than the size limit, a symlink loop, or a link pointing outside
    the checked repository, and build-context folders that cannot be listed. What such a file
    would have provided is then unknown: no other rule reports on its absence.

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
    runs_last = True

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Read problems collected while loading, and every file the model could not read."""
        unread = project.config.unread
        if unread is not None and not unread.syntax:
            yield self.at(Span(unread.path, unread.problem.line, unread.problem.col), unread.problem.message)
        for _, loading in load_problems(project):
            message = _message(loading)
            if message is not None:
                yield self.at(loading.span, message, service=loading.service)
        for compose in project.compose:
            for problem in compose.env.file_problems:
                yield self.at(Span(problem.path, problem.line, problem.col), problem.message)
        from preflight.model.runtime.container import project_runtimes

        project_runtimes(project)  # the model reads the rest lazily: complete it before asking what failed
        for problem in project.tree.problems():
            yield self.at(Span(problem.path, problem.line, problem.col), problem.message)


def _message(problem: LoadProblem) -> str | None:
    """The message for a compose file that cannot be read or is not there (others: other rules)."""
    match problem.kind:
        case Kind.UNREADABLE:
            return problem.detail
        case Kind.INCLUDE_MISSING:
            return f"included compose file `{problem.subject}` not found"
        case Kind.EXTENDS_MISSING:
            return f"extends file `{problem.subject}` not found"
        case (
            Kind.UNPARSABLE
            | Kind.NOT_A_MAPPING
            | Kind.EMPTY
            | Kind.INVALID_INTERPOLATION
            | Kind.SCHEMA
            | Kind.REQUIRED_VARIABLE
            | Kind.INCLUDE_CYCLE
            | Kind.INCLUDED_SERVICE_CONFLICT
            | Kind.EXTENDS_CYCLE
            | Kind.UNDEFINED_BASE_SERVICE
        ):
            return None
        case _:
            assert_never(problem.kind)
