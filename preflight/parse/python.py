"""Static analysis of one Python source file: what it imports and which configuration it reads.

The file is parsed with the running interpreter's :mod:`ast`, never imported or executed.
:func:`analyze_python` reports

* every import (``import``, ``from ... import``, ``importlib.import_module("literal")``,
  ``__import__("literal")``) with the context deciding whether its failure is fatal;
* every environment variable read by a string literal (see :mod:`preflight.parse.python_env`),
  plus ``bool(os.getenv("X"))`` casts that are true for ``"false"``;
* pydantic ``BaseSettings`` classes and the environment variables their fields read (see
  :mod:`preflight.parse.python_settings`).

Imports are *optional* inside the body of a ``try`` whose handlers catch ImportError,
ModuleNotFoundError, Exception, BaseException or everything, inside ``suppress(ImportError)``,
under ``if TYPE_CHECKING:`` (either spelling, or the ``else`` of ``if not TYPE_CHECKING:``), and
also inside an ``except ImportError:`` handler: that import is the fallback of one that failed,
and the pair is treated as "one of the two will work". Imports in a ``try``'s ``else`` or
``finally`` are not optional. A function body does not inherit the ``try`` around its ``def``.

Statements are visited recursively (Python's parser bounds their nesting); expressions are
walked with an explicit stack. Parse failures (syntax errors, NUL bytes, nesting too deep for
the parser) become :class:`~preflight.diagnostics.ParseProblem` entries; nothing raises.
"""

from __future__ import annotations

import ast
import bisect
import enum
import re
import sys
import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem
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
from preflight.parse.python_names import NOT_ANALYSED, Binding, FunctionShape, TopLevelNames, top_level_names
from preflight.parse.python_settings import SettingsClass, SettingsField, SettingsFlavor, settings_classes

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "Binding",
    "BoolCast",
    "EnvKind",
    "EnvLibrary",
    "EnvRead",
    "FunctionShape",
    "ImportKind",
    "ImportRef",
    "PythonModule",
    "SettingsClass",
    "SettingsField",
    "SettingsFlavor",
    "TopLevelNames",
    "analyze_python",
    "resolve_relative",
]

_NEWLINE = re.compile(r"\r\n|\r|\n")
_EXPRESSION_HINTS = re.compile(r"environ|getenv|import_module|__import__|decouple|dotenv")
# Words without which no statement test can be a TYPE_CHECKING, version or find_spec test, no
# `with` a suppress(), no block a refusal, no class a settings class: without them the module's
# symbols are never asked.
_SYMBOL_HINTS = re.compile(r"TYPE_CHECKING|version_info|suppress|BaseSettings|find_spec|find_loader")
_IMPORT_WORD = re.compile(r"import\b")
# Names an environment read, an env-file load, an importlib call or a module probe is reached
# through (as written, or as the module a local name is bound to).
_READER_ROOTS = frozenset({"os", "importlib", "__import__", "decouple", "environs", "environ", "dotenv", "pkgutil"})
_PROBE_WORDS = re.compile(r"find_spec|find_loader|importlib|pkgutil")
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


@dataclass(frozen=True, slots=True)
class PythonModule:
    """Everything :func:`analyze_python` found in one file, each tuple in source order.

    ``dynamic_reads``/``dynamic_imports`` count reads and ``importlib`` calls whose name is not
    a string literal (f-strings, variables), which are otherwise skipped.
    """

    path: str
    imports: tuple[ImportRef, ...] = ()
    env_reads: tuple[EnvRead, ...] = ()
    settings: tuple[SettingsClass, ...] = ()
    bool_casts: tuple[BoolCast, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    has_main_guard: bool = False
    dynamic_reads: int = 0
    dynamic_imports: int = 0
    env_files: tuple[str | None, ...] = ()
    """Env files the code loads into ``os.environ`` itself: ``load_dotenv("x.env")``,
    django-environ's ``read_env()``, python-decouple's ``config`` (its ``.env``); None for the
    library's default search (a ``.env`` near the code or the working directory), ``"?"`` for a
    path that is not a literal."""
    newer_syntax: bool = False
    """The syntax error may be valid on a Python newer than the one parsing (3.12 `type X = ...`,
    `def f[T]()`, nested f-string quotes; 3.14 `except A, B:`)."""
    top_level: TopLevelNames = NOT_ANALYSED
    """The names the module binds at top level (unknown when it does not parse)."""


def resolve_relative(ref: ImportRef, package: str) -> str | None:
    """The absolute module a ref names, given the importing module's package.

    ``from ..db import x`` in ``app.routes.users`` (package ``"app.routes"``) gives ``"app.db"``;
    None when the dots climb above the top-level package (or ``package`` is ``""``).
    """
    return _absolute(ref.module, ref.level, package)


def _absolute(module: str, level: int, package: str) -> str | None:
    if level <= 0:
        return module
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


def analyze_python(text: str, path: str, *, full: bool = False) -> PythonModule:
    """Parse and analyse one Python source file; never raises.

    Parts of the file that a scan of its text proves hold nothing of interest are not walked;
    ``full`` walks everything (the reference the differential tests compare with).
    """
    text = text.removeprefix("\ufeff")
    if (nul := text.find("\0")) >= 0:
        lines = _NEWLINE.split(text[:nul])
        line, col = len(lines), len(lines[-1]) + 1
        return PythonModule(path, problems=(ParseProblem("source contains a NUL byte", line, col, line, col + 1),))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. must not become errors
            tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        problem = _syntax_problem(exc)
        source_lines = _NEWLINE.split(text)
        at = source_lines[problem.line - 1] if 0 < problem.line <= len(source_lines) else ""
        return PythonModule(path, problems=(problem,), newer_syntax=_newer_syntax(problem.message, at))
    except (RecursionError, MemoryError):
        return PythonModule(path, problems=(ParseProblem("source is nested too deeply to parse"),))
    except ValueError as exc:
        return PythonModule(path, problems=(ParseProblem(f"cannot parse: {exc}"),))
    index = LineIndex(text)
    walker = _walker(text, tree, index, full)
    symbols = walker.symbols
    problems: tuple[ParseProblem, ...] = ()
    settings: tuple[SettingsClass, ...] = ()
    top_level = NOT_ANALYSED
    try:
        walker.stmts(tree.body, Ctx())
        settings = settings_classes(symbols, index)
        top_level = top_level_names(tree, text)
    except RecursionError:
        problems = (ParseProblem("source is nested too deeply to analyse completely"),)
    return PythonModule(
        path,
        tuple(sorted(walker.imports, key=lambda r: (r.line, r.col))),  # stable: `import b, a` stays
        tuple(sorted(walker.env_reads, key=lambda r: (r.line, r.col, r.end_line, r.end_col, r.name))),
        settings,
        tuple(sorted(walker.bool_casts, key=lambda r: (r.line, r.col))),
        problems,
        any(_is_main_guard(node) for node in tree.body),
        walker.dynamic_reads,
        walker.dynamic_imports,
        tuple(dict.fromkeys(walker.env_files)),
        top_level=top_level,
    )


_DOTENV_LOADERS = frozenset({"dotenv.load_dotenv", "dotenv.main.load_dotenv"})
_MODULE_PROBES = frozenset({
    "importlib.util.find_spec", "importlib.find_loader", "pkgutil.find_loader", "importlib.util.find_loader",
})  # fmt: skip
_NEWER_MESSAGES = ("multiple exception types must be parenthesized", "f-string")
_NEWER_LINE = re.compile(r"^\s*(?:type\s+\w+|(?:async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)")


def _newer_syntax(message: str, line: str) -> bool:
    """Whether a syntax error is one a newer Python's grammar accepts."""
    if sys.version_info >= (3, 14):
        return False
    return message.startswith(_NEWER_MESSAGES) or _NEWER_LINE.match(line) is not None


def _walker(text: str, tree: ast.Module, index: LineIndex, full: bool) -> _Walker:
    """A walker that skips what a scan of the text proves holds nothing to find.

    Statements are walked only when their lines hold the word ``import``, a name a read or a
    module probe goes through; expressions only when the file names a reader at all. The
    parser NFKC-normalises identifiers, so only ASCII text is scanned: other text is walked in full.
    """
    if full or not text.isascii():
        return _Walker(Symbols(tree), index)
    scan_exprs = _EXPRESSION_HINTS.search(text) is not None
    statement_lines = _lines_matching(text, _IMPORT_WORD)
    if scan_exprs or "BaseSettings" in text:
        symbols = Symbols(tree)  # library objects and settings classes may be anywhere
    elif _SYMBOL_HINTS.search(text) is not None:
        symbols = Symbols(tree, keep=_touching(statement_lines))  # only imported names are asked for
    else:
        symbols = Symbols(ast.Module(body=[], type_ignores=[]))  # nothing asks
    reader_lines: list[int] | None = None
    if scan_exprs or _PROBE_WORDS.search(text) is not None:
        reader_lines = _reader_lines(text, symbols)
        statement_lines = sorted({*statement_lines, *reader_lines})
    return _Walker(symbols, index, scan_exprs, reader_lines if scan_exprs else None, statement_lines)


def _lines_matching(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The 1-based numbers of the lines where `pattern` matches as a whole word, sorted (lines
    end as ast's do). The pattern carries no leading ``\\b``, which would make it slow."""
    if "\r" in text:
        text = _NEWLINE.sub("\n", text)
    lines: list[int] = []
    line, scanned = 1, 0
    for match in pattern.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        line += text.count("\n", scanned, start)
        scanned = start
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _reader_lines(text: str, symbols: Symbols) -> list[int]:
    """The lines naming something a read, env-file load, importlib call or module probe can go
    through, sorted.

    ``classify_env``, the importer and loader tests and the probe test only match a call,
    subscript or comparison whose target starts with one of these names (a root module, a local
    name bound to one, a library object), so an expression on no such line holds nothing to find.
    """
    names = set(_READER_ROOTS) | set(symbols.instances) | {"find_spec", "find_loader"}
    names.update(local for local, target in symbols.names.items() if target.partition(".")[0] in _READER_ROOTS)
    return _lines_matching(text, re.compile("(?:" + "|".join(sorted(map(re.escape, names))) + r")\b"))


def _touches(lines: list[int], first: int, last: int) -> bool:
    """Whether a sorted list holds a line number between `first` and `last`."""
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last


def _statement_lines(node: ast.stmt) -> tuple[int, int]:
    """The first and last line of a statement, decorators included."""
    first = node.lineno
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        first = min([first, *(d.lineno for d in node.decorator_list)])
    return first, node.end_lineno or node.lineno


def _touching(lines: list[int]) -> Callable[[ast.stmt], bool]:
    return lambda node: _touches(lines, *_statement_lines(node))


def _syntax_problem(exc: SyntaxError) -> ParseProblem:
    line = exc.lineno or 1
    col = exc.offset if exc.offset and exc.offset > 0 else 1
    end_line = exc.end_lineno if exc.end_lineno and exc.end_lineno >= line else line
    end_col = exc.end_offset if exc.end_offset and exc.end_offset > 0 else col
    if end_line == line:
        end_col = max(end_col, col)
    return ParseProblem(exc.msg or "invalid syntax", line, col, end_line, end_col)


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = {
        literal_str(side) or (side.id if isinstance(side, ast.Name) else "") for side in (test.left, *test.comparators)
    }
    return sides == {"__name__", "__main__"}


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


class _Walker:
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
        if self.statement_lines is not None and not _touches(self.statement_lines, *_statement_lines(node)):
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
        if self.reader_lines is not None and not _touches(
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
            absolute = _absolute(module, level, package) if level and package else None
            module, level = (absolute, 0) if absolute is not None else (module, level)
        else:
            level_node = call_arg(node, 4, "level")
            if isinstance(level_node, ast.Constant) and isinstance(level_node.value, int):
                level = level_node.value
            fromlist = call_arg(node, 3, "fromlist")
            if isinstance(fromlist, ast.List | ast.Tuple):
                names = tuple(s for s in map(literal_str, fromlist.elts) if s is not None)
        self._add_import(node, module, level, names, ImportKind.IMPORTLIB, ctx)
