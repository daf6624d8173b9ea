"""Where a node of a Python module sits, for :mod:`preflight.parse.python`.

The enclosing ``try`` bodies and ``suppress()`` blocks (:class:`Trap`), ``except ImportError``
fallbacks, ``TYPE_CHECKING`` and ``sys.version_info`` tests and presence checks make up the
context (:class:`Ctx`) that decides whether an import or an environment read is optional, and
under which Python versions it runs.  The rules are described in :mod:`preflight.parse.python`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.parse.python_env import Symbols

__all__ = [
    "BROAD_ERRORS",
    "IMPORT_ERRORS",
    "KEY_ERRORS",
    "LIBRARY_ERRORS",
    "Ctx",
    "Trap",
    "caught_names",
    "type_checking_test",
    "version_test",
]

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
KEY_ERRORS = frozenset({"KeyError", "LookupError"})
# What django-environ (ImproperlyConfigured), environs (EnvError...) and decouple raise.
LIBRARY_ERRORS = frozenset(
    {"ImproperlyConfigured", "EnvError", "EnvValidationError", "UndefinedValueError", "ValueError"}
)
BROAD_ERRORS = frozenset({"Exception", "BaseException", ""})  # "" stands for a bare `except:`
# A version comparison's operator when true and when false.
_COMPARISONS: dict[type[ast.cmpop], tuple[str, str]] = {
    ast.Lt: ("<", ">="), ast.LtE: ("<=", ">"), ast.Gt: (">", "<="), ast.GtE: (">=", "<"),
}  # fmt: skip


def caught_names(handler_type: ast.expr | None) -> tuple[str, ...]:
    """Exception names caught by a handler (last dotted component); ("",) for a bare except."""
    if handler_type is None:
        return ("",)
    items = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    return tuple(i.id if isinstance(i, ast.Name) else i.attr for i in items if isinstance(i, ast.Name | ast.Attribute))


def type_checking_test(test: ast.expr, symbols: Symbols) -> bool | None:
    """True for ``TYPE_CHECKING``/``typing.TYPE_CHECKING``, False for its negation, else None."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    if isinstance(test, ast.UnaryOp) and negated:
        test = test.operand
    if isinstance(test, ast.Name | ast.Attribute) and (symbols.qualname(test) or "").endswith("TYPE_CHECKING"):
        return not negated
    return None


def version_test(test: ast.expr, symbols: Symbols) -> tuple[str, str] | None:
    """Specifiers for when ``sys.version_info[:2] >= (3, 11)`` and the like is true and false."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.comparators[0], ast.Tuple):
        return None
    left = test.left.value if isinstance(test.left, ast.Subscript) else test.left
    numbers = [e.value for e in test.comparators[0].elts if isinstance(e, ast.Constant) and type(e.value) is int]
    op = _COMPARISONS.get(type(test.ops[0]))
    if op is None or symbols.qualname(left) != "sys.version_info" or not numbers:
        return None
    version = ".".join(map(str, numbers))
    return op[0] + version, op[1] + version


@dataclass(frozen=True, slots=True)
class Trap:
    """An enclosing ``try`` body or ``suppress()`` block and what it catches."""

    how: str  # "try/except" or "suppress"
    caught: tuple[str, ...]

    def guard(self, family: frozenset[str]) -> str | None:
        """The guard label when this block catches an exception of ``family`` (or anything), else None."""
        for name in self.caught:
            if name in family or name in BROAD_ERRORS:
                if self.how == "suppress":
                    return f"suppress({name})"
                return f"try/except {name}" if name else "try/bare except"
        return None


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where a node sits: what guards it and whether it runs at import time."""

    in_function: bool = False
    type_checking: bool = False
    traps: tuple[Trap, ...] = ()
    fallback: str | None = None  # inside an `except ImportError:` handler
    present: frozenset[str] = frozenset()  # variables checked to be set
    python: tuple[str, ...] = ()  # PEP 440 specifiers from `if sys.version_info ...:` tests

    def guard(self, family: frozenset[str]) -> str | None:
        """Why an exception of ``family`` raised here cannot fail the module: a guard label, or None."""
        if self.type_checking:
            return "TYPE_CHECKING"
        if family == IMPORT_ERRORS and self.fallback:
            return self.fallback
        return next((g for t in reversed(self.traps) if (g := t.guard(family))), None)

    def function_body(self) -> Ctx:
        """The context of a function body defined here (it does not inherit the ``try`` around its ``def``)."""
        return Ctx(in_function=True, type_checking=self.type_checking, python=self.python)
