"""BuildKit-style word processing for Dockerfiles: the shell lexer and argument helpers.

The lexer follows ``frontend/dockerfile/shell/lex.go`` in moby/buildkit: quote removal,
escapes, ``$X``/``${X}`` and the ``${X:-d}``-family of modifiers. Environments map a name
to its value; a name mapped to ``None`` is *set* to a value that cannot be known statically.
The helpers split instruction arguments the way BuildKit's ``instructions`` package does.

Known divergence: current BuildKit shares one word buffer between nesting levels in
ProcessWords, so text before a ``${X:-..}`` inside a word is lost (``a${X:-b}c`` splits to
``bc``); here, as in BuildKit v0.12, the word is ``abc``. ProcessWord is unaffected.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem

if TYPE_CHECKING:
    from collections.abc import Mapping

    from preflight.diagnostics import Span
    from preflight.parse.dockerfile import Heredoc, Instruction

# Go's unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space property.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_GO_SPACE_SET = frozenset(GO_SPACE)
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
_MODIFIERS = frozenset("+-?#%")
_REGEX_META = frozenset("[]{}.+()|^$")


class LexError(Exception):
    """A word BuildKit's lexer rejects (the build would fail)."""


@dataclass(frozen=True, slots=True)
class WordResult:
    """Outcome of processing one word: value/words are None on error or unknown input."""

    value: str | None
    words: tuple[str, ...] | None
    error: str | None
    unmatched: frozenset[str]
    unknown: frozenset[str]


class _Lex:
    """One pass of BuildKit's shellWord over a single input string."""

    __slots__ = (
        "_buf",
        "_in_word",
        "_start",
        "env",
        "esc",
        "i",
        "n",
        "raw_escapes",
        "raw_quotes",
        "s",
        "skip_quotes",
        "skip_unset",
        "unknown",
        "unmatched",
        "words",
    )

    def __init__(
        self,
        text: str,
        env: Mapping[str, str | None],
        esc: str,
        *,
        raw_quotes: bool = False,
        raw_escapes: bool = False,
        skip_quotes: bool = False,
        skip_unset: bool = False,
    ) -> None:
        self.s = text
        self.n = len(text)
        # Go's text/scanner silently skips a byte-order mark at the very start.
        self.i = 1 if text.startswith("\ufeff") else 0
        self.env = env
        self.esc = esc
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_quotes = skip_quotes
        self.skip_unset = skip_unset
        self.unmatched: set[str] = set()
        self.unknown: set[str] = set()
        self.words: list[tuple[str, int, int]] = []
        self._buf: list[str] = []
        self._in_word = False
        self._start = 0

    # -- word splitting (wordsStruct) ------------------------------------------------
    def _add_char(self, ch: str, pos: int) -> None:
        if ch in _GO_SPACE_SET:
            if self._in_word and self._buf:
                self.words.append(("".join(self._buf), self._start, pos))
                self._buf = []
                self._in_word = False
        else:
            self._add_raw(ch, pos)

    def _add_raw(self, text: str, pos: int) -> None:
        if text:
            if not self._buf:
                self._start = pos
            self._buf.append(text)
        self._in_word = True

    def finish_words(self) -> None:
        """Flush the pending word (getWords)."""
        if self._buf:
            self.words.append(("".join(self._buf), self._start, self.n))
            self._buf = []
            self._in_word = False

    # -- scanning ----------------------------------------------------------------------
    def _next(self) -> str:
        if self.i >= self.n:
            return ""
        ch = self.s[self.i]
        self.i += 1
        return ch

    def stop_on(self, stop: str, raw_escapes: bool, words: bool) -> tuple[str, bool]:
        """processStopOn: returns (text, unknown); stop == "" means read to the end."""
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            return self._stop_on(stop, words)
        finally:
            self.raw_escapes = saved

    def _stop_on(self, stop: str, words: bool) -> tuple[str, bool]:
        s, n, esc = self.s, self.n, self.esc
        out: list[str] = []
        unknown = False
        while self.i < n:
            ch = s[self.i]
            start = self.i
            if stop and ch == stop:
                self.i += 1
                return "".join(out), unknown
            if ch == "$":
                tmp, unk = self._dollar()
                unknown = unknown or unk
                out.append(tmp)
                if words:
                    for c in tmp:
                        self._add_char(c, start)
                continue
            if ch == "<":
                tmp = self._heredoc_marker()
            elif ch == "'" and not self.skip_quotes:
                tmp = self._single_quote()
            elif ch == '"' and not self.skip_quotes:
                tmp, unk = self._double_quote()
                unknown = unknown or unk
            else:
                self.i += 1
                if ch == esc:
                    if self.raw_escapes:
                        out.append(ch)
                        if words:
                            self._add_raw(ch, start)
                    if self.i >= n:
                        break
                    ch = s[self.i]
                    self.i += 1
                    if words:
                        self._add_raw(ch, start)
                elif words:
                    self._add_char(ch, start)
                out.append(ch)
                continue
            out.append(tmp)
            if words:
                self._add_raw(tmp, start)
        if stop:
            raise LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out), unknown

    def _heredoc_marker(self) -> str:
        self.i += 1
        if self.i >= self.n or self.s[self.i] != "<":
            return "<"
        self.i += 1
        j = self.i
        while j < self.n and self.s[j] in "\t\r ":
            j += 1
        space, self.i = self.s[self.i : j], j
        return "<<" + space

    def _single_quote(self) -> str:
        self.i += 1
        end = self.s.find("'", self.i)
        if end < 0:
            self.i = self.n
            raise LexError("unexpected end of statement while looking for matching single-quote")
        text, self.i = self.s[self.i : end], end + 1
        return f"'{text}'" if self.raw_quotes else text

    def _double_quote(self) -> tuple[str, bool]:
        s, n, esc = self.s, self.n, self.esc
        self.i += 1
        out = ['"'] if self.raw_quotes else []
        unknown = False
        while True:
            if self.i >= n:
                raise LexError("unexpected end of statement while looking for matching double-quote")
            ch = s[self.i]
            if ch == '"':
                self.i += 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out), unknown
            if ch == "$":
                tmp, unk = self._dollar()
                out.append(tmp)
                unknown = unknown or unk
                continue
            self.i += 1
            if ch == esc:
                if self.raw_escapes:
                    out.append(ch)
                if self.i >= n:
                    continue  # the loop then reports the missing quote
                if s[self.i] in ('"', "$", esc):
                    ch = s[self.i]
                    self.i += 1
            out.append(ch)

    def _name(self) -> str:
        s, n, start = self.s, self.n, self.i
        if start < n:
            first = s[start]
            if first.isdecimal():  # positional parameter: all the digits
                while self.i < n and s[self.i].isdecimal():
                    self.i += 1
                return s[start : self.i]
            if first in _SPECIAL_PARAMS:
                self.i += 1
                return first
        while self.i < n and (s[self.i].isalpha() or s[self.i].isdecimal() or s[self.i] == "_"):
            self.i += 1
        return s[start : self.i]

    def _get(self, name: str) -> tuple[str, bool, bool]:
        """(value, is_set, is_unknown) for one variable."""
        if name not in self.env:
            self.unmatched.add(name)
            return "", False, False
        value = self.env[name]
        if value is None:
            self.unknown.add(name)
            return "", True, True
        return value, True, False

    def _dollar(self) -> tuple[str, bool]:
        self.i += 1
        if self.i >= self.n or self.s[self.i] != "{":
            name = self._name()
            if not name:
                return "$", False
            value, is_set, unk = self._get(name)
            if not is_set and self.skip_unset:
                return "$" + name, False
            return value, unk
        self.i += 1
        if self.i >= self.n:
            raise LexError("syntax error: missing '}'")
        if self.s[self.i] in "{}:":
            raise LexError("syntax error: bad substitution")
        name = self._name()
        ch = self._next()
        if ch == "}":
            value, is_set, unk = self._get(name)
            if not is_set and self.skip_unset:
                return "${" + name + "}", False
            return value, unk
        if ch == "/":
            return self._replace(name)
        null_unset = ch == ":"
        chs = ch
        if null_unset:
            ch = self._next()
            chs += ch or "\ufffd"
        elif ch not in _MODIFIERS:
            raise LexError(f"unsupported modifier ({ch or chr(0xFFFD)}) in substitution")
        return self._modifier(name, ch, chs, null_unset)

    def _modifier(self, name: str, ch: str, chs: str, null_unset: bool) -> tuple[str, bool]:
        pattern_op = ch in ("#", "%")
        if null_unset and pattern_op:
            raise LexError(f"unsupported modifier ({chs}) in substitution")
        try:
            word, wunk = self.stop_on("}", pattern_op, False)
        except LexError:
            if self.i >= self.n:
                raise LexError("syntax error: missing '}'") from None
            raise
        value, is_set, vunk = self._get(name)
        if self.skip_unset and not is_set:
            return "${" + name + chs + word + "}", wunk
        empty = null_unset and value == ""
        if ch == "-":
            if not is_set:
                return word, wunk
            if vunk:
                return "", True
            return (word, wunk) if empty else (value, False)
        if ch == "+":
            if not is_set:
                return "", False
            if vunk:  # "+" only asks whether the name is set; ":+" also needs the value
                return ("", True) if null_unset else (word, wunk)
            return ("", False) if empty else (word, wunk)
        if ch == "?":
            if not is_set:
                raise LexError(f"{name}: {word or 'is not allowed to be unset'}")
            if vunk:
                return "", True
            if empty:
                raise LexError(f"{name}: {word or 'is not allowed to be empty'}")
            return value, False
        if pattern_op:
            if vunk or wunk:
                return "", True
            greedy = word.startswith(ch)
            if greedy:
                word = word[1:]
            if ch == "%":
                return _trim_suffix(word, value, greedy), False
            return _trim_prefix(word, value, greedy), False
        raise LexError(f"unsupported modifier ({chs}) in substitution")

    def _replace(self, name: str) -> tuple[str, bool]:
        replace_all = self.i < self.n and self.s[self.i] == "/"
        if replace_all:
            self.i += 1
        try:
            pattern, punk = self.stop_on("/", True, False)
        except LexError:
            if self.i >= self.n:
                raise LexError("syntax error: missing '/' in ${}") from None
            raise
        try:
            repl, runk = self.stop_on("}", True, False)
        except LexError:
            if self.i >= self.n:
                raise LexError("syntax error: missing '}'") from None
            raise
        value, is_set, vunk = self._get(name)
        if self.skip_unset and not is_set:
            return "${" + name + "/" + pattern + "/" + repl + "}", False
        if vunk or punk or runk:
            return "", True
        rx = _shell_pattern(pattern, greedy=True, anchored=False)
        if replace_all:
            return _go_replace_all(rx, value, repl), False
        m = rx.search(value)
        if m is not None:
            value = value[: m.start()] + repl + value[m.end() :]
        return value, False


def _shell_pattern(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """convertShellPatternToRegex: ``*`` and ``?`` wildcards, backslash escapes."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            out.append(star)
            continue
        if c == "?":
            out.append(".")
            continue
        if c == "\\":
            if i < n and pattern[i] in "}/":
                continue  # escaped for the ${} syntax, not part of the pattern
            if i >= n or pattern[i] not in "*?\\":
                bad = pattern[i] if i < n else "\ufffd"
                raise LexError(f"invalid pattern ({pattern}) in substitution: invalid escape '\\{bad}'")
            out.append("\\")
            c = pattern[i]
            i += 1
        elif c in _REGEX_META:
            out.append("\\")
        out.append(c)
    return re.compile("".join(out))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    m = _shell_pattern(pattern, greedy=greedy, anchored=True).search(value)
    return value[m.end() :] if m is not None else value


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # Reverse both so the shortest/longest rightmost match becomes a leftmost one.
    out = [""] * len(pattern)
    last, i = len(pattern) - 1, 0
    while i <= last:
        oi = last - i
        if pattern[i] == "\\" and i != last:
            out[oi - 1], out[oi] = "\\", pattern[i + 1]
            i += 2
        else:
            out[oi] = pattern[i]
            i += 1
    return _trim_prefix("".join(out), value[::-1], greedy)[::-1]


def _go_expand(template: str, match: str) -> str:
    """Go's Regexp.Expand for a pattern without groups: ``$0`` is the match, ``$$`` a dollar."""
    out: list[str] = []
    i, n = 0, len(template)
    while i < n:
        j = template.find("$", i)
        if j < 0:
            out.append(template[i:])
            break
        out.append(template[i:j])
        if j + 1 < n and template[j + 1] == "$":
            out.append("$")
            i = j + 2
            continue
        m = re.match(r"\{(\w+)\}|(\w+)", template[j + 1 :], re.ASCII)
        if m is None:
            out.append("$")
            i = j + 1
            continue
        name = m.group(1) or m.group(2)
        if name.isdigit() and int(name) == 0:
            out.append(match)
        i = j + 1 + m.end()
    return "".join(out)


def _go_replace_all(rx: re.Pattern[str], src: str, repl: str) -> str:
    """Regexp.ReplaceAllString: an empty match right after a match is not replaced."""
    buf: list[str] = []
    last = pos = 0
    end = len(src)
    while pos <= end:
        m = rx.search(src, pos)
        if m is None:
            break
        a0, a1 = m.span()
        buf.append(src[last:a0])
        if a1 > last or a0 == 0:
            buf.append(_go_expand(repl, m.group(0)))
        last = a1
        width = 1 if pos < end else 0
        if pos + width > a1:
            pos += width
        elif pos + 1 > a1:
            pos += 1
        else:
            pos = a1
    buf.append(src[last:])
    return "".join(buf)


# -- public word API ----------------------------------------------------------------------
def _run(word: str, env: Mapping[str, str | None], escape: str, **opts: bool) -> WordResult:
    lex = _Lex(word, env, escape, **opts)
    try:
        value, unknown = lex.stop_on("", lex.raw_escapes, True)
        lex.finish_words()
    except LexError as exc:
        error = f"failed to process {_go_quote(word)}: {exc}"
        return WordResult(None, None, error, frozenset(lex.unmatched), frozenset(lex.unknown))
    words = tuple(w for w, _, _ in lex.words)
    if unknown:
        return WordResult(None, None, None, frozenset(lex.unmatched), frozenset(lex.unknown))
    return WordResult(value, words, None, frozenset(lex.unmatched), frozenset(lex.unknown))


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def process_word(word: str, env: Mapping[str, str | None], escape: str = "\\") -> WordResult:
    """BuildKit's ProcessWord/ProcessWords in one pass, with the names it looked up."""
    return _run(word, env, escape)


def expand_word(word: str, env: Mapping[str, str | None], escape: str = "\\") -> str | None:
    """Expand one instruction word (ProcessWord); None on a lexer error or an unknown value.

    A name absent from ``env`` is unset (expands to ""); a name mapped to None is set to an
    unknown value, so the result is None unless a ``${X+word}`` makes the value irrelevant.
    """
    return _run(word, env, escape).value


def expand_words(word: str, env: Mapping[str, str | None], escape: str = "\\") -> tuple[str, ...] | None:
    """Expand and split into words like ProcessWords (EXPOSE and heredoc parsing use this)."""
    return _run(word, env, escape).words


def unquote_word(word: str, escape: str = "\\") -> str:
    """Remove quotes and escapes but keep variable references verbatim; the raw word on error."""
    value = _run(word, {}, escape, skip_unset=True).value
    return word if value is None else value


def lex_words(
    text: str,
    escape: str = "\\",
    *,
    raw_quotes: bool = False,
    raw_escapes: bool = False,
    skip_unset: bool = True,
) -> list[tuple[str, int, int]]:
    """Split ``text`` into (word, start, end) offsets with no variables set; raises LexError."""
    lex = _Lex(text, {}, escape, raw_quotes=raw_quotes, raw_escapes=raw_escapes, skip_unset=skip_unset)
    lex.stop_on("", raw_escapes, True)
    lex.finish_words()
    return lex.words


@dataclass(frozen=True, slots=True)
class HeredocMarker:
    """A ``[n]<<[-]WORD`` token as BuildKit's ParseHeredoc reads it."""

    name: str
    fd: int
    strip_tabs: bool
    expand: bool


_HEREDOC_RE = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)", re.DOTALL)


def parse_heredoc_marker(word: str) -> HeredocMarker | None:
    """ParseHeredoc: None when ``word`` is not a heredoc marker; raises LexError like BuildKit."""
    m = _HEREDOC_RE.fullmatch(word)
    if m is None or not m.group(3):
        return None
    rest = m.group(3)
    words = lex_words(rest)
    if len(words) != 1:
        return None
    raw = lex_words(rest, raw_quotes=True)
    if len(raw) != 1:
        raise LexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name, raw_name = words[0][0], raw[0][0]
    # Quotes that the unquoted pass removed mean part of the word was quoted: no expansion.
    expand = name.count("'") + name.count('"') == raw_name.count("'") + raw_name.count('"')
    fd = min(int(m.group(1)), 2**64 - 1) if m.group(1) else 0
    return HeredocMarker(name, fd, m.group(2) == "-", expand)


def _marker_or_none(word: str) -> HeredocMarker | None:
    try:
        return parse_heredoc_marker(word)
    except LexError:
        return None


# -- instruction argument helpers ------------------------------------------------------
def _unquote(word: str, inst: Instruction, raw: bool) -> str:
    return word if raw else unquote_word(word, inst.escape)


def from_parts(inst: Instruction, *, raw: bool = False) -> tuple[str, str | None, str | None]:
    """FROM's (image, stage name lower-cased as BuildKit stores it, --platform value).

    The image is unquoted with variables left verbatim unless ``raw``; expand the raw form
    with :func:`expand_word` to resolve ``FROM ${BASE}``.
    """
    args = inst.args
    stage = args[2].lower() if len(args) == 3 and args[1].casefold() == "as" else None
    platform = inst.flag("platform")
    image = _unquote(args[0], inst, raw) if args else ""
    return image, stage, platform.value if platform is not None else None


def copy_parts(inst: Instruction, *, raw: bool = False) -> tuple[tuple[str, ...], str]:
    """COPY/ADD path sources and destination; heredoc sources are left out (see copy_heredocs).

    Fewer than two arguments (a BuildKit error) gives ``((), "")``.
    """
    if len(inst.args) < 2:
        return (), ""
    sources = tuple(_unquote(a, inst, raw) for a in inst.args[:-1] if _marker_or_none(a) is None)
    return sources, _unquote(inst.args[-1], inst, raw)


def copy_heredocs(inst: Instruction) -> tuple[Heredoc, ...]:
    """The heredocs a COPY/ADD uses as sources, in argument order."""
    by_name = {h.name: h for h in inst.heredocs}
    found = []
    for arg in inst.args[:-1]:
        marker = _marker_or_none(arg)
        if marker is not None and marker.name in by_name:
            found.append(by_name[marker.name])
    return tuple(found)


def env_pairs(inst: Instruction, *, raw: bool = False) -> tuple[tuple[str, str], ...]:
    """ENV/LABEL (key, value) pairs, both the ``K=v`` and the legacy ``K value`` forms.

    Quotes and escapes are removed (variables verbatim) unless ``raw``; BuildKit expands every
    pair against the environment before the instruction, so expand the raw values.
    """
    args = inst.args
    return tuple((_unquote(args[j], inst, raw), _unquote(args[j + 1], inst, raw)) for j in range(0, len(args) - 2, 3))


def arg_parts(inst: Instruction, *, raw: bool = False) -> tuple[tuple[str, str | None], ...]:
    """ARG (name, default or None); the default is unquoted unless ``raw`` (names never are)."""
    parts: list[tuple[str, str | None]] = []
    for arg in inst.args:
        name, sep, default = arg.partition("=")
        parts.append((name, _unquote(default, inst, raw) if sep else None))
    return tuple(parts)


_MOUNT_ALIASES = {
    "src": "source",
    "dst": "target",
    "destination": "target",
    "readonly": "ro",
    "readwrite": "rw",
}


_CSV_QUOTE_ERROR = 'failed to parse csv mounts: extraneous or missing " in quoted-field: '


def _csv_fields(line: str) -> list[str]:
    """go-csvvalue's Fields: one CSV record, ``""`` escapes inside quoted fields."""
    if line.endswith("\n"):
        line = line[:-2] if line.endswith("\r\n") else line[:-1]
    if not line:
        raise ValueError("failed to parse csv mounts: EOF")
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if i >= n or line[i] != '"':
            j = line.find(",", i)
            field = line[i:] if j < 0 else line[i:j]
            if '"' in field:
                raise ValueError(f'failed to parse csv mounts: bare " in non-quoted-field: {line}')
            fields.append(field)
            if j < 0:
                return fields
            i = j + 1
            continue
        i += 1
        cur: list[str] = []
        while True:
            j = line.find('"', i)
            if j < 0:
                raise ValueError(_CSV_QUOTE_ERROR + line)
            cur.append(line[i:j])
            i = j + 1
            if i < n and line[i] == '"':
                cur.append('"')
                i += 1
            elif i < n and line[i] == ",":
                fields.append("".join(cur))
                i += 1
                break
            elif i >= n:
                fields.append("".join(cur))
                return fields
            else:
                raise ValueError(_CSV_QUOTE_ERROR + line)


def parse_mount_flag(value: str) -> dict[str, str]:
    """Split a ``--mount`` value (CSV of key=value) into a dict; keys lower-cased.

    Aliases are normalised (src->source, dst/destination->target, readonly->ro,
    readwrite->rw); bare ``ro``/``rw``/``required`` map to "true"; later keys win.
    Values are not expanded. Raises ValueError where BuildKit rejects the syntax.
    """
    result: dict[str, str] = {}
    for field in _csv_fields(value):
        key, sep, val = field.partition("=")
        key = key.lower()
        key = _MOUNT_ALIASES.get(key, key)
        if not sep:
            if key not in ("ro", "rw", "required"):
                raise ValueError(f"invalid field '{field}' must be a key=value pair")
            val = "true"
        result[key] = val
    return result


# -- instruction checks (BuildKit's instructions package) -----------------------------
class FlagKind(enum.Enum):
    """How BuildKit's BFlags parses a flag."""

    BOOL = "bool"
    STRING = "string"
    STRINGS = "strings"


_B, _S, _M = FlagKind.BOOL, FlagKind.STRING, FlagKind.STRINGS
KNOWN_FLAGS: dict[str, dict[str, FlagKind]] = {
    "ADD": {
        "chown": _S,
        "chmod": _S,
        "link": _B,
        "keep-git-dir": _B,
        "checksum": _S,
        "unpack": _B,
        "exclude": _M,
    },
    "COPY": {"chown": _S, "from": _S, "chmod": _S, "link": _B, "exclude": _M, "parents": _B},
    "FROM": {"platform": _S},
    "RUN": {"mount": _M, "network": _S, "security": _S, "device": _M},
    "HEALTHCHECK": {"interval": _S, "timeout": _S, "start-period": _S, "start-interval": _S, "retries": _S},
}
KEYWORDS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
_EXACTLY_ONE = frozenset({"MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"})
_AT_LEAST_ONE = frozenset({"ENV", "LABEL", "ONBUILD", "VOLUME", "ARG", "EXPOSE", "HEALTHCHECK"})
_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")


def _at(message: str, span: Span) -> ParseProblem:
    return ParseProblem(message, span.line, span.col, span.end_line, span.end_col)


def _check_flags(inst: Instruction, out: list[ParseProblem]) -> None:
    """BFlags.Parse against the flags the keyword declares."""
    allowed = KNOWN_FLAGS.get(inst.keyword, {})
    seen: set[str] = set()
    for flag in inst.flags:
        kind = allowed.get(flag.name)
        dashed = "--" + flag.name
        if kind is None:
            out.append(_at(f"unknown flag: {dashed}", flag.span))
            continue
        if flag.name in seen and kind is not FlagKind.STRINGS:
            out.append(_at(f"duplicate flag specified: {dashed}", flag.span))
        seen.add(flag.name)
        if kind is FlagKind.BOOL and flag.value is not None:
            if flag.value == "":
                out.append(_at(f"missing a value on flag: {dashed}", flag.span))
            elif flag.value.lower() not in ("true", "false"):
                out.append(_at(f"expecting boolean value for flag {dashed}, not: {flag.value}", flag.span))
        elif kind is not FlagKind.BOOL and flag.value is None:
            out.append(_at(f"missing a value on flag: {dashed}", flag.span))


def _arg_errors(inst: Instruction) -> list[str]:
    kw, args = inst.keyword, inst.args
    if kw in _EXACTLY_ONE and len(args) != 1:
        return [f"{kw} requires exactly one argument"]
    if kw in _AT_LEAST_ONE and not args:
        return [f"{kw} requires at least one argument"]
    errors: list[str] = []
    if kw in ("ENV", "LABEL"):
        if any(not args[j] for j in range(0, len(args), 3)):
            errors.append(f"{kw} names can not be blank")
    elif kw == "ARG":
        if any(a.startswith("=") for a in args):
            errors.append("ARG names can not be blank")
    elif kw in ("ADD", "COPY"):
        if len(args) < 2:
            errors.append(
                f"{kw} requires at least two arguments, but only one was provided. Destination could not be determined"
            )
        elif _marker_or_none(args[-1]) is not None:
            errors.append(f"{kw} cannot accept a heredoc as a destination")
    elif kw == "FROM":
        if len(args) == 3 and args[1].casefold() == "as":
            if not _STAGE_NAME.fullmatch(args[2].lower()):
                errors.append(
                    f"invalid name for build stage: {_go_quote(args[2])}, "
                    "name can't start with a number or contain symbols"
                )
        elif len(args) != 1:
            errors.append("FROM requires either one or three arguments")
    elif kw == "ONBUILD":
        trigger = args[0].strip(GO_SPACE).upper()
        if trigger == "ONBUILD":
            errors.append("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        elif trigger in ("MAINTAINER", "FROM"):
            errors.append(f"{trigger} isn't allowed as an ONBUILD trigger")
    elif kw == "VOLUME":
        if any(not a.strip(GO_SPACE) for a in args):
            errors.append("VOLUME specified can not be an empty string")
    elif kw == "SHELL":
        if not args:
            errors.append("SHELL requires at least one argument")
        elif not inst.json_form:
            errors.append("SHELL requires the arguments to be in JSON form")
    elif kw == "HEALTHCHECK":
        typ = args[0].upper()
        if typ == "NONE":
            if len(args) > 1:
                errors.append("HEALTHCHECK NONE takes no arguments")
        elif typ != "CMD":
            errors.append(f"Unknown type {_go_quote(typ)} in HEALTHCHECK (try CMD)")
        elif len(args) == 1:
            errors.append("Missing command after HEALTHCHECK CMD")
    return errors


def check_instruction(inst: Instruction) -> list[ParseProblem]:
    """The syntax errors BuildKit's instructions package raises for one instruction.

    Stage-level checks (an instruction before FROM, unknown --from stages) are not done here.
    """
    out: list[ParseProblem] = []
    if inst.keyword not in KEYWORDS:
        return [_at(f"unknown instruction: {inst.keyword_text}", inst.keyword_span)]
    span = inst.args_span if inst.args else inst.keyword_span
    out.extend(_at(message, span) for message in _arg_errors(inst))
    skip_flags = inst.keyword == "STOPSIGNAL" or (
        inst.keyword == "HEALTHCHECK" and bool(inst.args) and inst.args[0].upper() == "NONE"
    )
    if not skip_flags:
        _check_flags(inst, out)
    return out
