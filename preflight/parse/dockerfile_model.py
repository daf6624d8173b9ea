"""The parsed-Dockerfile model: instructions, flags, heredocs and parser directives with spans.

:func:`preflight.parse.dockerfile.parse_dockerfile` builds these; import them from
:mod:`preflight.parse.dockerfile`, which re-exports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.diagnostics import ParseProblem, Span

__all__ = ["Directive", "Dockerfile", "Flag", "Heredoc", "Instruction"]

_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Flag:
    """A ``--name[=value]`` builder flag, quotes and escapes already removed like BuildKit."""

    name: str
    value: str | None
    span: Span

    @property
    def text(self) -> str:
        """The flag as BuildKit's parser reports it, e.g. ``--from=builder``."""
        return "--" + self.name if self.value is None else f"--{self.name}={self.value}"


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A heredoc body; ``content`` is raw (line endings kept, ``<<-`` tabs not yet stripped)."""

    name: str
    content: str
    strip_tabs: bool
    expand: bool
    span: Span  # the body lines through the terminator line
    marker_span: Span  # the ``<<EOF`` word on the instruction line
    fd: int = 0

    @property
    def effective_content(self) -> str:
        """The content with leading tabs removed for ``<<-`` heredocs."""
        return _LEADING_TABS.sub("", self.content) if self.strip_tabs else self.content


@dataclass(frozen=True, slots=True)
class Instruction:
    """One Dockerfile instruction (a BuildKit parser node)."""

    keyword: str
    raw_args: str
    args: tuple[str, ...]
    json_form: bool
    flags: tuple[Flag, ...]
    heredocs: tuple[Heredoc, ...]
    span: Span
    keyword_span: Span
    args_span: Span
    sub: Instruction | None
    original: str
    keyword_text: str = ""  # the keyword as written, for casing checks
    escape: str = "\\"

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name`` (without dashes), if any."""
        for flag in reversed(self.flags):
            if flag.name == name:
                return flag
        return None

    def flags_named(self, name: str) -> tuple[Flag, ...]:
        """Every flag called ``name``, in order (``--mount`` and ``--exclude`` repeat)."""
        return tuple(f for f in self.flags if f.name == name)


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive (``# syntax=``, ``# escape=``, ``# check=``); name lower-cased."""

    name: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile."""

    path: str
    instructions: tuple[Instruction, ...]
    directives: tuple[Directive, ...]
    escape: str
    comments: tuple[tuple[int, str], ...]  # (line, text after '#', stripped)
    problems: tuple[ParseProblem, ...]
    warnings: tuple[ParseProblem, ...] = ()
