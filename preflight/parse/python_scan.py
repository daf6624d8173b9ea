"""Which parts of a Python source can hold something the analysis looks for, from a scan of its text.

:func:`plan_walk` decides what the walk of :mod:`preflight.parse.python` may skip: statements
on lines without the word ``import`` or a name a read or a module probe goes through,
expressions when the file names no reader at all, symbols nobody will ask for.
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.parse.python_env import Symbols

if TYPE_CHECKING:
    from collections.abc import Callable


NEWLINE = re.compile(r"\r\n|\r|\n")

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


@dataclass(frozen=True, slots=True)
class WalkPlan:
    """What the walk visits: `scan_exprs` False skips expressions; None lines mean everywhere."""

    symbols: Symbols
    scan_exprs: bool = True
    reader_lines: list[int] | None = None
    """Lines an expression holding a read may be on."""
    statement_lines: list[int] | None = None
    """Lines a statement holding something to find may touch."""


def plan_walk(text: str, tree: ast.Module, full: bool) -> WalkPlan:
    """A plan that skips what a scan of the text proves holds nothing to find.

    Statements are walked only when their lines hold the word ``import``, a name a read or a
    module probe goes through; expressions only when the file names a reader at all. The
    parser NFKC-normalises identifiers, so only ASCII text is scanned: other text is walked in full.
    """
    if full or not text.isascii():
        return WalkPlan(Symbols(tree))
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
    return WalkPlan(symbols, scan_exprs, reader_lines if scan_exprs else None, statement_lines)


def _lines_matching(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The 1-based numbers of the lines where `pattern` matches as a whole word, sorted (lines
    end as ast's do). The pattern carries no leading ``\\b``, which would make it slow."""
    if "\r" in text:
        text = NEWLINE.sub("\n", text)
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


def touches(lines: list[int], first: int, last: int) -> bool:
    """Whether a sorted list holds a line number between `first` and `last`."""
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last


def statement_lines_of(node: ast.stmt) -> tuple[int, int]:
    """The first and last line of a statement, decorators included."""
    first = node.lineno
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        first = min([first, *(d.lineno for d in node.decorator_list)])
    return first, node.end_lineno or node.lineno


def _touching(lines: list[int]) -> Callable[[ast.stmt], bool]:
    return lambda node: touches(lines, *statement_lines_of(node))
