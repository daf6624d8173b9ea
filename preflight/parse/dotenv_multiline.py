"""Unquoted values that span several lines (a PEM key, a JSON document, a ``\\``-continued line).

Compose reads their later lines as keys (and fails on them); reporting them as keys would print
the secret, so they are folded into the value they continue, and their problems into one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from preflight.diagnostics import ParseProblem
from preflight.parse.dotenv_entries import Quote, RecordedProblem

if TYPE_CHECKING:
    from preflight.parse.dotenv_entries import DotenvEntry
    from preflight.parse.interpolate import Unknown


_BEGIN: Final = "-----BEGIN"

_END: Final = "-----END"

_OPEN: Final = {"{": "}", "[": "]"}

# `KEY=value` (a base64 line padded with `=` is not one)
_ASSIGNMENT: Final = re.compile(r"[\t ]*(?:export[\t ]+)?[A-Za-z_][\w.-]*[\t ]*[=:](?![=\s]*$)")


def _continuation_end(lines: list[str], first: int, raw: str) -> int:
    """The last line (0-based) of an unquoted value starting on line ``first``, or ``first``.

    A PEM block runs to its ``-----END`` line and a JSON document to its closing bracket, each
    stopping early at a blank line or at what reads as the next assignment; a line ending with
    ``\\`` continues on the next line.
    """
    last = len(lines) - 1
    i = first
    if raw.startswith(_BEGIN) or raw[:1] in _OPEN:
        depth = raw.count(raw[0]) - raw.count(_OPEN[raw[0]]) if raw[:1] in _OPEN else 1
        while depth > 0 and i < last:
            following = lines[i + 1]
            if not following.strip() or _ASSIGNMENT.match(following):
                break
            i += 1
            if raw[0] in _OPEN:
                depth += following.count(raw[0]) - following.count(_OPEN[raw[0]])
            elif _END in following:
                depth = 0
        return i
    while lines[i].rstrip().endswith("\\") and i < last and not _ASSIGNMENT.match(lines[i + 1]):
        i += 1
    return i


def fold_continuations(
    text: str,
    entries: list[DotenvEntry],
    values: dict[str, str | Unknown | None],
    recorded: list[RecordedProblem],
    continued: dict[int, int],
) -> None:
    """Fold the lines of unquoted multi-line values into their value, in place (see the module doc).

    `entries`, `values` and `recorded` are the parser's; `continued` gets, for each such value, its
    first line -> its last line.
    """
    lines = text.split("\n")
    folded: dict[int, tuple[int, DotenvEntry]] = {}  # continuation line -> (value line, entry)
    for entry in entries:
        if entry.quote is not Quote.NONE or entry.inherited or not entry.raw_value or entry.line in folded:
            continue
        end = _continuation_end(lines, entry.value_line - 1, entry.raw_value) + 1
        if end > entry.value_line:
            continued[entry.line] = end
            for line in range(entry.value_line + 1, end + 1):
                folded[line] = (entry.line, entry)
    if not folded:
        return
    kept = [e for e in entries if e.line not in folded]
    for dropped in entries:
        if dropped.line in folded and all(e.key != dropped.key for e in kept):
            values.pop(dropped.key, None)
    entries[:] = kept
    kept_problems: list[RecordedProblem] = []
    merged: set[int] = set()
    for r in recorded:
        owner = folded.get(r.problem.line)
        if owner is None:
            kept_problems.append(r)
            continue
        if owner[0] in merged:
            continue
        merged.add(owner[0])
        entry = owner[1]
        message = (
            f"the unquoted value of {entry.key} continues on the next lines, which Compose reads as "
            "variable names and cannot parse; quote the value"
        )
        span = ParseProblem(message, entry.value_line, entry.value_col, entry.value_line, entry.value_col + 1)
        kept_problems.append(RecordedProblem(span, entry.key, r.compose, folded=True))
    recorded[:] = sorted(kept_problems, key=lambda r: (r.problem.line, r.problem.col))
