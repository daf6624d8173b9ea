"""The state machine of BuildKit's shell lexer (``shellWord`` in ``frontend/dockerfile/shell/lex.go``).

One :class:`ShellLexer` pass removes quotes and escapes, expands ``$X``/``${X}`` and the
``${X:-d}``-family of modifiers, and can split the result into words with their offsets.
Use the functions of :mod:`preflight.parse.dockerfile_lex` rather than this class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.parse.dockerfile_regexp import LexError, go_replace_all, shell_pattern, trim_prefix, trim_suffix

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["GO_SPACE", "ShellLexer"]

# Go's unicode.IsSpace: the Latin-1 spaces plus the Unicode White_Space property.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_GO_SPACE_SET = frozenset(GO_SPACE)
_SPECIAL_PARAMS = frozenset("@*#?-$!0")
_MODIFIERS = frozenset("+-?#%")


class ShellLexer:
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

    def _until(self, stop: str, raw_escapes: bool, missing: str) -> tuple[str, bool]:
        """`stop_on` inside `${...}`: running off the end of the text is BuildKit's `missing` error."""
        try:
            return self.stop_on(stop, raw_escapes, False)
        except LexError:
            if self.i >= self.n:
                raise LexError(missing) from None
            raise

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
        word, wunk = self._until("}", pattern_op, "syntax error: missing '}'")
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
                return trim_suffix(word, value, greedy), False
            return trim_prefix(word, value, greedy), False
        raise LexError(f"unsupported modifier ({chs}) in substitution")

    def _replace(self, name: str) -> tuple[str, bool]:
        replace_all = self.i < self.n and self.s[self.i] == "/"
        if replace_all:
            self.i += 1
        pattern, punk = self._until("/", True, "syntax error: missing '/' in ${}")
        repl, runk = self._until("}", True, "syntax error: missing '}'")
        value, is_set, vunk = self._get(name)
        if self.skip_unset and not is_set:
            return "${" + name + "/" + pattern + "/" + repl + "}", False
        if vunk or punk or runk:
            return "", True
        rx = shell_pattern(pattern, greedy=True, anchored=False)
        if replace_all:
            return go_replace_all(rx, value, repl), False
        m = rx.search(value)
        if m is not None:
            value = value[: m.start()] + repl + value[m.end() :]
        return value, False
