"""The statement walker behind :func:`preflight.parse.python.analyze_python`.

Finds the imports a module performs and the environment variables it reads, together with the
context that decides whether a failure is fatal: ``try``/``except`` blocks, ``suppress()``,
``if TYPE_CHECKING:``, function bodies and presence checks such as ``if "X" in os.environ:``.
Statements are visited recursively (Python's own parser bounds their nesting); expressions are
walked with an explicit stack, so deeply nested expressions cannot exhaust the recursion limit.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass, replace

_NEWLINE = re.compile(r"\r\n|\r|\n")
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_KEY_ERRORS = frozenset({"KeyError", "LookupError"})
# What django-environ (ImproperlyConfigured), environs (EnvError, ...) and decouple raise.
_LIBRARY_ERRORS = frozenset(
    {"ImproperlyConfigured", "EnvError", "EnvValidationError", "UndefinedValueError", "ValueError"}
)
_BROAD = frozenset({"Exception", "BaseException", ""})  # "" stands for a bare `except:`
_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault"})
_IMPORTERS = frozenset({"importlib.import_module", "importlib.__import__", "__import__"})
# django-environ: methods whose default is the 3rd positional argument, and the variable a
# URL parser reads when called without one.
_DJANGO_CAST_FIRST = frozenset({"list", "tuple", "dict", "get_value"})
_DJANGO_URL_VARS = {
    "db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL", "cache_url": "CACHE_URL",
    "email": "EMAIL_URL", "email_url": "EMAIL_URL", "search_url": "SEARCH_URL",
    "channels": "CHANNELS_URL", "channels_url": "CHANNELS_URL",
}  # fmt: skip
_DJANGO_METHODS = _DJANGO_CAST_FIRST | frozenset(_DJANGO_URL_VARS) | {
    "str", "bool", "int", "float", "json", "url", "path",
}  # fmt: skip
_ENVIRONS_METHODS = frozenset({
    "str", "int", "bool", "float", "decimal", "list", "dict", "json", "datetime", "date", "time",
    "timedelta", "path", "log_level", "uuid", "url", "enum", "dj_db_url", "dj_email_url",
    "dj_cache_url",
})  # fmt: skip


class ImportKind(enum.Enum):
    """How a module is imported."""

    IMPORT = "import"
    FROM = "from"
    IMPORTLIB = "importlib"


class EnvKind(enum.Enum):
    """How an environment variable is read, which decides what happens when it is missing."""

    SUBSCRIPT = "subscript"  # os.environ["X"], os.environ.pop("X"): KeyError
    GET = "get"  # os.getenv("X"), os.environ.get("X"): None
    GET_DEFAULT = "get_default"  # a default that is not None
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


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One imported module; ``module`` is written without the leading dots counted in ``level``.

    ``optional`` is True when a failure cannot stop the program: inside the body of a ``try``
    whose handlers catch ImportError, ModuleNotFoundError, Exception, BaseException or
    everything, inside ``with suppress(ImportError):``, under ``if TYPE_CHECKING:``, and also
    inside an ``except ImportError:`` handler (the fallback of an import that failed: one of
    the two alternatives is expected to work). ``guard`` says which of these applies.
    """

    module: str
    level: int
    names: tuple[str, ...]
    kind: ImportKind
    line: int
    col: int
    end_line: int
    end_col: int
    optional: bool = False
    type_checking: bool = False
    in_function: bool = False
    guard: str | None = None


@dataclass(frozen=True, slots=True)
class EnvRead:
    """One read of an environment variable named by a string literal.

    ``has_default`` is also True for ``os.getenv("X") or "d"`` and for library calls given any
    ``default`` (django-environ's ``Env(X=(cast, default))`` scheme included). ``optional`` marks
    reads that cannot fail: guarded by ``try``/``except KeyError`` (or the library's error),
    ``suppress(KeyError)``, a presence check such as ``if "X" in os.environ:``, or
    ``TYPE_CHECKING``.
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


@dataclass(frozen=True, slots=True)
class BoolCast:
    """``bool(os.getenv("X"))`` and friends: true for any non-empty string, "false" included."""

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
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return node.lineno, self.col(node.lineno, node.col_offset), end_line, self.col(end_line, end_col)


class Symbols:
    """What the module's imports and configuration-library assignments bind, by local name."""

    __slots__ = ("instances", "names", "schemes")

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, str] = {}
        self.instances: dict[str, EnvLibrary] = {}
        self.schemes: dict[str, frozenset[str]] = {}
        assigns: list[ast.Assign | ast.AnnAssign] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    head = alias.name.partition(".")[0]
                    self.names[alias.asname or head] = alias.name if alias.asname else head
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                assigns.append(node)
        for node in assigns:
            self._note_instance(node)

    def _note_instance(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name) or not isinstance(node.value, ast.Call):
            return
        library = {
            "environ.Env": EnvLibrary.DJANGO_ENVIRON,
            "environ.FileAwareEnv": EnvLibrary.DJANGO_ENVIRON,
            "environs.Env": EnvLibrary.ENVIRONS,
            "decouple.AutoConfig": EnvLibrary.DECOUPLE,
            "decouple.Config": EnvLibrary.DECOUPLE,
        }.get(self.qualname(node.value.func) or "")
        if library is not None:
            self.instances[targets[0].id] = library
            self.schemes[targets[0].id] = frozenset(
                k.arg for k in node.value.keywords if k.arg and isinstance(k.value, ast.Tuple | ast.List)
            )

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
        target, method = (func.value, func.attr) if isinstance(func, ast.Attribute) else (func, None)
        if not isinstance(target, ast.Name):
            return None
        library = self.instances.get(target.id) or _READY_MADE.get(self.qualname(target) or "")
        return None if library is None else (library, method, target.id)


def literal_str(node: ast.expr | None) -> str | None:
    """The value of a plain string literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _arg(call: ast.Call, index: int, *keywords: str) -> ast.expr | None:
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg in keywords), None)


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _caught(handler_type: ast.expr | None) -> tuple[str, ...]:
    """Exception names caught by a handler (last dotted component); ("",) for a bare except."""
    if handler_type is None:
        return ("",)
    items = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    return tuple(
        item.id if isinstance(item, ast.Name) else item.attr
        for item in items
        if isinstance(item, ast.Name | ast.Attribute)
    )


@dataclass(frozen=True, slots=True)
class _Trap:
    """An enclosing ``try`` body or ``suppress()`` block and what it catches."""

    how: str  # "try/except" or "suppress"
    caught: tuple[str, ...]

    def guard(self, family: frozenset[str]) -> str | None:
        for name in self.caught:
            if name in family or name in _BROAD:
                if self.how == "suppress":
                    return f"suppress({name})"
                return f"try/except {name}" if name else "try/bare except"
        return None


@dataclass(frozen=True, slots=True)
class _Ctx:
    in_function: bool = False
    type_checking: bool = False
    traps: tuple[_Trap, ...] = ()
    fallback: str | None = None
    present: frozenset[str] = frozenset()

    def guard(self, family: frozenset[str]) -> str | None:
        if self.type_checking:
            return "TYPE_CHECKING"
        if family == _IMPORT_ERRORS and self.fallback:
            return self.fallback
        return next((g for t in reversed(self.traps) if (g := t.guard(family))), None)

    def function_body(self) -> _Ctx:
        return _Ctx(in_function=True, type_checking=self.type_checking)


class Walker:
    """Collects imports, environment reads and bool casts of one parsed module."""

    def __init__(self, symbols: Symbols, index: LineIndex) -> None:
        self.symbols = symbols
        self.index = index
        self.imports: list[ImportRef] = []
        self.env_reads: list[EnvRead] = []
        self.bool_casts: list[BoolCast] = []
        self.dynamic_reads = 0
        self.dynamic_imports = 0

    # statements -----------------------------------------------------------------------------

    def stmts(self, body: list[ast.stmt], ctx: _Ctx) -> None:
        """Visit a block of statements in one context."""
        for node in body:
            self.stmt(node, ctx)

    def stmt(self, node: ast.stmt, ctx: _Ctx) -> None:
        """Visit one statement and everything it contains."""
        if isinstance(node, ast.Import | ast.ImportFrom):
            self._import_stmt(node, ctx)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            for expr in [*node.decorator_list, *args.defaults, *args.kw_defaults]:
                if expr is not None:
                    self.expr(expr, ctx)
            self.stmts(node.body, ctx.function_body())
        elif isinstance(node, ast.If):
            self.expr(node.test, ctx)
            body_ctx, else_ctx = ctx, ctx
            checking = _type_checking_test(node.test, self.symbols)
            if checking is not None:
                if checking:
                    body_ctx = replace(ctx, type_checking=True)
                else:
                    else_ctx = replace(ctx, type_checking=True)
            present = self._present(node.test)
            if present:
                body_ctx = replace(body_ctx, present=body_ctx.present | present)
            self.stmts(node.body, body_ctx)
            self.stmts(node.orelse, else_ctx)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._try(node, ctx)
        elif isinstance(node, ast.With | ast.AsyncWith):
            caught: tuple[str, ...] = ()
            for item in node.items:
                self.expr(item.context_expr, ctx)
                call = item.context_expr
                if isinstance(call, ast.Call) and (self.symbols.qualname(call.func) or "").endswith("suppress"):
                    caught += tuple(n for arg in call.args for n in _caught(arg) if n)
            self.stmts(node.body, replace(ctx, traps=(*ctx.traps, _Trap("suppress", caught))))
        else:
            self._children(node, ctx)

    def _children(self, node: ast.AST, ctx: _Ctx) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.stmt(child, ctx)
            elif isinstance(child, ast.expr):
                self.expr(child, ctx)
            else:
                self._children(child, ctx)

    def _try(self, node: ast.stmt, ctx: _Ctx) -> None:
        handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
        caught = tuple(n for h in handlers for n in _caught(h.type))
        self.stmts(getattr(node, "body", []), replace(ctx, traps=(*ctx.traps, _Trap("try/except", caught))))
        for handler in handlers:
            if handler.type is not None:
                self.expr(handler.type, ctx)
            names = _caught(handler.type)
            fallback = next((n for n in names if n in _IMPORT_ERRORS or n in _BROAD), None)
            label = None if fallback is None else f"except {fallback} fallback" if fallback else "bare except fallback"
            self.stmts(handler.body, replace(ctx, fallback=label or ctx.fallback))
        self.stmts(getattr(node, "orelse", []), ctx)
        self.stmts(getattr(node, "finalbody", []), ctx)

    def _import_stmt(self, node: ast.Import | ast.ImportFrom, ctx: _Ctx) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add_import(node, alias.name, 0, (), ImportKind.IMPORT, ctx)
        else:
            names = tuple(alias.name for alias in node.names)
            self._add_import(node, node.module or "", node.level, names, ImportKind.FROM, ctx)

    def _add_import(
        self,
        node: ast.stmt | ast.expr,
        module: str,
        level: int,
        names: tuple[str, ...],
        kind: ImportKind,
        ctx: _Ctx,
    ) -> None:
        guard = ctx.guard(_IMPORT_ERRORS)
        ref = ImportRef(module, level, names, kind, *self.index.span(node), guard is not None,
                        ctx.type_checking, ctx.in_function, guard)  # fmt: skip
        self.imports.append(ref)

    # expressions ----------------------------------------------------------------------------

    def expr(self, root: ast.expr, ctx: _Ctx) -> None:
        """Walk an expression iteratively; ``fallback`` marks the non-last operands of ``or``."""
        stack: list[tuple[ast.AST, _Ctx, bool]] = [(root, ctx, False)]
        while stack:
            node, here, fallback = stack.pop()
            if isinstance(node, ast.Call | ast.Subscript | ast.Compare):
                self._inspect(node, here, fallback)
            if isinstance(node, ast.Lambda):
                defaults = [d for d in [*node.args.defaults, *node.args.kw_defaults] if d is not None]
                stack.extend((d, here, False) for d in defaults)
                stack.append((node.body, here.function_body(), False))
            elif isinstance(node, ast.BoolOp):
                last = len(node.values) - 1
                for i, value in enumerate(node.values):
                    rest = node.values[i + 1 :]
                    has_fallback = any(not _is_none(v) for v in rest) if isinstance(node.op, ast.Or) else False
                    stack.append((value, here, has_fallback or (i == last and fallback)))
                    if isinstance(node.op, ast.And) and (present := self._present(value)):
                        here = replace(here, present=here.present | present)
            elif isinstance(node, ast.IfExp):
                present = self._present(node.test)
                stack.append((node.test, here, False))
                stack.append((node.body, replace(here, present=here.present | present), fallback))
                stack.append((node.orelse, here, fallback))
            elif isinstance(node, ast.stmt):
                self.stmt(node, here)
            else:
                stack.extend((child, here, False) for child in ast.iter_child_nodes(node))

    def _inspect(self, node: ast.Call | ast.Subscript | ast.Compare, ctx: _Ctx, fallback: bool) -> None:
        if isinstance(node, ast.Call):
            qualified = self.symbols.qualname(node.func)
            if qualified in _IMPORTERS:
                self._import_call(node, qualified == "importlib.import_module", ctx)
                return
            if qualified == "bool" and len(node.args) == 1 and not node.keywords:
                read = self.classify(node.args[0])
                if read is not None and read[0] and read[1] not in (EnvKind.LIBRARY, EnvKind.CONTAINS):
                    self.bool_casts.append(BoolCast(read[0], *self.index.span(node)))
        read = self.classify(node)
        if read is None:
            return
        name, kind, has_default, library = read
        if name is None:
            self.dynamic_reads += 1
            return
        family = _LIBRARY_ERRORS if library else _KEY_ERRORS
        guard = ctx.guard(family) or (f"'{name}' checked first" if name in ctx.present else None)
        has_default = has_default or (fallback and kind in (EnvKind.GET, EnvKind.GET_DEFAULT))
        self.env_reads.append(EnvRead(name, kind, has_default, *self.index.span(node), ctx.in_function,
                                      guard is not None, guard, library))  # fmt: skip

    def classify(self, node: ast.expr) -> tuple[str | None, EnvKind, bool, EnvLibrary | None] | None:
        """(name or None if not a literal, kind, has_default, library) of an environment read."""
        symbols = self.symbols
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
            name = literal_str(_arg(node, 0, "key"))
            default = _arg(node, 1, "default")
            if qualified == "os.environ.setdefault":
                return name, EnvKind.SETDEFAULT, True, None
            if default is None:
                kind = EnvKind.SUBSCRIPT if qualified == "os.environ.pop" else EnvKind.GET
                return name, kind, False, None
            if _is_none(default):
                return name, EnvKind.GET, False, None
            return name, EnvKind.GET_DEFAULT, True, None
        found = symbols.library(node.func)
        return None if found is None else self._library_read(node, *found)

    def _library_read(
        self, node: ast.Call, library: EnvLibrary, method: str | None, owner: str
    ) -> tuple[str | None, EnvKind, bool, EnvLibrary | None] | None:
        default_index = 1
        name_node = _arg(node, 0, "var", "name", "option")
        if library is EnvLibrary.DJANGO_ENVIRON:
            if method is not None and method not in _DJANGO_METHODS:
                return None
            default_index = 2 if method is None or method in _DJANGO_CAST_FIRST else 1
            if name_node is None and method in _DJANGO_URL_VARS:
                name_node = ast.Constant(_DJANGO_URL_VARS[method])
        elif library is EnvLibrary.ENVIRONS and method is not None and method not in _ENVIRONS_METHODS:
            return None
        elif library is EnvLibrary.DECOUPLE and method not in (None, "get"):
            return None
        name = literal_str(name_node)
        has_default = _arg(node, default_index, "default") is not None
        has_default = has_default or name in self.symbols.schemes.get(owner, frozenset())
        return name, EnvKind.LIBRARY, has_default, library

    def _present(self, test: ast.expr) -> frozenset[str]:
        """Variables a true ``test`` proves to be set: ``"X" in os.environ``, ``os.getenv("X")``."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            return frozenset(n for value in test.values for n in self._present(value))
        if (isinstance(test, ast.Compare) and len(test.ops) == 1
                and isinstance(test.ops[0], ast.IsNot | ast.NotEq) and _is_none(test.comparators[0])):  # fmt: skip
            test = test.left
        if isinstance(test, ast.Compare) and not isinstance(test.ops[0], ast.In):
            return frozenset()
        read = self.classify(test)
        if read is None or read[0] is None or read[1] not in (EnvKind.GET, EnvKind.CONTAINS):
            return frozenset()
        return frozenset({read[0]})

    def _import_call(self, node: ast.Call, import_module: bool, ctx: _Ctx) -> None:
        name = literal_str(_arg(node, 0, "name"))
        if not name:
            self.dynamic_imports += 1
            return
        module, level, names = name.lstrip("."), len(name) - len(name.lstrip(".")), ()
        if import_module:
            package = literal_str(_arg(node, 1, "package"))
            absolute = resolve_name(module, level, package) if level and package else None
            if absolute is not None:
                module, level = absolute, 0
        else:
            level_node = _arg(node, 4, "level")
            if isinstance(level_node, ast.Constant) and isinstance(level_node.value, int):
                level = level_node.value
            fromlist = _arg(node, 3, "fromlist")
            if isinstance(fromlist, ast.List | ast.Tuple):
                names = tuple(s for s in map(literal_str, fromlist.elts) if s is not None)
        self._add_import(node, module, level, names, ImportKind.IMPORTLIB, ctx)


def resolve_name(module: str, level: int, package: str) -> str | None:
    """Absolute name of ``level`` dots + ``module`` relative to ``package`` (importlib's rules)."""
    if level <= 0:
        return module
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


def _type_checking_test(test: ast.expr, symbols: Symbols) -> bool | None:
    """True for ``TYPE_CHECKING``/``typing.TYPE_CHECKING``, False for its negation, else None."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    if isinstance(test, ast.UnaryOp) and negated:
        test = test.operand
    if isinstance(test, ast.Name | ast.Attribute):
        qualified = symbols.qualname(test) or ""
        if qualified.rpartition(".")[2] == "TYPE_CHECKING":
            return not negated
    return None
