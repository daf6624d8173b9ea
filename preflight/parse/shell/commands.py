"""Split ``sh`` tokens into simple commands and the marks of compound commands.

`split_commands` finds simple commands on ``&& || ; | &`` and newlines, drops redirection
targets, here-document bodies (already skipped by the lexer), ``for`` headers (keeping the
loop variable's name) and ``[[ ]]`` tests, and emits marks for ``if``/``case``/loops/function
bodies so that the walk can treat each branch separately. Function names are collected (calls to them run no program).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from preflight.parse.shell.words import REDIRECTS, Op, Word


class MarkKind(enum.Enum):
    """Where a compound command's branches start and end."""

    OPEN = "open"
    """``if``/``case``/loop/function body starts."""
    BRANCH = "branch"
    """A branch body starts (``then``, ``do``, function ``{``)."""
    ALT = "alt"
    """A branch ends and another may follow (``elif``, ``;;``)."""
    ELSE = "else"
    """The ``else`` branch starts."""
    CLOSE = "close"
    """The compound command ends."""
    SUBJECT = "subject"
    """The word a ``case`` matches."""
    CLAUSE = "clause"
    """A ``case`` clause starts; ``words`` are its patterns."""


_SEPARATORS = frozenset({";", "&", "&&", "||", "|", "|&", "\n"})
_CLAUSE_END = frozenset({";;", ";&", ";;&"})


@dataclass(frozen=True, slots=True)
class Cmd:
    """A simple command: its words, the operator before it and its nesting depth."""

    words: tuple[Word, ...]
    connector: str | None
    depth: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A structure mark; ``words`` are a ``case``'s subject or a clause's patterns."""

    kind: MarkKind
    words: tuple[Word, ...] = ()


@dataclass(slots=True)
class Parsed:
    """Parser flags while splitting tokens into commands."""

    out: list[Cmd | Mark] = field(default_factory=list)
    cur: list[Word] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    functions: set[str] = field(default_factory=set)
    loop_names: list[str] = field(default_factory=list)
    """The variables ``for NAME in ...`` / ``select NAME in ...`` headers assign."""
    connector: str | None = None
    skip_header: bool = False
    header_name: bool = False
    redirect: bool = False
    dbl: bool = False
    func_kw: bool = False
    func_pending: bool = False
    case_state: str = ""
    case_words: list[Word] = field(default_factory=list)

    def finish(self) -> None:
        """End the current simple command."""
        if self.cur:
            self.out.append(Cmd(tuple(self.cur), self.connector, sum(1 for f in self.frames if f != "brace")))
        self.cur = []

    def word(self, tok: Word) -> None:
        """Apply a word."""
        plain = tok.plain
        if self.dbl:
            self.dbl = plain != "]]"
        elif self.redirect:
            self.redirect = False
        elif self.case_state == "header":
            if plain == "in":
                self.out.append(Mark(MarkKind.SUBJECT, tuple(self.case_words)))
                self.case_state, self.case_words = "pattern", []
            else:
                self.case_words.append(tok)
        elif self.skip_header:
            if self.header_name and plain:
                self.loop_names.append(plain)
            self.header_name = False
            return
        elif self.case_state == "pattern":
            if plain == "esac" and not self.case_words:
                self.reserved("esac")
            else:
                self.case_words.append(tok)
        elif self.func_kw:
            self.func_kw, self.func_pending = False, True
            if plain:
                self.functions.add(plain)
        elif not self.cur and plain in _RESERVED:
            self.reserved(plain)
        else:
            self.func_pending = False
            self.cur.append(tok)

    def op(self, op: str, following: Word | Op | None) -> bool:
        """Apply an operator; True when it consumed the following token."""
        if self.dbl or (self.case_state == "header" and op == "\n"):
            return False
        if self.case_state == "pattern" and op in ("|", "(", "\n"):
            return False
        if op in REDIRECTS:
            self.redirect = True
        elif op == "(" and len(self.cur) == 1 and isinstance(following, Op) and following.text == ")":
            if self.cur[0].plain:
                self.functions.add(self.cur[0].plain)
            self.cur, self.func_pending = [], True
            return True
        elif op == ")" and self.case_state == "pattern":
            self.out.append(Mark(MarkKind.CLAUSE, tuple(self.case_words)))
            self.case_state, self.case_words = "body", []
        elif op in _CLAUSE_END:
            self.finish()
            self.connector = None
            self.out.append(Mark(MarkKind.ALT))
            self.case_state = "pattern"
        elif op in _SEPARATORS or op in ("(", ")"):
            self.finish()
            self.connector = op if op in ("&&", "||", "|", "|&") else None
            if op in (";", "\n"):
                self.skip_header = False
        return False

    def reserved(self, word: str) -> None:
        """A reserved word at the start of a command."""
        if word in ("if", "while", "until", "for", "select", "case"):
            self.frames.append("case" if word == "case" else "if" if word == "if" else "loop")
            self.out.append(Mark(MarkKind.OPEN))
            self.skip_header = self.header_name = word in ("for", "select")
            if word == "case":
                self.case_state = "header"
                self.out.append(Mark(MarkKind.BRANCH))
        elif word in ("then", "do"):
            self.out.append(Mark(MarkKind.BRANCH))
        elif word in ("elif", "else"):
            self.out.append(Mark(MarkKind.ALT if word == "elif" else MarkKind.ELSE))
        elif word in ("fi", "done", "esac") and self.frames:
            self.frames.pop()
            self.out.append(Mark(MarkKind.CLOSE))
            self.case_state = "body" if self.frames and self.frames[-1] == "case" else ""
        elif word == "{":
            self.frames.append("func" if self.func_pending else "brace")
            if self.func_pending:
                self.out.extend((Mark(MarkKind.OPEN), Mark(MarkKind.BRANCH)))
        elif word == "}" and self.frames:
            if self.frames.pop() == "func":
                self.out.append(Mark(MarkKind.CLOSE))
        elif word == "[[":
            self.dbl = True
        elif word == "function":
            self.func_kw = True
        self.func_pending = False


def split_commands(tokens: list[Word | Op]) -> Parsed:
    """Split tokens into simple commands and structure marks."""
    parse = Parsed()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if isinstance(tok, Word):
            parse.word(tok)
        elif parse.op(tok.text, tokens[i] if i < len(tokens) else None):
            i += 1
    parse.finish()
    return parse


_RESERVED = frozenset(
    {"if", "then", "elif", "else", "fi", "while", "until", "for", "select", "do", "done", "case", "esac",
     "{", "}", "!", "time", "[[", "function"}
)  # fmt: skip
