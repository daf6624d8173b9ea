"""One ``.dockerignore`` pattern compiled the way moby/patternmatcher does (see
:mod:`preflight.parse.dockerignore` for the semantics): an exact string, a prefix, a suffix or a
regular expression, with the RE2 constructs it cannot model refused as problems.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_RE_QUOTED = frozenset(".+()|{}$")  # patternmatcher's shouldEscape
_CONTROL = {"a": "\x07", "f": "\x0c", "n": "\n", "r": "\r", "t": "\t", "v": "\x0b"}
_PERL = {"d": "[0-9]", "D": "[^0-9]", "s": "[\t\n\f\r ]", "S": "[^\t\n\f\r ]"}
_PERL |= {"w": "[0-9A-Za-z_]", "W": "[^0-9A-Za-z_]"}
_ASSERT = {"b": r"\b", "B": r"\B", "A": r"\A", "z": r"\Z"}
_UNMODELLED = frozenset("pPQx01234567")


class MatchKind(enum.Enum):
    """How patternmatcher compares a path with a pattern."""

    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    REGEX = "regex"


class PatternIssue(Exception):
    """A pattern Docker accepts but compiles to something not modelled, or fails on later."""


def _unmodelled(ch: str) -> PatternIssue:
    return PatternIssue(f"'\\{ch}' is a regular-expression escape in Docker that preflight does not model")


def _invalid_escape(ch: str) -> PatternIssue:
    return PatternIssue(f"Docker turns '\\{ch}' into an invalid regular expression; the build fails")


def _escape(ch: str) -> str:
    """The Python regex for RE2's ``\\ch`` outside a class."""
    if ch.isascii() and not ch.isalnum():
        return re.escape(ch)
    if ch in _CONTROL:
        return re.escape(_CONTROL[ch])
    if ch in _PERL:
        return _PERL[ch]
    if ch in _ASSERT:
        return _ASSERT[ch]
    raise _unmodelled(ch) if ch in _UNMODELLED else _invalid_escape(ch)


def _class_char(p: str, j: int) -> tuple[str, int]:
    """One member of a class (the character it stands for) and the index after it."""
    ch = p[j]
    if ch == "\\":
        esc = p[j + 1]
        if esc.isascii() and not esc.isalnum():
            return esc, j + 2
        if esc in _CONTROL:
            return _CONTROL[esc], j + 2
        raise _unmodelled(esc) if esc in _UNMODELLED or esc in _PERL else _invalid_escape(esc)
    if ch in "*?" or (ch == "[" and p[j + 1] == ":"):
        raise PatternIssue(f"'{ch}' inside a character class is rewritten by Docker; preflight does not model it")
    return ch, j + 1


def _class(p: str, j: int) -> tuple[str, int]:
    # the pattern already passed filepath.Match, so the class is well formed
    out = "["
    if p[j] == "^":
        out += "^"
        j += 1
    first = True
    while first or p[j] != "]":
        first = False
        lo, j = _class_char(p, j)
        if p[j] == "-":
            hi, j = _class_char(p, j + 1)
            if lo > hi:
                raise PatternIssue("Docker turns this class range into an invalid regular expression")
            out += f"{re.escape(lo)}-{re.escape(hi)}"
        else:
            out += re.escape(lo)
    return out + "]", j + 1


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A pattern as patternmatcher compares it: the literal (exact/prefix/suffix) or the regex."""

    kind: MatchKind
    literal: str
    regex: re.Pattern[str] | None

    def matches(self, path: str) -> bool:
        """patternmatcher's ``Pattern.match`` for a cleaned relative path."""
        if self.kind is MatchKind.EXACT:
            return path == self.literal
        if self.kind is MatchKind.PREFIX:
            return path.startswith(self.literal)
        if self.kind is MatchKind.SUFFIX:
            if path.endswith(self.literal):
                return True
            return self.literal.startswith("/") and path == self.literal[1:]
        return self.regex is not None and self.regex.fullmatch(path) is not None


def compile_pattern(p: str) -> CompiledPattern:
    """Mirror of patternmatcher's Pattern.compile, producing an equivalent Python regex."""
    parts: list[str] = []
    kind = MatchKind.EXACT
    pos, step = 0, 0
    while pos < len(p):
        ch = p[pos]
        pos += 1
        if ch == "*" and p[pos : pos + 1] == "*":
            pos += 1
            if p[pos : pos + 1] == "/":
                pos += 1
            if pos >= len(p):
                if kind is MatchKind.EXACT:
                    kind = MatchKind.PREFIX
                else:
                    parts.append(".*")
                    kind = MatchKind.REGEX
            else:
                parts.append("(?:.*/)?")
                kind = MatchKind.REGEX
            if step == 0:
                kind = MatchKind.SUFFIX
        elif ch in "*?":
            parts.append("[^/]*" if ch == "*" else "[^/]")
            kind = MatchKind.REGEX
        elif ch in _RE_QUOTED:
            parts.append(re.escape(ch))
        elif ch == "\\":
            parts.append(_escape(p[pos]))
            pos += 1
            kind = MatchKind.REGEX
        elif ch == "[":
            text, pos = _class(p, pos)
            parts.append(text)
            kind = MatchKind.REGEX
        elif ch == "]":
            parts.append(r"\]")
            kind = MatchKind.REGEX
        else:
            # '^' stays an anchor, as in the Go regexp
            parts.append("^" if ch == "^" else re.escape(ch))
        step += 1
    literal = {MatchKind.PREFIX: p[:-2], MatchKind.SUFFIX: p[2:]}.get(kind, p)
    regex = re.compile("".join(parts), re.ASCII) if kind is MatchKind.REGEX else None
    return CompiledPattern(kind, literal, regex)
