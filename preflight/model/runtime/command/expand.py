"""Shell state and word expansion for the static walk of ``sh`` text.

A word expands against the walked state: variables (a name mapped to None has an unknown
value), positional parameters (``"$@"`` keeps each argument's origin in the container's argv)
and the ``${name:-default}`` family. Command and arithmetic substitutions, and pattern
operators (``${x#pat}``), give unknown text. An unquoted expansion is split on blanks when its
value is known; when it is not, the word may become several words or none (`Field.single`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from preflight.model.runtime.command.vocabulary import Field, Where
from preflight.parse.shell.words import Lit, Param, Part, ShellSyntaxError, Subst, Word, lex_script

if TYPE_CHECKING:
    from collections.abc import Sequence

_BLANKS = " \t\n"


@dataclass(frozen=True, slots=True)
class TextOrigin:
    """The text a walk reads: offsets index ``source``; the walked text starts at ``base``."""

    arg_index: int
    source: str
    base: int
    script: str | None
    context: str

    def where(self, offset: int) -> Where:
        """The position of a source offset."""
        line = self.source.count("\n", 0, offset) + 1
        col = offset - (self.source.rfind("\n", 0, offset) + 1) + 1
        return Where(self.arg_index, offset, line, col, self.script)

    def nested(self, base: int) -> TextOrigin:
        """The origin of text embedded at ``base`` (a command substitution)."""
        return replace(self, base=base)

    def describe(self) -> str:
        """What this text is, for messages."""
        return self.context


@dataclass(slots=True)
class ShellState:
    """What the walk knows at a point of a script."""

    env: dict[str, str | None]
    workdir: str | None
    positional: tuple[Field, ...] | None = None
    arg0: Field | None = None
    exported: set[str] = field(default_factory=set)
    unset: set[str] = field(default_factory=set)
    functions: frozenset[str] = frozenset()
    dead: bool = False
    allexport: bool = False
    strict: bool = True
    """A variable absent from ``env`` is unset (True) or of unknown value (False)."""

    def copy(self) -> ShellState:
        """An independent copy."""
        return ShellState(
            dict(self.env), self.workdir, self.positional, self.arg0, set(self.exported), set(self.unset),
            self.functions, self.dead, self.allexport, self.strict,
        )  # fmt: skip

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """(is set, value): the value is None when unknown."""
        if name in self.env:
            return True, self.env[name]
        if name in self.unset or self.strict:
            return False, ""
        return True, None

    def assign(self, pairs: list[tuple[str, str | None]]) -> None:
        """Shell variable assignments (exported when ``set -a`` is on)."""
        for name, value in pairs:
            self.env[name] = value
            self.unset.discard(name)
            if self.allexport:
                self.exported.add(name)

    def child_env(self) -> dict[str, str | None]:
        """The environment a program started now receives."""
        return {k: v for k, v in self.env.items() if k in self.exported}


def merge(states: list[ShellState]) -> ShellState:
    """The state after alternative paths: what differs becomes unknown; dead paths drop out."""
    live = [s for s in states if not s.dead] or states[:1]
    out = live[0].copy()
    if len(live) == 1:
        return out
    for name in {k for s in live for k in s.env}:
        values = {s.env.get(name, "\0unset") for s in live}
        out.env[name] = values.pop() if len(values) == 1 else None
    for s in live[1:]:
        out.exported |= s.exported
        out.unset &= s.unset
        if s.workdir != out.workdir:
            out.workdir = None
        if s.positional != out.positional:
            out.positional = None
    out.dead = False
    return out


def _positional(name: str, state: ShellState) -> Field | str | None:
    """A positional/special parameter: its field, its text, or None when unknown."""
    if name == "0":
        return state.arg0
    if name.isdigit():
        if state.positional is None:
            return None
        k = int(name) - 1
        return state.positional[k] if k < len(state.positional) else ""
    if name == "#":
        return None if state.positional is None else str(len(state.positional))
    if name in ("@", "*"):
        if state.positional is None or any(f.text is None for f in state.positional):
            return None
        return " ".join(f.text or "" for f in state.positional)
    return None  # $? $$ $! $-


def _value(p: Param, state: ShellState, origin: TextOrigin) -> str | None:
    """The text a parameter expands to (None when unknown)."""
    if not p.name[:1].isalpha() and p.name[:1] != "_":
        got = _positional(p.name, state)
        is_set, value = (got is not None and got != ""), (got.text if isinstance(got, Field) else got)
        if p.name.isdigit() and got == "":
            is_set, value = False, ""
    else:
        is_set, value = state.lookup(p.name)
    op = p.op
    if op == "":
        return value
    if op == "len":
        return None if value is None else str(len(value))
    if op in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
        empty = op.startswith(":") and value == ""
        if value is None and (op.startswith(":") or not is_set):
            return None
        use_arg = (not is_set or empty) if op[-1] in "-=?" else (is_set and not empty)
        if op[-1] in "+" and not use_arg:
            return ""
        if not use_arg:
            return value
        if op[-1] == "?":
            return None
        arg = parts_text(p.arg, state, origin)
        if op[-1] == "=" and p.name[:1].isalpha():
            state.assign([(p.name, arg)])
        return arg
    return None


def parts_text(parts: tuple[Part, ...], state: ShellState, origin: TextOrigin) -> str | None:
    """The text of parts without field splitting (None when any part is unknown)."""
    out = ""
    for part in parts:
        if isinstance(part, Lit):
            out += part.text
        elif isinstance(part, Subst):
            return None
        else:
            value = _value(part, state, origin)
            if value is None:
                return None
            out += value
    return out


def expand(word: Word, state: ShellState, origin: TextOrigin, *, split: bool = True) -> list[Field]:
    """The argv words a shell word becomes."""
    where = origin.where(word.start)
    parts = word.parts
    if not parts:
        return [Field("", where, raw=word.raw)]
    only = parts[0] if len(parts) == 1 else None
    if isinstance(only, Param) and only.op == "" and split:
        got = _positional(only.name, state) if only.name[:1].isdigit() or only.name in "@*" else None
        if only.name == "@" or (only.name == "*" and not only.quoted):
            return _all_args(state, where, word.raw, only.quoted)
        if isinstance(got, Field) and (only.quoted or got.text is None or not _has_blank(got.text)):
            return [got]
    text = ""
    unknown = blank = expansions = False
    quoted_only = True
    for k, part in enumerate(parts):
        if isinstance(part, Lit):
            value: str | None = part.text
            if k == 0 and not part.quoted and part.text.startswith("~"):
                value = _tilde(part.text, state)
        elif isinstance(part, Subst):
            value = None
        else:
            value = _value(part, state, origin)
        if not isinstance(part, Lit):
            expansions = True
            quoted_only = quoted_only and part.quoted
            blank = blank or (not part.quoted and value is not None and _has_blank(value))
        if value is None:
            unknown = True
        else:
            text += value
    base = parts[0].start if isinstance(parts[0], Lit) else None
    if unknown:
        return [Field(None, where, single=quoted_only or not split, raw=word.raw)]
    if split and expansions and not quoted_only:
        if blank and isinstance(only, Param):
            return [Field(w, where, raw=word.raw) for w in text.split()]
        if blank:
            return [Field(None, where, single=False, raw=word.raw)]
        if (
            text == ""
            and all(not p.quoted for p in parts if not isinstance(p, Lit))
            and all(isinstance(p, Param | Subst) for p in parts)
        ):
            return []
    return [Field(text, where, raw=word.raw, base=base)]


def _all_args(state: ShellState, where: Where, raw: str, quoted: bool) -> list[Field]:
    if state.positional is None:
        return [Field(None, where, single=False, raw=raw)]
    if quoted:
        return list(state.positional)
    out: list[Field] = []
    for f in state.positional:
        if f.text is None:
            out.append(replace(f, single=False))
        else:
            out.extend(Field(w, f.where, raw=w) for w in f.text.split())
    return out


def _has_blank(text: str) -> bool:
    return any(c in _BLANKS for c in text) or text == ""


def _tilde(text: str, state: ShellState) -> str | None:
    head, sep, tail = text.partition("/")
    if head != "~":
        return None  # ~user
    _, home = state.lookup("HOME")
    return None if not home else home + sep + tail


def has_positional_refs(tokens: Sequence[object]) -> bool:
    """Whether tokens use the positional parameters (``$@ $* $1 $#``, ``shift``, ``getopts``,
    ``for x; do``)."""
    for k, tok in enumerate(tokens):
        if not isinstance(tok, Word):
            continue
        if tok.plain in ("shift", "getopts"):
            return True
        following = tokens[k + 2] if k + 2 < len(tokens) else None
        if tok.plain == "for" and not (isinstance(following, Word) and following.plain == "in"):
            return True  # `for x; do` loops over "$@"
        if _parts_refer(tok.parts):
            return True
    return False


def _parts_refer(parts: tuple[Part, ...]) -> bool:
    for part in parts:
        if isinstance(part, Param):
            if part.name in ("@", "*", "#") or (part.name.isdigit() and part.name != "0"):
                return True
            if _parts_refer(part.arg):
                return True
        elif isinstance(part, Subst):
            try:
                if has_positional_refs(list(lex_script(part.text))):
                    return True
            except ShellSyntaxError:
                return True
    return False
