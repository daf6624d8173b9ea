"""The walk over one parsed Python module: its imports, environment reads and bool casts.

Used by :func:`preflight.parse.python.analyze_python`, which parses the file and plans which
parts the walk may skip (:mod:`preflight.parse.python_scan`).
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, replace

from preflight.parse.python_env import (
    BoolCast,
    EnvKind,
    EnvLibrary,
    EnvRead,
    LineIndex,
    Symbols,
    call_arg,
    classify_env,
    is_none,
    literal_str,
    present_names,
)
from preflight.parse.python_guards import (
    BROAD_ERRORS,
    IMPORT_ERRORS,
    KEY_ERRORS,
    LIBRARY_ERRORS,
    Ctx,
    Trap,
    caught_names,
    type_checking_test,
    version_test,
)
from preflight.parse.python_scan import statement_lines_of, touches

# Nodes without anything to find below them, skipped quickly.
_LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)

_IMPORTERS = frozenset({"importlib.import_module", "importlib.__import__", "__import__"})


class ImportKind(enum.Enum):
    """How a module is imported."""

    IMPORT = "import"
    FROM = "from"
    IMPORTLIB = "importlib"  # importlib.import_module("x") or __import__("x")


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One imported module, positioned on its whole statement (or call, for IMPORTLIB).

    ``module`` is the dotted name as written, without the leading dots of a relative import,
    which ``level`` counts (``from . import x`` is module ``""``, level 1, names ``("x",)``).
    ``import a, b`` gives one ref per module, each spanning the statement. ``names`` are the
    imported names of ``from m import a, b`` (a name may be a submodule), or the ``fromlist``
    of ``__import__``. ``guard`` says why ``optional`` holds: ``"TYPE_CHECKING"``,
    ``"try/except ImportError"``, ``"suppress(ImportError)"``, ``"except ImportError fallback"``.
    ``python_version`` is a PEP 440 specifier (``">=3.11"``, ``"<3.11"``, joined by commas when
    nested) when the import sits under ``if sys.version_info >= (3, 11):`` or its ``else``.
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
    python_version: str | None = None


def absolute_module(module: str, level: int, package: str) -> str | None:
    if level <= 0:
        return module
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


_DOTENV_LOADERS = frozenset({"dotenv.load_dotenv", "dotenv.main.load_dotenv"})

_MODULE_PROBES = frozenset({
    "importlib.util.find_spec", "importlib.find_loader", "pkgutil.find_loader", "importlib.util.find_loader",
})  # fmt: skip


def _missing_test(test: ast.expr) -> str | None:
    """The variable a test proves missing: `X is None`, `X == None`, `not X`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is | ast.Eq)
            and isinstance(test.left, ast.Name) and is_none(test.comparators[0])):  # fmt: skip
        return test.left.id
    return None


def _refuses(body: list[ast.stmt], symbols: Symbols) -> bool:
    """Whether a block ends the program: a `raise`, or `sys.exit()`/`exit()`."""
    for node in body:
        if isinstance(node, ast.Raise):
            return True
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and symbols.qualname(call.func) in ("sys.exit", "exit", "quit", "os._exit"):
            return True
    return False


class Walker:
    """Collects imports, environment reads and bool casts of one parsed module."""

    def __init__(
        self,
        symbols: Symbols,
        index: LineIndex,
        scan_exprs: bool = True,
        reader_lines: list[int] | None = None,
        statement_lines: list[int] | None = None,
    ) -> None:
        self.symbols = symbols
        self.index = index
        self.scan_exprs = scan_exprs
        self.reader_lines = reader_lines  # None: any expression may hold a read
        self.statement_lines = statement_lines  # None: any statement may hold something to find
        self.imports: list[ImportRef] = []
        self.env_reads: list[EnvRead] = []
        self.bool_casts: list[BoolCast] = []
        self.dynamic_reads = 0
        self.dynamic_imports = 0
        self._read_at: dict[int, int] = {}  # id() of a read's node -> its index in env_reads
        self.probe_names: set[str] = set()  # names bound to `find_spec(...)` tests
        self.env_files: list[str | None] = []
        self.django_settings: list[str] = []  # os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")

    def stmts(self, body: list[ast.stmt], ctx: Ctx) -> None:
        assigned: dict[str, int] = {}  # variable -> index of the `get` read assigned to it
        for node in body:
            self.stmt(node, ctx)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if self._probes_module(node.value):
                    self.probe_names.add(node.targets[0].id)
                index = self._read_at.get(id(node.value))
                if index is not None and self.env_reads[index].kind is EnvKind.GET:
                    assigned[node.targets[0].id] = index
            elif isinstance(node, ast.If) and assigned:
                name = _missing_test(node.test)
                if name in assigned and _refuses(node.body, self.symbols):
                    index = assigned[name]
                    self.env_reads[index] = replace(self.env_reads[index], required=True)

    def stmt(self, node: ast.stmt, ctx: Ctx) -> None:
        if self.statement_lines is not None and not touches(self.statement_lines, *statement_lines_of(node)):
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add_import(node, alias.name, 0, (), ImportKind.IMPORT, ctx)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            self._add_import(node, node.module or "", node.level, names, ImportKind.FROM, ctx)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for expr in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if expr is not None:
                    self.expr(expr, ctx)
            self.stmts(node.body, ctx.function_body())
        elif isinstance(node, ast.If):
            self.expr(node.test, ctx)
            body_ctx, else_ctx = ctx, ctx
            checking = type_checking_test(node.test, self.symbols)
            if checking is not None:
                body_ctx, else_ctx = (
                    (replace(ctx, type_checking=True), ctx) if checking else (ctx, replace(ctx, type_checking=True))
                )
            if (versions := version_test(node.test, self.symbols)) is not None:
                body_ctx = replace(body_ctx, python=(*ctx.python, versions[0]))
                else_ctx = replace(else_ctx, python=(*ctx.python, versions[1]))
            present = present_names(node.test, self.symbols)
            if self._probes_module(node.test):  # `if importlib.util.find_spec("pandas"):`
                body_ctx = replace(body_ctx, fallback="find_spec guard")
            self.stmts(node.body, replace(body_ctx, present=body_ctx.present | present))
            self.stmts(node.orelse, else_ctx)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._try(node, ctx)
        elif isinstance(node, ast.With | ast.AsyncWith):
            caught: tuple[str, ...] = ()
            for item in node.items:
                self.expr(item.context_expr, ctx)
                call = item.context_expr
                if isinstance(call, ast.Call) and (self.symbols.qualname(call.func) or "").endswith("suppress"):
                    caught += tuple(n for arg in call.args for n in caught_names(arg) if n)
            self.stmts(node.body, replace(ctx, traps=(*ctx.traps, Trap("suppress", caught))) if caught else ctx)
        else:
            self._children(node, ctx)

    def _loads_env_file(self, call: ast.Call) -> bool:
        """Record `load_dotenv(...)` / `env.read_env(...)`; True when the call is one."""
        qualified = self.symbols.qualname(call.func) or ""
        library = self.symbols.library(call.func)
        is_read_env = (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "read_env"
            and (library is not None or qualified.startswith("environ."))
        )
        if qualified not in _DOTENV_LOADERS and not is_read_env:
            return False
        path = call_arg(call, 0, "dotenv_path", "env_file")
        if path is None:
            self.env_files.append(None)
        else:
            self.env_files.append(literal_str(path) or "?")
        return True

    def _probes_module(self, test: ast.expr) -> bool:
        """Whether a test asks if a module is installed (`find_spec(...)`, or a name bound to one)."""
        for node in ast.walk(test):
            if isinstance(node, ast.Call) and self.symbols.qualname(node.func) in _MODULE_PROBES:
                return True
            if isinstance(node, ast.Name) and node.id in self.probe_names:
                return True
        return False

    def _children(self, node: ast.AST, ctx: Ctx) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.stmt(child, ctx)
            elif isinstance(child, ast.expr):
                self.expr(child, ctx)
            else:
                self._children(child, ctx)

    def _try(self, node: ast.stmt, ctx: Ctx) -> None:
        handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
        caught = tuple(n for h in handlers for n in caught_names(h.type))
        self.stmts(getattr(node, "body", []), replace(ctx, traps=(*ctx.traps, Trap("try/except", caught))))
        for handler in handlers:
            if handler.type is not None:
                self.expr(handler.type, ctx)
            name = next((n for n in caught_names(handler.type) if n in IMPORT_ERRORS or n in BROAD_ERRORS), None)
            label = None if name is None else f"except {name} fallback" if name else "bare except fallback"
            self.stmts(handler.body, replace(ctx, fallback=label or ctx.fallback))
        self.stmts(getattr(node, "orelse", []), ctx)
        self.stmts(getattr(node, "finalbody", []), ctx)

    def _add_import(
        self,
        node: ast.stmt | ast.expr,
        module: str,
        level: int,
        names: tuple[str, ...],
        kind: ImportKind,
        ctx: Ctx,
    ) -> None:
        guard = ctx.guard(IMPORT_ERRORS)
        python = ",".join(ctx.python) or None
        span = self.index.span(node)
        ref = ImportRef(
            module, level, names, kind, *span, guard is not None, ctx.type_checking, ctx.in_function, guard, python
        )
        self.imports.append(ref)

    def expr(self, root: ast.expr, ctx: Ctx) -> None:
        """Walk an expression iteratively; the flag marks operands of ``or`` with a fallback after them."""
        if not self.scan_exprs:
            return
        if self.reader_lines is not None and not touches(
            self.reader_lines, root.lineno, root.end_lineno or root.lineno
        ):
            return
        stack: list[tuple[ast.AST, Ctx, bool]] = [(root, ctx, False)]
        while stack:
            node, here, fallback = stack.pop()
            if isinstance(node, _LEAVES):
                continue
            if isinstance(node, ast.Call | ast.Subscript | ast.Compare):
                self._inspect(node, here, fallback)
            if isinstance(node, ast.Lambda):
                defaults = [d for d in [*node.args.defaults, *node.args.kw_defaults] if d is not None]
                stack.extend((d, here, False) for d in defaults)
                stack.append((node.body, here.function_body(), False))
            elif isinstance(node, ast.BoolOp):
                last = len(node.values) - 1
                for i, value in enumerate(node.values):
                    later = isinstance(node.op, ast.Or) and any(not is_none(v) for v in node.values[i + 1 :])
                    stack.append((value, here, later or (i == last and fallback)))
                    if isinstance(node.op, ast.And) and (present := present_names(value, self.symbols)):
                        here = replace(here, present=here.present | present)
            elif isinstance(node, ast.IfExp):
                present = present_names(node.test, self.symbols)
                stack.append((node.test, here, False))
                stack.append((node.body, replace(here, present=here.present | present), fallback))
                stack.append((node.orelse, here, fallback))
            else:
                stack.extend((child, here, False) for child in ast.iter_child_nodes(node))

    def _inspect(self, node: ast.Call | ast.Subscript | ast.Compare, ctx: Ctx, fallback: bool) -> None:
        if isinstance(node, ast.Call):
            qualified = self.symbols.qualname(node.func)
            if qualified in _IMPORTERS:
                self._import_call(node, qualified == "importlib.import_module", ctx)
                return
            if qualified == "bool" and len(node.args) == 1 and not node.keywords:
                cast = classify_env(node.args[0], self.symbols)
                if cast is not None and cast[0] and cast[1] not in (EnvKind.LIBRARY, EnvKind.CONTAINS):
                    self.bool_casts.append(BoolCast(cast[0], *self.index.span(node)))
        if isinstance(node, ast.Call) and self._loads_env_file(node):
            return
        read = classify_env(node, self.symbols)
        if read is None:
            return
        name, kind, has_default, library = read
        if kind is EnvKind.SETDEFAULT and name == "DJANGO_SETTINGS_MODULE" and isinstance(node, ast.Call):
            default = literal_str(call_arg(node, 1, "default"))
            if default:
                self.django_settings.append(default)
        if library is EnvLibrary.DECOUPLE:
            self.env_files.append(None)  # decouple also reads the `.env` it finds
        if name is None:
            self.dynamic_reads += 1
            return
        guard = ctx.guard(LIBRARY_ERRORS if library else KEY_ERRORS)
        guard = guard or ("presence check" if name in ctx.present else None)
        has_default = has_default or (fallback and kind in (EnvKind.GET, EnvKind.GET_DEFAULT))
        self._read_at[id(node)] = len(self.env_reads)
        self.env_reads.append(EnvRead(name, kind, has_default, *self.index.span(node), ctx.in_function,
                                      guard is not None, guard, library))  # fmt: skip

    def _import_call(self, node: ast.Call, import_module: bool, ctx: Ctx) -> None:
        name = literal_str(call_arg(node, 0, "name"))
        if not name:
            self.dynamic_imports += 1
            return
        module = name.lstrip(".")
        names: tuple[str, ...] = ()
        level = len(name) - len(module)
        if import_module:
            package = literal_str(call_arg(node, 1, "package"))
            absolute = absolute_module(module, level, package) if level and package else None
            module, level = (absolute, 0) if absolute is not None else (module, level)
        else:
            level_node = call_arg(node, 4, "level")
            if isinstance(level_node, ast.Constant) and isinstance(level_node.value, int):
                level = level_node.value
            fromlist = call_arg(node, 3, "fromlist")
            if isinstance(fromlist, ast.List | ast.Tuple):
                names = tuple(s for s in map(literal_str, fromlist.elts) if s is not None)
        self._add_import(node, module, level, names, ImportKind.IMPORTLIB, ctx)
