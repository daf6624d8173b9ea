"""What Compose's env-file parser (:mod:`preflight.parse.compose_dotenv`) produces: entries, the
parsed file, and the problems it records."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from preflight.diagnostics import ParseProblem
    from preflight.parse.interpolate import Unknown


class Quote(enum.Enum):
    """How a value was quoted."""

    NONE = "none"
    SINGLE = "single"
    DOUBLE = "double"


@dataclass(frozen=True, slots=True)
class DotenvEntry:
    """One ``KEY=value`` statement; positions are 1-based, ``line``/``col`` are the key's.

    ``value`` is None for a bare ``KEY`` that neither ``lookup`` nor an earlier entry resolves
    (compose then leaves the variable unset) and for a value whose interpolation failed.
    ``raw_value`` is the value as written, quotes included.  ``separator`` is ``=``, ``:`` or
    ``""``: for a bare ``KEY`` line (``inherited``), and for a last line without ``=`` nor
    newline, which compose reads as the value of a variable named ``""``.  ``dollars`` holds
    the (line, col, end_col) of every ``$`` reference compose interpolates in the value.
    """

    key: str
    value: str | Unknown | None
    raw_value: str
    quote: Quote
    line: int
    col: int
    value_line: int
    value_col: int
    end_line: int
    has_export: bool = False
    spaces_around_equals: bool = False
    separator: str = "="
    dollars: tuple[tuple[int, int, int], ...] = ()
    inherited: bool = False


@dataclass(frozen=True, slots=True)
class DotenvFile:
    """A parsed env file: its statements, compose's problems and the resulting variables.

    ``problems[0]`` is the error compose would stop at (its message without compose's
    ``failed to read <path>:`` prefix); later ones are found by resuming on the next line.
    ``values`` maps each key to its final value (the last definition wins); ``unset`` lists the
    variables compose warns about while interpolating values.
    """

    path: str
    entries: tuple[DotenvEntry, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    values: Mapping[str, str | Unknown | None] = field(default_factory=lambda: MappingProxyType({}))
    unset: tuple[str, ...] = ()
    compose_messages: tuple[str, ...] = ()
    """Compose's text for each of ``problems`` (it may quote values: compare it, never report it)."""


@dataclass(frozen=True, slots=True)
class RecordedProblem:
    """A problem, the key of the statement it was met in, and compose's text for it."""

    problem: ParseProblem
    key: str
    compose: str
    folded: bool = False
    """It stands for the broken lines of an unquoted multi-line value."""


def bare_entry(key: str, found: str | Unknown | None, line: int, col: int, export: bool) -> DotenvEntry:
    """The entry of a bare ``KEY`` line."""
    return DotenvEntry(
        key,
        found,
        "",
        Quote.NONE,
        line,
        col,
        line,
        col + len(key),
        line,
        export,
        separator="",
        inherited=True,
    )
