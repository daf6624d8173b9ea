"""The PF205 env-file lint: lines of a compose env file that compose rejects or that are likely mistakes.

It runs compose's own `.env` parser (:mod:`preflight.parse.compose_dotenv`) and reports, in our own
words and without ever quoting a value, the problems compose would stop at and the statements that
read differently from what they look like (duplicate keys, spaces around ``=``, unquoted multi-line
values, interpolated ``$``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

from preflight.parse.compose_dotenv import DotenvParser, Quote
from preflight.parse.interpolate import UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.parse.compose_dotenv import DotenvEntry

__all__ = ["DotenvIssue", "DotenvIssueKind", "lint_dotenv"]


class DotenvIssueKind(enum.Enum):
    """What PF205 found in an env file."""

    INVALID_LINE = "invalid-line"
    DUPLICATE_KEY = "duplicate-key"
    SPACES_AROUND_EQUALS = "spaces-around-equals"
    UNQUOTED_MULTILINE = "unquoted-multiline"
    DOLLAR_INTERPOLATED = "dollar-interpolated"


@dataclass(frozen=True, slots=True)
class DotenvIssue:
    """One env-file finding; the message names keys only, never values (they are secrets)."""

    kind: DotenvIssueKind
    message: str
    line: int
    col: int
    end_col: int
    key: str | None = None


# Our own wording: compose's messages may quote a whole line, value included.
_PROBLEM_MESSAGES: Final = {
    "unexpected character": "Compose cannot parse this line: invalid character in a variable name",
    "key cannot contain a space": "Compose cannot parse this line: variable name contains a space",
    "unterminated quoted value": "the quoted value{of} is never closed; Compose rejects the file",
    "zero length string": "`export` without a variable name; Compose rejects the file",
    "Invalid template": "the value{of} has a `${{` Compose cannot interpolate; write `$$` for a literal `$`",
}
_Kind = DotenvIssueKind
_MESSAGES: Final[dict[str | DotenvIssueKind, str]] = {
    "no-key": "no variable name on this line",
    "eof": "last line has no `=` and no final newline: Compose reads it as the value of a variable "
    "named '', not as a variable taken from the environment",
    _Kind.DUPLICATE_KEY: "{key} is defined more than once (first on line {first}); Compose uses the last one",
    _Kind.SPACES_AROUND_EQUALS: "spaces around `=` after {key}: Compose accepts them, "
    "`docker run --env-file` and shells do not",
    ":": "`{key}: value` is Compose-only syntax; `docker run --env-file` and shells need `{key}=value`",
    _Kind.UNQUOTED_MULTILINE: "the value of {key} seems to continue on the next line; "
    "Compose reads one line of an unquoted value, quote it",
    _Kind.DOLLAR_INTERPOLATED: "the value of {key} contains a `$` that Compose interpolates; "
    "write `$$` or single-quote the value if the `$` is literal",
}
_Finding: TypeAlias = "tuple[DotenvIssueKind, str | DotenvIssueKind, int, int, int]"


def lint_dotenv(text: str, path: str) -> tuple[DotenvIssue, ...]:
    """Find lines of a compose env file that compose rejects or that are likely mistakes."""
    parser = DotenvParser(text.removeprefix("\ufeff"), lambda _name: UNKNOWN)
    parser.run()
    out: list[DotenvIssue] = []
    for recorded in parser.recorded:
        if recorded.folded:
            continue  # the multi-line value is reported once, as UNQUOTED_MULTILINE
        problem, key = recorded.problem, recorded.key
        wording = next((m for k, m in _PROBLEM_MESSAGES.items() if k in recorded.compose), "")
        message = wording.format(of=f" of {key}" if key else "") or problem.message
        end_col = problem.end_col if problem.end_line == problem.line else problem.col + 1
        out.append(DotenvIssue(_Kind.INVALID_LINE, message, problem.line, problem.col, end_col, key or None))
    bad_lines = {r.problem.line for r in parser.recorded if not r.folded}
    continued = set(parser.continued)
    first_seen: dict[str, int] = {}
    for e in parser.entries:
        for kind, what, line, col, end in _entry_findings(e, e.key in first_seen, bad_lines, continued):
            message = _MESSAGES[what].format(key=e.key, first=first_seen.get(e.key))
            out.append(DotenvIssue(kind, message, line, col, end, e.key or None))
        first_seen.setdefault(e.key, e.line)
    return tuple(sorted(out, key=lambda i: (i.line, i.col, i.kind.value)))


def _entry_findings(e: DotenvEntry, duplicate: bool, bad_lines: set[int], continued: set[int]) -> Iterator[_Finding]:
    """The per-statement checks of :func:`lint_dotenv`."""
    key_end = e.col + len(e.key)
    if not e.key:
        what = "no-key" if e.separator or e.inherited else "eof"
        yield _Kind.INVALID_LINE, what, e.line, e.col, max(e.col + len(e.raw_value), e.col + 1)
        return
    if duplicate:
        yield _Kind.DUPLICATE_KEY, _Kind.DUPLICATE_KEY, e.line, e.col, key_end
    if e.separator == ":" or e.spaces_around_equals:
        end = e.value_col if e.value_line == e.line else key_end + 1
        yield (
            _Kind.SPACES_AROUND_EQUALS,
            e.separator if e.separator == ":" else _Kind.SPACES_AROUND_EQUALS,
            e.line,
            e.col,
            end,
        )
    raw = e.raw_value
    multiline = e.line in continued or raw.endswith("\\") or e.line + 1 in bad_lines
    if e.quote is Quote.NONE and raw and multiline:
        yield (
            _Kind.UNQUOTED_MULTILINE,
            _Kind.UNQUOTED_MULTILINE,
            e.value_line,
            e.value_col,
            e.value_col + len(raw),
        )
    if e.dollars:
        yield (_Kind.DOLLAR_INTERPOLATED, _Kind.DOLLAR_INTERPOLATED, *e.dollars[0])
