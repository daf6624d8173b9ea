"""PF205."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.files import SourceText
from preflight.model.dotenv_files import dotenv_paths
from preflight.parse.dotenv_lint import DotenvIssueKind as IssueKind
from preflight.parse.dotenv_lint import DotenvReason as Reason
from preflight.parse.dotenv_lint import lint_dotenv
from preflight.rules.base import Rule, assert_never

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project
    from preflight.parse.dotenv_lint import DotenvIssue

_SEVERITY = {
    IssueKind.INVALID_LINE: Severity.ERROR,
    IssueKind.DUPLICATE_KEY: Severity.WARNING,
    IssueKind.SPACES_AROUND_EQUALS: Severity.WARNING,
    IssueKind.UNQUOTED_MULTILINE: Severity.ERROR,
    IssueKind.DOLLAR_INTERPOLATED: Severity.WARNING,
}


_NAME = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _deliberate(lines: list[str], line: int, col: int) -> bool:
    """Whether the `$` at (line, col) is plainly a reference: `${NAME}`, or `$NAME` naming a key
    an earlier line of the same file defines (compose substitutes that value)."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if text[col - 1 : col + 1] == "${":
        return True
    named = _NAME.match(text, col - 1)
    if named is None:
        return False
    defines = re.compile(rf"\s*(?:export\s+)?{named.group(1)}\s*[=:]")
    return any(defines.match(earlier) for earlier in lines[: line - 1])


class DotenvSyntax(Rule):
    """An env file has a line compose reads differently from what it looks like.

    ## What it does
    Checks `.env`, env templates and `env_file` files with compose's own `.env` rules: lines
    compose rejects, duplicate keys, spaces around `=`, unquoted multi-line values, and a `$` in
    an unquoted or double-quoted value, which compose interpolates (`PASS=ab$cd` becomes `ab`).
    A `${NAME}`, or a `$NAME` naming a key defined earlier in the same file, is a deliberate
    reference and is not reported.

    ## Why is this bad?
    A password with a `$` is silently truncated; a duplicated key keeps only its last value.

    ## Example
    ```
    REDIS_PASSWORD=s3cr$t
    ```

    ## Use instead
    ```
    REDIS_PASSWORD='s3cr$t'
    ```
    (single quotes keep the value literal; `export KEY=value` is fine too).

    ## References
    - [Compose: `.env` file syntax](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax)
    """

    id = "PF205"
    name = "dotenv-syntax"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Lint findings of every env-format file the project reads."""
        for path in dotenv_paths(project):
            source = project.tree.read_text(path)
            if not isinstance(source, SourceText):
                continue
            lines = source.text.splitlines()
            for issue in lint_dotenv(source.text, source.path):
                if issue.kind is IssueKind.DOLLAR_INTERPOLATED and _deliberate(lines, issue.line, issue.col):
                    continue
                yield self.at(
                    Span(source.path, issue.line, issue.col, issue.line, issue.end_col),
                    _message(issue),
                    severity=_SEVERITY.get(issue.kind, self.severity),
                )


def _message(issue: DotenvIssue) -> str:
    """Our own wording: compose's messages may quote a whole line, value included."""
    key, of = issue.key, f" of {issue.key}" if issue.key else ""
    match issue.reason:
        case Reason.NAME_CHARACTER:
            return "Compose cannot parse this line: invalid character in a variable name"
        case Reason.NAME_SPACE:
            return "Compose cannot parse this line: variable name contains a space"
        case Reason.UNTERMINATED_QUOTE:
            return f"the quoted value{of} is never closed; Compose rejects the file"
        case Reason.EXPORT_WITHOUT_NAME:
            return "`export` without a variable name; Compose rejects the file"
        case Reason.INVALID_TEMPLATE:
            return f"the value{of} has a `${{` Compose cannot interpolate; write `$$` for a literal `$`"
        case Reason.OTHER_SYNTAX:
            return issue.detail
        case Reason.NO_KEY:
            return "no variable name on this line"
        case Reason.NO_EQUALS_AT_EOF:
            return (
                "last line has no `=` and no final newline: Compose reads it as the value of a variable "
                "named '', not as a variable taken from the environment"
            )
        case Reason.DUPLICATE_KEY:
            return f"{key} is defined more than once (first on line {issue.first_line}); Compose uses the last one"
        case Reason.SPACES_AROUND_EQUALS:
            return f"spaces around `=` after {key}: Compose accepts them, `docker run --env-file` and shells do not"
        case Reason.COLON_SEPARATOR:
            return f"`{key}: value` is Compose-only syntax; `docker run --env-file` and shells need `{key}=value`"
        case Reason.UNQUOTED_MULTILINE:
            return (
                f"the value of {key} seems to continue on the next line; "
                "Compose reads one line of an unquoted value, quote it"
            )
        case Reason.DOLLAR_INTERPOLATED:
            return (
                f"the value of {key} contains a `$` that Compose interpolates; "
                "write `$$` or single-quote the value if the `$` is literal"
            )
        case _:
            assert_never(issue.reason)
