"""Compose's own `.env` / `env_file:` parser (compose-go's ``dotenv`` package, Compose v2.40).

Compose reads the project ``.env`` and every ``env_file:`` with the same parser: ``KEY=value``,
``KEY: value``, ``export KEY=value`` and a bare ``KEY`` (taken from the environment).  Unquoted
values run to the end of the line, lose a `` #`` comment and trailing blanks; single-quoted values
are literal; double-quoted values expand ``\\n``-style escapes; quoted values may span lines.
Unquoted and double-quoted values are then interpolated: a variable is looked up first in the
caller's ``lookup`` (the process/project environment), then among the keys defined earlier in the
file.  ``raw=True`` is ``env_file: {format: raw}``: docker's ``--env-file`` reader, no quotes, no
interpolation.  Compose stops at the first problem; this parser records it first and then resumes
on the next line so that a linter (:mod:`preflight.parse.dotenv_lint`) can see the rest of the file.

Problem messages are our own and never quote the file: a line of an env file is a secret as often
as not.  Compose's wording (which may quote a whole line) is kept apart, in ``compose_messages``,
for the differential tests only.  The lines of an unquoted value that spans several lines (a PEM
key, a JSON document, a ``\\``-continued line) are folded into that value: Compose would read them
as keys, and reporting them as keys would print the secret.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypeAlias

from preflight.diagnostics import ParseProblem
from preflight.parse.dotenv_entries import DotenvEntry, DotenvFile, Quote, RecordedProblem, bare_entry
from preflight.parse.dotenv_multiline import fold_continuations
from preflight.parse.interpolate import INVALID_REFERENCE, UNKNOWN, Unknown, interpolate
from preflight.parse.template_text import go_quote

if TYPE_CHECKING:
    from preflight.parse.interpolate import Lookup

__all__ = ["DotenvEntry", "DotenvFile", "DotenvParser", "Quote", "parse_compose_dotenv"]


# Go's unicode.IsSpace, and the parser's isSpace (no line break).
_GO_SPACE: Final = "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_INLINE_SPACE: Final = "\t\v\f\r \x85\xa0"
_EXPORT: Final = re.compile(r"export[\t\n\f\r ]+")
_ESCAPE: Final = re.compile(r'\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})')
_SIMPLE_ESCAPES: Final = dict(zip('abfnrtv"\\', '\a\b\f\n\r\t\v"\\', strict=True))


_Dollars: TypeAlias = "tuple[tuple[int, int, int], ...]"
# value, raw value, offset after the statement, offset of its last character, dollars
_Value: TypeAlias = "tuple[str | Unknown | None, str, int, int, _Dollars]"


class _Stop(Exception):
    """A problem after which compose's reader gives up; ``resume`` is where we go on, or -1.

    ``message`` is ours (it never quotes the file); ``compose`` is compose's wording.
    """

    def __init__(self, message: str, start: int, end: int, resume: int, compose: str) -> None:
        super().__init__(message)
        self.message, self.start, self.end, self.resume, self.compose = message, start, end, resume, compose


@dataclass(slots=True)
class DotenvParser:
    """compose-go's dotenv parser over absolute offsets (``go_line`` is its own line counter)."""

    text: str
    lookup: Lookup
    go_line: int = 1
    starts: list[int] = field(default_factory=list)
    entries: list[DotenvEntry] = field(default_factory=list)
    recorded: list[RecordedProblem] = field(default_factory=list)
    values: dict[str, str | Unknown | None] = field(default_factory=dict)
    unset: list[str] = field(default_factory=list)
    continued: dict[int, int] = field(default_factory=dict)
    """Line of an unquoted multi-line value -> its last continuation line."""
    key: str = ""  # the statement being read, for lint messages

    def __post_init__(self) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a text offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    @property
    def problems(self) -> list[ParseProblem]:
        """The problems found, in file order."""
        return [r.problem for r in self.recorded]

    def problem(self, message: str, start: int, end: int, compose: str | None = None) -> None:
        """Record a problem at text offsets ``start``..``end``, naming the current key.

        ``message`` must not quote the file; ``compose`` is compose's own text when it differs.
        """
        line, col = self.where(start)
        end_line, end_col = self.where(max(end, start))
        problem = ParseProblem(message, line, col, end_line, end_col)
        self.recorded.append(RecordedProblem(problem, self.key, message if compose is None else compose))

    def line_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end

    def resolve(self, name: str) -> str | Unknown | None:
        """Lookup first, then the keys defined earlier (compose-go's expandVariables order)."""
        found = self.lookup(name)
        return self.values.get(name) if found is None else found

    def run(self) -> None:
        pos = 0
        while True:
            pos = self.statement_start(pos)
            if pos < 0:
                break
            try:
                self.key = ""
                pos = self.statement(pos)
            except _Stop as stop:
                self.problem(stop.message, stop.start, stop.end, stop.compose)
                if stop.resume < 0:
                    break
                pos = stop.resume
                self.go_line = self.where(pos)[0]
        fold_continuations(self.text, self.entries, self.values, self.recorded, self.continued)

    def statement_start(self, pos: int) -> int:
        """getStatementStart: skip blanks and comment lines, counting newlines like compose."""
        text = self.text
        while pos < len(text):
            ch = text[pos]
            if ch == "\n":
                self.go_line += 1
            if ch not in _GO_SPACE:
                if ch != "#":
                    return pos
                pos = text.find("\n", pos)
                if pos < 0:
                    return -1
                continue
            pos += 1
        return -1

    def statement(self, start: int) -> int:
        """One statement (locateKeyName + extractVarValue); returns the offset after it."""
        text, pos, has_export = self.text, start, False
        m = _EXPORT.match(text, pos)
        if m is not None:
            has_export, pos = True, self.skip_inline_space(start + len("export"))
        key_start, sep, key_end = pos, "", -1
        for i in range(pos, len(text)):
            ch = text[i]
            if ch in _INLINE_SPACE:
                continue
            if ch in "=:\n":
                key_end, sep = i, ch
                break
            if ch in "_.-[]" or unicodedata.category(ch)[0] in "LN":
                continue
            first = text[key_start : self.line_end(key_start)]
            compose = f"line {self.go_line}: unexpected character {go_quote(ch)} in variable name {go_quote(first)}"
            msg = f"{_show_char(ch)} is not allowed in a variable name"
            raise _Stop(msg, i, i + 1, self.line_end(i) + 1, compose)
        if key_start >= len(text):
            raise _Stop("`export` without a variable name", start, key_start, -1, "zero length string")
        inherited = sep == "\n"
        raw_key = text[key_start:key_end] if key_end >= 0 else ""
        if inherited and " " not in raw_key:
            self.go_line += 1
        key = raw_key.rstrip(_GO_SPACE)
        # No separator at all (last line, no newline): compose reads the line as a value of "".
        after = key_end + 1 if key_end >= 0 else key_start
        value_pos = self.skip_inline_space(after)
        if " " in key:
            compose = f"line {self.go_line}: key cannot contain a space"
            msg = "a variable name cannot contain a space"
            raise _Stop(msg, key_start, key_start + len(key), self.line_end(key_start) + 1, compose)
        line, col = self.where(key_start)
        self.key = key
        if inherited:
            found = self.resolve(key)
            self.values[key] = found  # resolve() falls back on the earlier value, if any
            self.entries.append(bare_entry(key, found, line, col, has_export))
            return value_pos
        spaces = key != raw_key
        if value_pos < len(text) and text[value_pos] in "'\"":
            result = self.quoted(value_pos)
        else:
            result = self.unquoted(value_pos)
        value, raw_value, rest, end, dollars = result
        spaces = spaces or (value_pos > after and raw_value != "")
        self.values[key] = value
        value_line, value_col = self.where(value_pos)
        quote = {"'": Quote.SINGLE, '"': Quote.DOUBLE}.get(raw_value[:1], Quote.NONE)
        end_line = self.where(end)[0]
        sep = sep if key_end >= 0 else ""
        self.entries.append(
            DotenvEntry(key, value, raw_value, quote, line, col, value_line, value_col, end_line,
                        has_export, spaces, sep, dollars)
        )  # fmt: skip
        return rest

    def skip_inline_space(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in _INLINE_SPACE:
            pos += 1
        return pos

    def unquoted(self, pos: int) -> _Value:
        """An unquoted value: to end of line, minus a `` #`` comment and trailing blanks."""
        end = self.line_end(pos)
        self.go_line += 1
        raw = self.text[pos:end]
        raw = raw.split(" #", 1)[0].rstrip(_GO_SPACE)
        offsets = list(range(pos, pos + len(raw) + 1))
        value, dollars = self.expand(raw, offsets)
        return value, raw, end + 1, max(pos, pos + len(raw) - 1), dollars

    def quoted(self, pos: int) -> _Value:
        """A quoted value, possibly multi-line; ``\\<quote>`` keeps the quote."""
        text, quote = self.text, self.text[pos]
        chars: list[str] = []
        offsets: list[int] = []
        escaped = False
        for i in range(pos + 1, len(text)):
            ch = text[i]
            if ch == "\n":
                self.go_line += 1
            if ch != quote:
                if not escaped and ch == "\\":
                    escaped = True
                    continue
                if escaped:
                    escaped = False
                    chars.append("\\")
                    offsets.append(i - 1)
                chars.append(ch)
                offsets.append(i)
                continue
            if escaped:
                escaped = False
                chars.append(ch)
                offsets.append(i)
                continue
            raw = text[pos : i + 1]
            if quote == "'":
                return "".join(chars), raw, i + 1, i, ()
            expanded, exp_offsets = _expand_escapes("".join(chars), offsets)
            value, dollars = self.expand(expanded, [*exp_offsets, i])
            return value, raw, i + 1, i, dollars
        first = text[pos : self.line_end(pos)]
        compose = f"line {self.go_line}: unterminated quoted value {first}"
        of = f" of {self.key}" if self.key else ""
        raise _Stop(f"the quoted value{of} is never closed", pos, pos + len(first), -1, compose)

    def expand(self, template: str, offsets: list[int]) -> tuple[str | Unknown | None, _Dollars]:
        """Interpolate a value; ``offsets[i]`` is the text offset of template character i."""
        result = interpolate(template, self.resolve)
        self.unset.extend(result.unset)
        dollars = []
        for ref in result.refs:
            line, col = self.where(offsets[ref.start])
            dollars.append((line, col, self.where(offsets[ref.end - 1])[1] + 1))
        if result.required_error is not None:
            err = result.required_error
            self.problem(err.message, offsets[err.start], offsets[err.end - 1] + 1)
            return None, tuple(dollars)
        if result.error is not None:
            at = offsets[result.error_start or 0]
            of = f" of {self.key}" if self.key else ""
            self.problem(f"the value{of} has {INVALID_REFERENCE}", at, at + 2, result.error)
            return None, tuple(dollars)
        if result.value is None:
            return UNKNOWN, tuple(dollars)
        return result.value, tuple(dollars)


def _show_char(ch: str) -> str:
    """A character of a variable name, quoted; a blank or control character by its code point."""
    return go_quote(ch) if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


def _expand_escapes(value: str, offsets: list[int]) -> tuple[str, list[int]]:
    """compose-go's expandEscapes (``\\n``, ``\\"``, ``\\$``, ``\\0ddd`` ...), tracking offsets."""
    out: list[str] = []
    out_offsets: list[int] = []
    pos = 0
    for m in _ESCAPE.finditer(value):
        out.append(value[pos : m.start()])
        out_offsets.extend(offsets[pos : m.start()])
        pos = m.end()
        match = m.group(0)
        replacement = _unescape(match)
        out.append(replacement)
        at = offsets[m.start()]
        # `\$` becomes `$$` so that interpolation keeps a literal `$`.
        out_offsets.extend([at, offsets[m.start() + 1]] if match == "\\$" else [at] * len(replacement))
    out.append(value[pos:])
    out_offsets.extend(offsets[pos:])
    return "".join(out), out_offsets


def _unescape(match: str) -> str:
    """One escape the way Go's ``strconv.UnquoteChar`` sees it; an invalid one stays as is."""
    if match == "\\$":
        return "$$"
    letter = match[1]
    if letter != "0":
        return _SIMPLE_ESCAPES.get(letter, match)
    digits = match[2:]  # `\0ddd` is read as the Go octal escape `\ddd`
    if len(digits) == 3 and all(d in "01234567" for d in digits) and int(digits, 8) <= 255:
        return chr(int(digits, 8))
    return "\\" + digits  # compose returns the rewritten escape, so an invalid one loses its `0`


def _parse_raw(p: DotenvParser) -> None:
    """docker's ``--env-file`` reader (``format: raw``): ``KEY=value`` verbatim, bare KEY looked up."""
    offset = 0
    for number, line_text in enumerate(p.text.split("\n"), start=1):
        start = offset
        offset += len(line_text) + 1
        line_text = line_text.removesuffix("\r")
        stripped = line_text.lstrip(_GO_SPACE)
        lead = start + len(line_text) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        key, eq, value = stripped.partition("=")
        if not key:
            compose = f"no variable name on line '{stripped}'"
            p.problem("no variable name on this line", lead, lead + len(stripped), compose)
            continue
        if " " in key or "\t" in key:
            compose = f"variable '{key}' contains whitespaces"
            p.problem("a variable name cannot contain a space", lead, lead + len(key), compose)
            continue
        col = lead - start + 1
        if eq:
            p.values[key] = value
            p.entries.append(
                DotenvEntry(key, value, value, Quote.NONE, number, col, number, col + len(key) + 1, number)
            )
            continue
        found = p.lookup(key)
        p.values[key] = p.values.get(key) if found is None else found
        p.entries.append(bare_entry(key, found, number, col, False))


def parse_compose_dotenv(text: str, path: str, lookup: Lookup | None = None, raw: bool = False) -> DotenvFile:
    """Parse an env file the way Compose v2.40 does; ``lookup`` is the environment compose consults.

    For the project ``.env`` that is the process environment; for an ``env_file:`` it is the
    project environment (process + ``.env``) and then the service's ``environment:``.
    """
    text = text.removeprefix("\ufeff")
    parser = DotenvParser(text, lookup or (lambda _name: None))
    if raw:
        _parse_raw(parser)
    else:
        parser.run()
    return DotenvFile(
        path,
        tuple(parser.entries),
        tuple(parser.problems),
        MappingProxyType(dict(parser.values)),
        tuple(parser.unset),
        tuple(r.compose for r in parser.recorded),
    )
