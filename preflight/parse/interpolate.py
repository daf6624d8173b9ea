"""Docker Compose variable interpolation (`$VAR`, `${VAR:-default}`, ...), modelled on compose-go.

The algorithm mirrors compose-go's ``template`` package as shipped in Docker Compose v2.40
(compose-go v2.9): one regular expression finds ``$$``, ``$NAME``, ``${...}`` and a bare ``${``;
a braced match with an operator is greedy up to the *last* ``}`` on its line and is then cut at
the first balanced closing brace (with compose's quirk of skipping the character after every
``{``); the text after the cut is interpolated separately.  Operands (defaults, alternatives and
error messages) are interpolated *eagerly* in that version, whether used or not, so variables in
them are looked up and warned about; ``lazy_operands=True`` models compose-go >= 2.10 instead.

Beyond compose, a lookup may answer :data:`UNKNOWN`: the variable is supplied by the deployment
but its value cannot be known statically.  It counts as set (``${X?}`` and ``${X:?}`` raise no
error, ``${X+alt}`` gives ``alt``); a result that depends on its value or on its emptiness is
``None``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeAlias

from preflight.parse.template_text import go_quote

__all__ = [
    "UNKNOWN",
    "Interpolation",
    "Lookup",
    "Operator",
    "RequiredError",
    "Unknown",
    "VarRef",
    "VarStatus",
    "interpolate",
]


class Unknown:
    """Type of the :data:`UNKNOWN` sentinel: a value supplied at deploy time, not knowable here."""

    __slots__ = ()
    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        # A singleton, so `value is UNKNOWN` is the idiomatic test.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown()

#: Maps a variable name to its value, ``None`` when unset, or :data:`UNKNOWN`.
Lookup: TypeAlias = Callable[[str], "str | Unknown | None"]


class Operator(enum.Enum):
    """The operator of a variable reference; the value is its spelling."""

    PLAIN = ""
    DEFAULT_UNSET_OR_EMPTY = ":-"
    DEFAULT_UNSET = "-"
    REQUIRED_UNSET_OR_EMPTY = ":?"
    REQUIRED_UNSET = "?"
    ALT_SET_AND_NONEMPTY = ":+"
    ALT_SET = "+"


class VarStatus(enum.Enum):
    """What compose knows about a referenced variable at interpolation time (the lookup's answer)."""

    SET = "set"
    UNSET = "unset"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class VarRef:
    """One variable reference; offsets index the template, ``end`` exclusive."""

    name: str
    start: int
    end: int
    operator: Operator
    operand: str
    evaluated: bool
    status: VarStatus
    braced: bool = True
    operand_start: int = -1


@dataclass(frozen=True, slots=True)
class RequiredError:
    """A `${X:?msg}` / `${X?msg}` whose variable is missing; ``message`` is compose's text."""

    name: str
    reason: str
    start: int
    end: int

    @property
    def message(self) -> str:
        """Compose's error text, e.g. ``required variable X is missing a value: msg``."""
        if self.reason:
            return f"required variable {self.name} is missing a value: {self.reason}"
        return f"required variable {self.name} is missing a value"


@dataclass(frozen=True, slots=True)
class Interpolation:
    """The outcome of interpolating one string.

    ``value`` is None on error or when it depends on an UNKNOWN value.  ``unset`` lists the
    variables compose warns about ("The "X" variable is not set. Defaulting to a blank
    string."), in compose's order and with its repetitions (compose does not deduplicate).
    ``error`` is compose's ``Invalid template: "..."`` text; ``error_template`` is the (possibly
    inner) template compose quotes in its "invalid interpolation format" message, and
    ``error_start`` the offset of the offending ``${``.
    """

    value: str | None
    refs: tuple[VarRef, ...] = ()
    unset: tuple[str, ...] = ()
    required_error: RequiredError | None = None
    error: str | None = None
    error_template: str | None = None
    error_start: int | None = None


INVALID_REFERENCE: Final = "a `${` that does not start a valid variable reference (`$$` is a literal `$`)"
"""What an invalid template is, in words that do not quote it (the template may be a secret)."""

# compose-go's pattern; Go's (?i)[a-z] also folds U+017F (long s) and U+212A (Kelvin sign),
# but not the dotted/dotless i that Python's IGNORECASE would add.
_NAME = "[_a-zA-Z\u017f\u212a][_a-zA-Z0-9\u017f\u212a]*"
_PATTERN: Final = re.compile(
    rf"\$(?:(?P<escaped>\$)|(?P<named>{_NAME})|\{{(?:(?P<braced>{_NAME}(?::?[-+?](?:.*))?)\}}|(?P<invalid>)))"
)

# compose-go picks the operator whose spelling occurs earliest in the matched text.
_OPERATORS: Final = (
    Operator.REQUIRED_UNSET_OR_EMPTY,
    Operator.REQUIRED_UNSET,
    Operator.DEFAULT_UNSET_OR_EMPTY,
    Operator.DEFAULT_UNSET,
    Operator.ALT_SET_AND_NONEMPTY,
    Operator.ALT_SET,
)

_Val: TypeAlias = "str | Unknown"


@dataclass(frozen=True, slots=True)
class _Invalid:
    template: str | None
    start: int


_Err: TypeAlias = "_Invalid | RequiredError"


@dataclass(slots=True)
class _Ctx:
    lookup: Lookup
    lazy: bool
    refs: list[VarRef] = field(default_factory=list)
    unset: list[str] = field(default_factory=list)


def interpolate(template: str, lookup: Lookup, *, lazy_operands: bool = False) -> Interpolation:
    """Interpolate ``template`` exactly as Docker Compose v2.40 does.

    ``lazy_operands=True`` follows compose-go >= 2.10, where an unused default, alternative or
    error message is not interpolated (so its variables are neither looked up nor warned about).
    """
    ctx = _Ctx(lookup, lazy_operands)
    value, err = _substitute(template, 0, ctx, live=True)
    refs = tuple(sorted(ctx.refs, key=lambda r: r.start))
    unset = tuple(ctx.unset)
    if isinstance(err, RequiredError):
        return Interpolation(None, refs, unset, required_error=err)
    if isinstance(err, _Invalid):
        tmpl = template if err.template is None else err.template
        return Interpolation(
            None,
            refs,
            unset,
            error=f"Invalid template: {go_quote(tmpl)}",
            error_template=tmpl,
            error_start=err.start,
        )
    return Interpolation(None if isinstance(value, Unknown) else value, refs, unset)


def _substitute(tmpl: str, base: int, ctx: _Ctx, *, live: bool) -> tuple[_Val, _Err | None]:
    """compose-go's SubstituteWithOptions: replace every match, keep the first error."""
    parts: list[_Val] = []
    first: _Err | None = None
    pos = 0
    for m in _PATTERN.finditer(tmpl):
        parts.append(tmpl[pos : m.start()])
        pos = m.end()
        value, err = _replace(m.group(0), base + m.start(), ctx, live=live)
        if err is not None:
            if isinstance(err, _Invalid) and err.template is None:
                # compose names the innermost template that contained the bad `${`.
                err = _Invalid(tmpl, err.start)
            if first is None:
                first = err
            value = ""
        parts.append(value)
    parts.append(tmpl[pos:])
    return _concat(parts), first


def _replace(sub: str, base: int, ctx: _Ctx, *, live: bool) -> tuple[_Val, _Err | None]:
    """compose-go's DefaultReplacementAppliedFunc for one regex match starting at ``base``."""
    op = _pick_operator(sub)
    close = _first_brace_closing_index(sub)
    rest, rest_base = "", 0
    if close > -1:
        rest, rest_base = sub[close + 1 :], base + close + 1
        sub = sub[: close + 1]
    m = _PATTERN.search(sub)
    if m is None or m.group("escaped"):
        return "$", None
    name = m.group("named")
    if name:
        return _plain(name, base, base + len(sub), ctx, live=live, braced=False), None
    braced = m.group("braced")
    if not braced:
        return "", (_Invalid(None, base) if live else None)
    end = base + len(sub)
    if op is Operator.PLAIN or op.value not in braced:
        return _plain(braced, base, end, ctx, live=live, braced=True), None
    name, operand = braced.split(op.value, 1)
    operand_start = base + 2 + len(name) + len(op.value)
    value, err = _apply(op, name, operand, (base, end, operand_start), ctx, live=live)
    if err is not None:
        if rest:
            _substitute(rest, rest_base, ctx, live=False)  # swallowed by compose, never scanned
        return "", err
    rest_value, err = _substitute(rest, rest_base, ctx, live=live)
    if err is not None:
        return "", err
    return _concat([value, rest_value]), None


def _plain(name: str, start: int, end: int, ctx: _Ctx, *, live: bool, braced: bool) -> _Val:
    """A `$NAME` or `${NAME}`: look it up, warn when unset."""
    found = ctx.lookup(name)
    ctx.refs.append(VarRef(name, start, end, Operator.PLAIN, "", live, _status(found), braced))
    if found is None:
        if live:
            ctx.unset.append(name)
        return ""
    return found


def _apply(
    op: Operator,
    name: str,
    operand: str,
    where: tuple[int, int, int],
    ctx: _Ctx,
    *,
    live: bool,
) -> tuple[_Val, _Err | None]:
    """The six operators of compose-go's substitution functions."""
    start, end, operand_start = where
    found = ctx.lookup(name)
    ctx.refs.append(VarRef(name, start, end, op, operand, live, _status(found), True, operand_start))
    colon = op.value.startswith(":")
    empty: bool | None = None if isinstance(found, Unknown) else found == ""
    if op in (Operator.DEFAULT_UNSET, Operator.DEFAULT_UNSET_OR_EMPTY):
        # use = True/False/None(undecidable): whether the operand becomes the value
        use = True if found is None else (empty if colon else False)
    elif op in (Operator.ALT_SET, Operator.ALT_SET_AND_NONEMPTY):
        use = False if found is None else (None if colon and empty is None else not (colon and empty))
    else:
        use = True if found is None else (empty if colon else False)
        if use is None:
            use = False  # an UNKNOWN value is assumed to satisfy `:?`
    eager = live and (not ctx.lazy or use is not False)
    operand_value, err = _substitute(operand, operand_start, ctx, live=eager)
    if eager and err is not None:
        return "", err
    if op in (Operator.REQUIRED_UNSET, Operator.REQUIRED_UNSET_OR_EMPTY):
        if use and live:
            reason = operand_value if isinstance(operand_value, str) else operand
            return "", RequiredError(name, reason, start, end)
        return ("" if found is None else found), None
    if use is None:
        return UNKNOWN, None
    if use:
        return operand_value, None
    return ("" if found is None else found), None


def _status(found: str | Unknown | None) -> VarStatus:
    if found is None:
        return VarStatus.UNSET
    if isinstance(found, Unknown):
        return VarStatus.UNKNOWN
    return VarStatus.SET


def _concat(parts: list[_Val]) -> _Val:
    out: list[str] = []
    for part in parts:
        if isinstance(part, Unknown):
            return UNKNOWN
        out.append(part)
    return "".join(out)


def _pick_operator(sub: str) -> Operator:
    """The operator whose spelling occurs first in the match (PLAIN when none does)."""
    best, best_at = Operator.PLAIN, len(sub) + 1
    for op in _OPERATORS:
        at = sub.find(op.value)
        if -1 < at < best_at:
            best, best_at = op, at
    return best


def _first_brace_closing_index(s: str) -> int:
    """compose-go's brace matcher, including its skip of the character after each ``{``."""
    depth = 0
    i = 0
    while i < len(s):
        if s[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        if s[i] == "{":
            depth += 1
            i += 1
        i += 1
    return -1
