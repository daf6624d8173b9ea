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
import re
import sys
import warnings
from dataclasses import dataclass

from preflight.diagnostics import ParseProblem
from preflight.parse.python_env import (
    BoolCast,
    EnvKind,
    EnvLibrary,
    EnvRead,
    LineIndex,
    literal_str,
)
from preflight.parse.python_guards import (
    Ctx,
)
from preflight.parse.python_names import NOT_ANALYSED, Binding, FunctionShape, TopLevelNames, top_level_names
from preflight.parse.python_scan import NEWLINE, plan_walk
from preflight.parse.python_settings import SettingsClass, SettingsField, SettingsFlavor, settings_classes
from preflight.parse.python_walk import ImportKind, ImportRef, Walker, absolute_module

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
    django_settings: tuple[str, ...] = ()
    """The settings modules ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")``
    names (string literals only), in source order."""
    edits_sys_path: bool = False
    """The module may change ``sys.path`` (``sys.path.insert``/``append``/``extend``, an assignment
    to it, ``site.addsitedir``): the folders later imports search are not the model's."""


def resolve_relative(ref: ImportRef, package: str) -> str | None:
    """The absolute module a ref names, given the importing module's package.

    ``from ..db import x`` in ``app.routes.users`` (package ``"app.routes"``) gives ``"app.db"``;
    None when the dots climb above the top-level package (or ``package`` is ``""``).
    """
    return absolute_module(ref.module, ref.level, package)


def analyze_python(text: str, path: str, *, full: bool = False) -> PythonModule:
    """Parse and analyse one Python source file; never raises.

    Parts of the file that a scan of its text proves hold nothing of interest are not walked;
    ``full`` walks everything (the reference the differential tests compare with).
    """
    text = text.removeprefix("\ufeff")
    if (nul := text.find("\0")) >= 0:
        lines = NEWLINE.split(text[:nul])
        line, col = len(lines), len(lines[-1]) + 1
        return PythonModule(path, problems=(ParseProblem("source contains a NUL byte", line, col, line, col + 1),))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. must not become errors
            tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        problem = _syntax_problem(exc)
        source_lines = NEWLINE.split(text)
        at = source_lines[problem.line - 1] if 0 < problem.line <= len(source_lines) else ""
        return PythonModule(path, problems=(problem,), newer_syntax=_newer_syntax(problem.message, at))
    except (RecursionError, MemoryError):
        return PythonModule(path, problems=(ParseProblem("source is nested too deeply to parse"),))
    except ValueError as exc:
        return PythonModule(path, problems=(ParseProblem(f"cannot parse: {exc}"),))
    index = LineIndex(text)
    plan = plan_walk(text, tree, full)
    walker = Walker(plan.symbols, index, plan.scan_exprs, plan.reader_lines, plan.statement_lines)
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
        django_settings=tuple(dict.fromkeys(walker.django_settings)),
        edits_sys_path=_SYS_PATH_EDIT.search(text) is not None,
    )


# a text scan: a mention in a comment or string only makes the model quieter
_SYS_PATH_EDIT = re.compile(
    r"\bsys\.path\s*(?:\.\s*(?:insert|append|extend|__setitem__)\b|\+=|=(?!=)|\[)|\baddsitedir\b"
)


_NEWER_MESSAGES = ("multiple exception types must be parenthesized", "f-string")
_NEWER_LINE = re.compile(r"^\s*(?:type\s+\w+|(?:async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)")


def _newer_syntax(message: str, line: str) -> bool:
    """Whether a syntax error is one a newer Python's grammar accepts."""
    if sys.version_info >= (3, 14):
        return False
    return message.startswith(_NEWER_MESSAGES) or _NEWER_LINE.match(line) is not None


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
