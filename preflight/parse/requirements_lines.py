"""Logical lines and options of a pip requirements file, scanned the way pip's ``req_file.py`` does.

``\\`` continuations join lines (numbered by the first one) and ``#`` preceded by whitespace starts
a comment (:func:`logical_lines`); the options of a logical line are ``shlex``-split and checked by
an ``optparse`` parser of the options pip accepts in a requirements file, with pip's messages
(:func:`scan_options`). Each character keeps its physical (line, column), for exact spans.
Interpreting the requirement part is left to :mod:`preflight.parse.requirements`.
"""

from __future__ import annotations

import functools
import optparse
import re
import shlex
from dataclasses import dataclass, field
from typing import NoReturn

__all__ = [
    "LogicalLine",
    "Occurrence",
    "OptionsError",
    "PipOptionParser",
    "build_parser",
    "logical_lines",
    "scan_options",
]

_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_STRONG_HASHES = ("sha256", "sha384", "sha512")
# The options pip accepts in a requirements file (pip's cmdoptions); "=" marks those taking a value.
_OPTIONS = (
    "-i --index-url --pypi-url= | --extra-index-url= | --no-index | -c --constraint= | "
    "-r --requirement= | -e --editable= | -f --find-links= | --no-binary= | --only-binary= | "
    "--prefer-binary | --require-hashes | --no-require-hashes | --pre | --all-releases= | "
    "--only-final= | --trusted-host= | --use-feature= | --hash= | -C --config-settings="
)
_WORD_RE = re.compile(r"""(?:[^ \t\r\n'"\\]|\\.|'[^']*'|"(?:[^"\\]|\\.)*")+""", re.DOTALL)


class _OptparseError(Exception):
    """optparse's complaint about the options of a line (instead of exiting)."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class PipOptionParser(optparse.OptionParser):
    """An optparse parser that raises instead of printing and exiting."""

    def error(self, msg: str) -> NoReturn:
        raise _OptparseError(msg)

    def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
        raise _OptparseError(msg or "")


@functools.cache
def build_parser() -> PipOptionParser:
    """A parser of the options pip accepts in a requirements file (one per process: building
    it costs more than parsing a file, and `parse_args` keeps no state between calls)."""
    parser = PipOptionParser(add_help_option=False)
    for spec in _OPTIONS.split("|"):
        strings = spec.split()
        action = "append" if strings[-1].endswith("=") else "store_true"
        parser.add_option(*(string.rstrip("=") for string in strings), action=action)
    return parser


@dataclass(slots=True)
class LogicalLine:
    """A logical line with the physical (line, col) of each of its characters."""

    line: int
    text: str
    pos: list[tuple[int, int]] = field(default_factory=list)

    def at(self, offset: int) -> tuple[int, int]:
        if offset < len(self.pos):
            return self.pos[offset]
        if not self.pos:
            return (self.line, 1)
        last_line, last_col = self.pos[-1]
        return (last_line, last_col + 1)

    def span(self, start: int, end: int) -> tuple[int, int, int]:
        """(line, col, end_col) of text[start:end], clipped to the first physical line."""
        line, col = self.at(start)
        end_col = col
        for offset in range(start, max(end, start)):
            char_line, char_col = self.at(offset)
            if char_line != line:
                break
            end_col = char_col + 1
        return line, col, end_col


def logical_lines(content: str) -> list[LogicalLine]:
    """The non-empty logical lines of a file: continuations joined, comments and outer blanks removed."""
    out: list[LogicalLine] = []
    pending: LogicalLine | None = None
    for number, raw in enumerate(content.splitlines(), start=1):
        is_comment = _COMMENT_RE.match(raw) is not None
        if raw.endswith("\\") and not is_comment:
            if pending is None:
                pending = LogicalLine(number, "")
            start = len(raw) - len(raw.lstrip("\\"))
            end = max(start, len(raw.rstrip("\\")))
            pending.text += raw[start:end]
            pending.pos.extend((number, col + 1) for col in range(start, end))
            continue
        chars = " " + raw if is_comment else raw
        pos = [(number, 1)] * int(is_comment) + [(number, col + 1) for col in range(len(raw))]
        if pending is not None:
            pending.text += chars
            pending.pos.extend(pos)
            out.append(pending)
            pending = None
        else:
            out.append(LogicalLine(number, chars, pos))
    if pending is not None:
        out.append(pending)
    cleaned: list[LogicalLine] = []
    for logical in out:
        text = logical.text
        comment = _COMMENT_RE.search(text)
        if comment is not None:
            text = text[: comment.start()]
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if text:
            cleaned.append(LogicalLine(logical.line, text, logical.pos[lead : lead + len(text)]))
    return cleaned


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One option written on a line, with its value."""

    name: str  # long form
    typed: str  # the option string optparse resolved (what pip's messages quote)
    value: str | None
    start: int  # offsets into the options string: the whole occurrence, then its value
    end: int
    value_start: int


class OptionsError(Exception):
    """Options pip rejects on a line: its message and the offsets of the faulty text in the options."""

    def __init__(self, msg: str, start: int, end: int) -> None:
        super().__init__(msg)
        self.msg, self.start, self.end = msg, start, end


def scan_options(parser: PipOptionParser, text: str) -> list[Occurrence]:
    """The options of a line in order, checked like pip does; raises :class:`OptionsError`."""
    try:
        parser.parse_args(_shlex(text), parser.get_default_values())
        found = _occurrences(parser, text)
    except ValueError:
        raise OptionsError(f"Could not split options: {text}", 0, len(text)) from None
    except _OptparseError as exc:
        start, end = _error_span(exc.msg, text)
        raise OptionsError(exc.msg, start, end) from None
    for occ in found:
        error = _callback_error(occ)
        if error is not None:
            raise OptionsError(error, occ.start, occ.end)
    return found


def _shlex(text: str) -> list[str]:
    """shlex.split, with a fast path for the usual text without quotes or escapes."""
    if not any(char in text for char in "'\"\\"):
        return [word for word in re.split(r"[ \t\r\n]+", text) if word]
    return shlex.split(text)


def _occurrences(parser: PipOptionParser, text: str) -> list[Occurrence]:
    """Walk option words (already validated by optparse) like optparse does, keeping positions."""
    spans = [((_shlex(m[0]) or [""])[0], m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    found: list[Occurrence] = []
    i = 0
    while i < len(spans):
        word, start, end = spans[i]
        i += 1
        if word == "--":
            break
        if word.startswith("--"):
            typed, eq, attached = word.partition("=")
            typed = parser._match_long_opt(typed)
            option, has_attached = parser._long_opt[typed], bool(eq)
        elif word.startswith("-") and len(word) > 1:
            typed, attached = word[:2], word[2:]
            option, has_attached = parser._short_opt[typed], bool(attached)
        else:
            continue
        value, value_start = None, start
        if option.takes_value():
            if has_attached:
                value = attached
                value_start = end - len(attached) if end - start == len(word) else start
            elif i < len(spans):
                value, value_start, end = spans[i]
                i += 1
        found.append(Occurrence(option.get_opt_string(), typed, value, start, end, value_start))
    return found


def _callback_error(occ: Occurrence) -> str | None:
    """The checks pip's option callbacks make on values, with pip's messages."""
    value = occ.value or ""
    if occ.name == "--hash" and ":" not in value:
        return f"Arguments to {occ.typed} must be a hash name followed by a value, like --hash=sha256:abcde..."
    if occ.name == "--hash" and value.split(":", 1)[0] not in _STRONG_HASHES:
        return f"Allowed hash algorithms for {occ.typed} are {', '.join(_STRONG_HASHES)}."
    if occ.name == "--config-settings" and "=" not in value:
        return f"Arguments to {occ.typed} must be of the form KEY=VAL"
    if occ.name in ("--no-binary", "--only-binary") and value.startswith("-"):
        return "--no-binary / --only-binary option requires 1 argument."
    if occ.name in ("--all-releases", "--only-final") and value.startswith("-"):
        return "--all-releases / --only-final option requires 1 argument."
    return None


def _error_span(msg: str, opt_text: str) -> tuple[int, int]:
    words = [(m[0].split("=", 1)[0], m.start(), m.end()) for m in _WORD_RE.finditer(opt_text)]
    named = re.search(r"-{1,2}[\w-]*", msg)
    opt = named[0] if named else ""
    for word, start, end in words:
        if len(word) > 1 and word.startswith("-") and (word.startswith(opt) or opt.startswith(word)):
            return start, end
    return (words[0][1], words[0][2]) if words else (0, len(opt_text))
