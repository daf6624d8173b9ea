"""What counts as reading configuration in Python source, for :mod:`preflight.parse.python`.

Environment reads: ``os.environ[...]``, ``os.environ.get/pop/setdefault``, ``os.getenv``,
``"X" in os.environ`` (however ``os`` and its names were imported), and the readers of
django-environ (``env("X")``, ``env.str("X")``, ``env.db()`` reading ``DATABASE_URL``, defaults
from the ``Env(X=(cast, default))`` scheme), environs (``env.str("X", default)``) and
python-decouple (``config("X", default=...)``). A library object is recognised when the file
creates it (``env = environ.Env()``) or imports a ready-made one (``from decouple import config``,
``from environs import env``).

Settings classes (pydantic ``BaseSettings``) are analysed by :mod:`preflight.parse.python_settings`,
which builds on :class:`Symbols` and the helpers here.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Callable

_NEWLINE = re.compile(r"\r\n|\r|\n")
_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault"})
# django-environ: methods taking a cast before the default, and the variable a URL parser reads
# when called without one.
_DJANGO_CAST_FIRST = frozenset({"list", "tuple", "dict", "get_value"})
_DJANGO_URL_VARS = {
    "db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL", "cache_url": "CACHE_URL",
    "email": "EMAIL_URL", "email_url": "EMAIL_URL", "search_url": "SEARCH_URL",
    "channels": "CHANNELS_URL", "channels_url": "CHANNELS_URL",
}  # fmt: skip
_DJANGO_METHODS = _DJANGO_CAST_FIRST | set(_DJANGO_URL_VARS) | {"str", "bool", "int", "float", "json", "url", "path"}
_ENVIRONS_METHODS = frozenset({
    "str", "int", "bool", "float", "decimal", "list", "dict", "json", "datetime", "date", "time",
    "timedelta", "path", "log_level", "uuid", "url", "enum", "dj_db_url", "dj_email_url", "dj_cache_url",
})  # fmt: skip


class EnvKind(enum.Enum):
    """How an environment variable is read, which decides what happens when it is missing."""

    SUBSCRIPT = "subscript"  # os.environ["X"], os.environ.pop("X"): KeyError
    GET = "get"  # os.getenv("X"), os.environ.get("X"): None
    GET_DEFAULT = "get_default"  # with a default that is not None
    SETDEFAULT = "setdefault"  # os.environ.setdefault("X", v)
    CONTAINS = "contains"  # "X" in os.environ: a check, never an error
    LIBRARY = "library"  # django-environ, environs, python-decouple


class EnvLibrary(enum.Enum):
    """The configuration libraries whose reads are recognised."""

    DJANGO_ENVIRON = "django-environ"
    ENVIRONS = "environs"
    DECOUPLE = "python-decouple"


# Objects the libraries export ready to call: `from decouple import config`, `from environs import env`.
_READY_MADE = {"decouple.config": EnvLibrary.DECOUPLE, "environs.env": EnvLibrary.ENVIRONS}
_CONSTRUCTORS = {
    "environ.Env": EnvLibrary.DJANGO_ENVIRON, "environ.FileAwareEnv": EnvLibrary.DJANGO_ENVIRON,
    "environs.Env": EnvLibrary.ENVIRONS, "decouple.AutoConfig": EnvLibrary.DECOUPLE,
    "decouple.Config": EnvLibrary.DECOUPLE,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class EnvRead:
    """One read of an environment variable named by a string literal.

    ``has_default`` is also True for ``os.getenv("X") or "d"`` and for library calls given any
    ``default`` (django-environ's ``Env(X=(cast, default))`` scheme included). ``optional`` marks
    reads that cannot fail: guarded by ``try``/``except KeyError`` (or the library's error),
    ``suppress(KeyError)``, a presence check such as ``if "X" in os.environ:``, or
    ``TYPE_CHECKING``; ``guard`` says which. ``required`` marks a ``get`` whose result the code
    then refuses when missing (``X = os.getenv("X")`` followed by ``if X is None: raise ...``).
    """

    name: str
    kind: EnvKind
    has_default: bool
    line: int
    col: int
    end_line: int
    end_col: int
    in_function: bool = False
    optional: bool = False
    guard: str | None = None
    library: EnvLibrary | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class BoolCast:
    """``bool(os.getenv("X"))`` and friends: true for any non-empty string, "false" and "0" too."""

    name: str
    line: int
    col: int
    end_line: int
    end_col: int


class LineIndex:
    """Converts ast positions (1-based lines, UTF-8 byte columns) to 1-based character columns."""

    __slots__ = ("_lines",)

    def __init__(self, text: str) -> None:
        self._lines = _NEWLINE.split(text)

    def col(self, line: int, byte_col: int) -> int:
        """The 1-based character column of a 0-based UTF-8 byte offset on a 1-based line."""
        if 1 <= line <= len(self._lines) and not self._lines[line - 1].isascii():
            return len(self._lines[line - 1].encode()[:byte_col].decode("utf-8", "replace")) + 1
        return byte_col + 1

    def span(self, node: ast.stmt | ast.expr) -> tuple[int, int, int, int]:
        """line, col, end_line, end_col of a node (end column exclusive)."""
        end_line = node.end_lineno or node.lineno
        end_col = node.col_offset if node.end_col_offset is None else node.end_col_offset
        return node.lineno, self.col(node.lineno, node.col_offset), end_line, self.col(end_line, end_col)


class Symbols:
    """What the module's imports and configuration-library assignments bind, by local name.

    Flat over the whole file (no scopes): good enough for the names this module looks for.
    """

    __slots__ = ("classes", "instances", "names", "schemes")

    def __init__(self, tree: ast.Module, keep: Callable[[ast.stmt], bool] | None = None) -> None:
        """Collect the bindings of `tree`; `keep` (when given) says which statements may hold one,
        and the others are skipped with everything inside them."""
        self.names: dict[str, str] = {}
        self.instances: dict[str, EnvLibrary] = {}
        self.schemes: dict[str, frozenset[str]] = {}
        self.classes: list[ast.ClassDef] = []  # every class statement, in source order
        assigns: list[tuple[ast.expr, ast.expr | None]] = []
        stack: list[ast.AST] = [tree]
        while stack:  # statements only, depth first in source order
            node = stack.pop()
            nested = _nested_statements(node)
            if keep is not None:
                nested = [c for c in nested if not isinstance(c, ast.stmt) or keep(c)]
            stack.extend(reversed(nested))
            if isinstance(node, ast.ClassDef):
                self.classes.append(node)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    head = alias.name.partition(".")[0]
                    self.names[alias.asname or head] = alias.name if alias.asname else head
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                assigns.append((node.targets[0], node.value))
            elif isinstance(node, ast.AnnAssign):
                assigns.append((node.target, node.value))
        for target, value in assigns:
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                library = _CONSTRUCTORS.get(self.qualname(value.func) or "")
                if library is not None:
                    self.instances[target.id] = library
                    schemed = (k.arg for k in value.keywords if isinstance(k.value, ast.Tuple | ast.List))
                    self.schemes[target.id] = frozenset(arg for arg in schemed if arg)

    def qualname(self, node: ast.expr) -> str | None:
        """``os.environ.get`` for ``environ.get`` after ``from os import environ``; None if not dotted."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.names.get(node.id, node.id))
        return ".".join(reversed(parts))

    def library(self, func: ast.expr) -> tuple[EnvLibrary, str | None, str] | None:
        """(library, method or None for a call of the object itself, object name) of a call target."""
        for target, method in ((func, None), *([(func.value, func.attr)] if isinstance(func, ast.Attribute) else [])):
            if isinstance(target, ast.Name) and target.id in self.instances:
                return self.instances[target.id], method, target.id
            owner = self.qualname(target) or ""
            if owner in _READY_MADE:
                return _READY_MADE[owner], method, owner
        return None


_BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def _nested_statements(node: ast.AST) -> list[ast.AST]:
    """The statements, except handlers and match cases directly inside a node, in source order
    (the nodes of its block fields: what ``ast.iter_child_nodes`` yields of those kinds)."""
    found: list[ast.AST] = []
    for name in node._fields:
        if name in _BLOCK_FIELDS:
            value = getattr(node, name, None)
            if isinstance(value, list):
                found.extend(value)
    return found


def literal_str(node: ast.expr | None) -> str | None:
    """The value of a plain string literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def call_arg(call: ast.Call, index: int, *keywords: str) -> ast.expr | None:
    """The argument at a position (if no ``*args`` comes before it) or passed by keyword."""
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg in keywords), None)


def is_none(node: ast.expr | None) -> bool:
    """Whether a node is the literal ``None``."""
    return isinstance(node, ast.Constant) and node.value is None


EnvMatch: TypeAlias = tuple[str | None, EnvKind, bool, EnvLibrary | None]


def classify_env(node: ast.expr, symbols: Symbols) -> EnvMatch | None:
    """(name or None when not a literal, kind, has_default, library) of an environment read."""
    if isinstance(node, ast.Subscript):
        if isinstance(node.ctx, ast.Load) and symbols.qualname(node.value) == "os.environ":
            return literal_str(node.slice), EnvKind.SUBSCRIPT, False, None
        return None
    if isinstance(node, ast.Compare):
        if (len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn)
                and symbols.qualname(node.comparators[0]) == "os.environ"):  # fmt: skip
            return literal_str(node.left), EnvKind.CONTAINS, False, None
        return None
    if not isinstance(node, ast.Call):
        return None
    qualified = symbols.qualname(node.func)
    if qualified in _GETTERS:
        name = literal_str(call_arg(node, 0, "key"))
        default = call_arg(node, 1, "default")
        if qualified == "os.environ.setdefault":
            return name, EnvKind.SETDEFAULT, True, None
        if default is None:
            return name, EnvKind.SUBSCRIPT if qualified == "os.environ.pop" else EnvKind.GET, False, None
        return (name, EnvKind.GET, False, None) if is_none(default) else (name, EnvKind.GET_DEFAULT, True, None)
    found = symbols.library(node.func)
    return None if found is None else _library_read(node, symbols, *found)


def _library_read(
    node: ast.Call, symbols: Symbols, library: EnvLibrary, method: str | None, owner: str
) -> EnvMatch | None:
    default_index = 1
    name_node = call_arg(node, 0, "var", "name", "option")
    if library is EnvLibrary.DJANGO_ENVIRON:
        if method is not None and method not in _DJANGO_METHODS:
            return None
        default_index = 2 if method is None or method in _DJANGO_CAST_FIRST else 1
        if name_node is None and method in _DJANGO_URL_VARS:
            name_node = ast.Constant(_DJANGO_URL_VARS[method])
    elif method is not None and method not in (_ENVIRONS_METHODS if library is EnvLibrary.ENVIRONS else {"get"}):
        return None
    name = literal_str(name_node)
    has_default = call_arg(node, default_index, "default") is not None
    return name, EnvKind.LIBRARY, has_default or name in symbols.schemes.get(owner, ()), library


def present_names(test: ast.expr, symbols: Symbols) -> frozenset[str]:
    """Variables a true ``test`` proves set: ``"X" in os.environ``, ``os.getenv("X") [is not None]``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return frozenset(n for value in test.values for n in present_names(value, symbols))
    if isinstance(test, ast.NamedExpr):  # if (url := os.getenv("URL")):
        test = test.value
    if isinstance(test, ast.Compare):
        if isinstance(test.ops[0], ast.IsNot | ast.NotEq) and is_none(test.comparators[0]):
            test = test.left
        elif not isinstance(test.ops[0], ast.In):
            return frozenset()
    read = classify_env(test, symbols)
    if read is None or read[0] is None or read[1] not in (EnvKind.GET, EnvKind.CONTAINS):
        return frozenset()
    return frozenset({read[0]})
