"""The PF205 env-file lint: lines of a compose env file that compose rejects or that are likely mistakes.

It runs compose's own `.env` parser (:mod:`preflight.parse.compose_dotenv`) and reports, as facts
that never hold a value (the rule words them), the problems compose would stop at and the statements that
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

__all__ = ["DotenvIssue", "DotenvIssueKind", "DotenvReason", "lint_dotenv"]


class DotenvIssueKind(enum.Enum):
    """What PF205 found in an env file."""

    INVALID_LINE = "invalid-line"
    DUPLICATE_KEY = "duplicate-key"
    SPACES_AROUND_EQUALS = "spaces-around-equals"
    UNQUOTED_MULTILINE = "unquoted-multiline"
    DOLLAR_INTERPOLATED = "dollar-interpolated"


class DotenvReason(enum.Enum):
    """Exactly what is wrong with the line, for the rule's wording (values are never kept)."""

    NAME_CHARACTER = "name-character"
    """An invalid character in a variable name."""
    NAME_SPACE = "name-space"
    """A variable name with a space in it."""
    UNTERMINATED_QUOTE = "unterminated-quote"
    """A quoted value that is never closed."""
    EXPORT_WITHOUT_NAME = "export-without-name"
    """`export` with no variable name."""
    INVALID_TEMPLATE = "invalid-template"
    """A `${` that compose cannot interpolate."""
    OTHER_SYNTAX = "other-syntax"
    """Another line compose rejects; `detail` is the parser's message (it never quotes values)."""
    NO_KEY = "no-key"
    """A line with `=` but no variable name."""
    NO_EQUALS_AT_EOF = "no-equals-at-eof"
    """A last line without `=` and without a final newline."""
    DUPLICATE_KEY = "duplicate-key"
    """A key defined again (`first_line` is where it was first)."""
    SPACES_AROUND_EQUALS = "spaces-around-equals"
    """Spaces around `=`."""
    COLON_SEPARATOR = "colon-separator"
    """`KEY: value`, which only compose reads."""
    UNQUOTED_MULTILINE = "unquoted-multiline"
    """An unquoted value that seems to continue on the next line."""
    DOLLAR_INTERPOLATED = "dollar-interpolated"
    """A `$` in a value that compose interpolates."""


@dataclass(frozen=True, slots=True)
class DotenvIssue:
    """One env-file finding: what, where and which key, never a value (values are secrets)."""

    kind: DotenvIssueKind
    reason: DotenvReason
    line: int
    col: int
    end_col: int
    key: str | None = None
    first_line: int | None = None
    """For a duplicate key: the line that defined it first."""
    detail: str = ""
    """For another syntax error: the parser's own message."""


# compose's messages may quote a whole line, value included: they only tell which reason it is
_COMPOSE_REASONS: Final = {
    "unexpected character": DotenvReason.NAME_CHARACTER,
    "key cannot contain a space": DotenvReason.NAME_SPACE,
    "unterminated quoted value": DotenvReason.UNTERMINATED_QUOTE,
    "zero length string": DotenvReason.EXPORT_WITHOUT_NAME,
    "Invalid template": DotenvReason.INVALID_TEMPLATE,
}
_Kind = DotenvIssueKind
_Finding: TypeAlias = "tuple[DotenvIssueKind, DotenvReason, int, int, int]"


def lint_dotenv(text: str, path: str) -> tuple[DotenvIssue, ...]:
    """Find lines of a compose env file that compose rejects or that are likely mistakes."""
    parser = DotenvParser(text.removeprefix("\ufeff"), lambda _name: UNKNOWN)
    parser.run()
    out: list[DotenvIssue] = []
    for recorded in parser.recorded:
        if recorded.folded:
            continue  # the multi-line value is reported once, as UNQUOTED_MULTILINE
        problem, key = recorded.problem, recorded.key
        reason = next((r for k, r in _COMPOSE_REASONS.items() if k in recorded.compose), DotenvReason.OTHER_SYNTAX)
        detail = problem.message if reason is DotenvReason.OTHER_SYNTAX else ""
        end_col = problem.end_col if problem.end_line == problem.line else problem.col + 1
        out.append(
            DotenvIssue(_Kind.INVALID_LINE, reason, problem.line, problem.col, end_col, key or None, detail=detail)
        )
    bad_lines = {r.problem.line for r in parser.recorded if not r.folded}
    continued = set(parser.continued)
    first_seen: dict[str, int] = {}
    for e in parser.entries:
        for kind, reason, line, col, end in _entry_findings(e, e.key in first_seen, bad_lines, continued):
            first = first_seen.get(e.key) if reason is DotenvReason.DUPLICATE_KEY else None
            out.append(DotenvIssue(kind, reason, line, col, end, e.key or None, first))
        first_seen.setdefault(e.key, e.line)
    return tuple(sorted(out, key=lambda i: (i.line, i.col, i.kind.value)))


def _entry_findings(e: DotenvEntry, duplicate: bool, bad_lines: set[int], continued: set[int]) -> Iterator[_Finding]:
    """The per-statement checks of :func:`lint_dotenv`."""
    key_end = e.col + len(e.key)
    if not e.key:
        reason = DotenvReason.NO_KEY if e.separator or e.inherited else DotenvReason.NO_EQUALS_AT_EOF
        yield _Kind.INVALID_LINE, reason, e.line, e.col, max(e.col + len(e.raw_value), e.col + 1)
        return
    if duplicate:
        yield _Kind.DUPLICATE_KEY, DotenvReason.DUPLICATE_KEY, e.line, e.col, key_end
    if e.separator == ":" or e.spaces_around_equals:
        end = e.value_col if e.value_line == e.line else key_end + 1
        yield (
            _Kind.SPACES_AROUND_EQUALS,
            DotenvReason.COLON_SEPARATOR if e.separator == ":" else DotenvReason.SPACES_AROUND_EQUALS,
            e.line,
            e.col,
            end,
        )
    raw = e.raw_value
    multiline = e.line in continued or raw.endswith("\\") or e.line + 1 in bad_lines
    if e.quote is Quote.NONE and raw and multiline:
        yield (
            _Kind.UNQUOTED_MULTILINE,
            DotenvReason.UNQUOTED_MULTILINE,
            e.value_line,
            e.value_col,
            e.value_col + len(raw),
        )
    if e.dollars:
        yield (_Kind.DOLLAR_INTERPOLATED, DotenvReason.DOLLAR_INTERPOLATED, *e.dollars[0])
