"""POSIX ``sh`` text split into words, statically (Compose's string commands: `compose_words`).

`lex_script` tokenises ``sh`` text the POSIX way: quotes, escapes, comments, line
continuations, here-documents (skipped), operators and redirections; a word keeps its parts
(literal text, ``$``-parameters, command substitutions) so that it can be expanded later
against what is known of the environment. Nothing is ever run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_OPERATORS = (
    ";;&", "<<<", "<<-", "&>>",
    ";;", ";&", "&&", "||", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
    ";", "&", "|", "<", ">", "(", ")",
)  # fmt: skip
REDIRECTS = frozenset({"<<<", "<<-", "&>>", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "<", ">"})
"""Operators whose next word is a redirection target, not an argument."""
_META = frozenset(" \t\r\n;&|<>()")
_SPECIAL = frozenset("@*#?$!-0123456789")
_PARAM_OPS = (":-", ":=", ":+", ":?", "##", "%%", "//", "-", "=", "+", "?", "#", "%", "/", ":", "^", ",")
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "e": "\x1b", "0": "\0"}


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text of a word; ``start`` is the source offset of its first character."""

    text: str
    quoted: bool
    start: int


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter expansion ``$name``/``${name<op><arg>}``; ``op`` is ``""`` for plain ones,
    ``"len"`` for ``${#name}``."""

    name: str
    op: str
    arg: tuple[Lit | Param | Subst, ...]
    quoted: bool
    start: int


@dataclass(frozen=True, slots=True)
class Subst:
    """A command substitution ``$(...)``/backticks (``text`` is the inner script, at source
    offset ``start``) or an arithmetic expansion (``arithmetic``)."""

    text: str
    quoted: bool
    start: int
    arithmetic: bool = False


Part = Lit | Param | Subst


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word: its parts, and its ``start``/``end`` offsets in the source."""

    parts: tuple[Part, ...]
    start: int
    end: int
    raw: str

    @property
    def literal(self) -> str | None:
        """The text after quote removal when the word has no expansion, else None."""
        if all(isinstance(p, Lit) for p in self.parts):
            return "".join(p.text for p in self.parts if isinstance(p, Lit))
        return None

    @property
    def plain(self) -> str | None:
        """The text when the word is entirely unquoted literal (reserved words, names)."""
        if self.parts and all(isinstance(p, Lit) and not p.quoted for p in self.parts):
            return "".join(p.text for p in self.parts if isinstance(p, Lit))
        return None


@dataclass(frozen=True, slots=True)
class Op:
    """A control operator, a redirection operator or a newline."""

    text: str
    start: int


Token = Word | Op


class ShellSyntaxError(Exception):
    """Text ``sh`` would reject (unterminated quote or substitution)."""


class _Lexer:
    """One pass over a script's text."""

    __slots__ = ("base", "heredocs", "i", "s")

    def __init__(self, text: str, base: int) -> None:
        self.s = text
        self.i = 0
        self.base = base
        self.heredocs: list[tuple[bool, str]] = []

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        s = self.s
        delimiter_next: bool | None = None
        while self.i < len(s):
            c = s[self.i]
            if c in " \t\r":
                self.i += 1
            elif c == "\\" and s.startswith("\n", self.i + 1):
                self.i += 2
            elif c == "\n":
                out.append(Op("\n", self.base + self.i))
                self.i += 1
                self._skip_heredocs()
            elif c == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            elif s.startswith(("<(", ">("), self.i):
                # bash process substitution: a word naming a pipe (`/dev/fd/63`) nobody can know
                start = self.i
                end = self._close(self.i + 2, "(", ")", 1)
                inner = Subst(s[start + 2 : end], False, self.base + start + 2)
                self.i = end + 1
                out.append(Word((inner,), self.base + start, self.base + self.i, s[start : self.i]))
            elif (op := next((o for o in _OPERATORS if s.startswith(o, self.i)), None)) is not None:
                out.append(Op(op, self.base + self.i))
                self.i += len(op)
                if op in ("<<", "<<-"):
                    delimiter_next = op == "<<-"
            else:
                start = self.i
                parts = self.parts(lambda ch: ch in _META)
                raw = s[start : self.i]
                if raw.isdigit() and s[self.i : self.i + 1] in ("<", ">"):
                    continue  # an IO number belongs to the redirection
                word = Word(tuple(parts), self.base + start, self.base + self.i, raw)
                if delimiter_next is not None:
                    self.heredocs.append((delimiter_next, "".join(_flat(p) for p in word.parts)))
                    delimiter_next = None
                out.append(word)
        return out

    def _skip_heredocs(self) -> None:
        for strip, delimiter in self.heredocs:
            while self.i < len(self.s):
                end = self.s.find("\n", self.i)
                end = len(self.s) if end < 0 else end
                line = self.s[self.i : end]
                self.i = min(end + 1, len(self.s))
                if (line.lstrip("\t") if strip else line) == delimiter:
                    break
        self.heredocs.clear()

    def parts(self, stop: Callable[[str], bool] | None, quoted: bool = False) -> list[Part]:
        """Read parts until ``stop(char)`` is true (outside quotes) or the text ends."""
        s = self.s
        out: list[Part] = []
        while self.i < len(s):
            c = s[self.i]
            if stop is not None and stop(c):
                break
            if c == "\\":
                nxt = s[self.i + 1 : self.i + 2]
                if nxt == "\n":
                    self.i += 2
                    continue
                if not nxt or (quoted and nxt not in ("$", "`", '"', "\\")):
                    _add(out, "\\", True, self.base + self.i)
                    self.i += 1
                    continue
                _add(out, nxt, True, self.base + self.i + 1)
                self.i += 2
            elif c == "'" and not quoted:
                end = s.find("'", self.i + 1)
                if end < 0:
                    raise ShellSyntaxError("unterminated single quote")
                _add(out, s[self.i + 1 : end], True, self.base + self.i + 1)
                self.i = end + 1
            elif c == '"' and not quoted:
                self.i += 1
                out.extend(self.parts(lambda ch: ch == '"', quoted=True))
                if self.i >= len(s):
                    raise ShellSyntaxError("unterminated double quote")
                self.i += 1
            elif c == "$":
                self._dollar(out, quoted)
            elif c == "`":
                end = self._backtick_end(self.i + 1)
                inner = s[self.i + 1 : end].replace("\\`", "`")
                out.append(Subst(inner, quoted, self.base + self.i + 1))
                self.i = end + 1
            else:
                _add(out, c, quoted, self.base + self.i)
                self.i += 1
        return out

    def _backtick_end(self, i: int) -> int:
        while i < len(self.s):
            if self.s[i] == "\\":
                i += 2
                continue
            if self.s[i] == "`":
                return i
            i += 1
        raise ShellSyntaxError("unterminated backquote")

    def _dollar(self, out: list[Part], quoted: bool) -> None:
        s, i = self.s, self.i
        nxt = s[i + 1 : i + 2]
        if s.startswith("$((", i):
            end = self._close(i + 3, "(", ")", 2)
            out.append(Subst(s[i + 3 : end - 1], quoted, self.base + i + 3, arithmetic=True))
            self.i = end + 1
        elif nxt == "(":
            end = self._close(i + 2, "(", ")", 1)
            out.append(Subst(s[i + 2 : end], quoted, self.base + i + 2))
            self.i = end + 1
        elif nxt == "{":
            end = self._close(i + 2, "{", "}", 1)
            out.append(self._braced(i + 2, end, quoted))
            self.i = end + 1
        elif nxt == "'" and not quoted:
            end = i + 2
            text = ""
            while end < len(s) and s[end] != "'":
                if s[end] == "\\" and end + 1 < len(s):
                    text += _ANSI.get(s[end + 1], "\\" + s[end + 1])
                    end += 2
                    continue
                text += s[end]
                end += 1
            if end >= len(s):
                raise ShellSyntaxError("unterminated $'...' string")
            _add(out, text, True, self.base + i + 2)
            self.i = end + 1
        elif nxt == '"' and not quoted:
            self.i += 1
        elif nxt and (nxt.isalpha() or nxt == "_"):
            end = i + 1
            while end < len(s) and (s[end].isalnum() or s[end] == "_"):
                end += 1
            out.append(Param(s[i + 1 : end], "", (), quoted, self.base + i))
            self.i = end
        elif nxt and nxt in _SPECIAL:
            out.append(Param(nxt, "", (), quoted, self.base + i))
            self.i = i + 2
        else:
            _add(out, "$", quoted, self.base + i)
            self.i += 1

    def _close(self, i: int, opening: str, closing: str, depth: int) -> int:
        """Index of the bracket closing the one(s) just opened, skipping quoted text."""
        s = self.s
        while i < len(s):
            c = s[i]
            if c == "\\":
                i += 2
                continue
            if c == "'" and opening != "{":
                end = s.find("'", i + 1)
                i = len(s) if end < 0 else end + 1
                continue
            if c == '"':
                i += 1
                while i < len(s) and s[i] != '"':
                    i += 2 if s[i] == "\\" else 1
                i += 1
                continue
            if c == opening:
                depth += 1
            elif c == closing:
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        raise ShellSyntaxError(f"unterminated ${opening}")

    def _braced(self, start: int, end: int, quoted: bool) -> Param:
        body = self.s[start:end]
        if body.startswith("#") and len(body) > 1:
            return Param(body[1:], "len", (), quoted, self.base + start - 2)
        k = 0
        if body[:1] in _SPECIAL:
            k = 1
            while body[:1].isdigit() and k < len(body) and body[k].isdigit():
                k += 1
        else:
            while k < len(body) and (body[k].isalnum() or body[k] == "_"):
                k += 1
        name, rest = body[:k], body[k:]
        op = next((o for o in _PARAM_OPS if rest.startswith(o)), "" if not rest else "?bad")
        arg: list[Part] = []
        if op and op != "?bad":
            sub = _Lexer(self.s[:end], self.base)
            sub.i = start + k + len(op)
            arg = sub.parts(None, quoted)
        return Param(name, op, tuple(arg), quoted, self.base + start - 2)


def _add(out: list[Part], text: str, quoted: bool, start: int) -> None:
    last = out[-1] if out else None
    if isinstance(last, Lit) and last.quoted == quoted:
        out[-1] = Lit(last.text + text, quoted, last.start)
    else:
        out.append(Lit(text, quoted, start))


def _flat(part: Part) -> str:
    if isinstance(part, Lit):
        return part.text
    return "$" + part.name if isinstance(part, Param) else ""


def lex_script(text: str, base: int = 0) -> list[Token]:
    """Tokenise ``sh`` text; offsets are ``base`` plus the index in ``text``.

    Raises `ShellSyntaxError` for an unterminated quote or substitution.
    """
    return list(_lex_cached(text, base))


@functools.lru_cache(maxsize=256)
def _lex_cached(text: str, base: int) -> tuple[Token, ...]:
    # every service of an image runs the same entrypoint script: lex it once (tokens are frozen)
    return tuple(_Lexer(text, base).tokens())
