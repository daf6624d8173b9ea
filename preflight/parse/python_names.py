"""Which names a Python module binds at its top level, as `getattr(module, name)` would see them.

Servers import an app by ``module:attribute`` (gunicorn, uvicorn, celery ``-A m:app``...): the
attribute must exist in the module's namespace once it has run. This module reads the namespace
off the syntax tree, never by running it:

* assignments (``=``, ``+=``, annotated with a value, walrus, unpacking), ``def``/``class``,
  ``import``/``from ... import`` (``as`` names), ``for``/``with``/``except``/``match`` targets,
  ``type`` aliases: at module level and in every ``if``/``try``/``with``/loop block there;
* names a function declares ``global`` (it may run at import time) and walrus targets, anywhere;
* ``__path__`` whenever the file mentions it (a package that changes where its submodules are found).

The answer is unknown when the module can bind names no syntax shows: ``from x import *``, a
module-level ``__getattr__``, ``globals()``/``vars()``/``locals()``/``exec``/``eval``, a
``__dict__`` or ``sys.modules`` access, ``setattr`` on anything but ``self``/``cls``.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass

# Dynamic writes into the namespace, found in the text (a mention in a comment or a string makes
# the answer unknown, which only costs a finding): a call of a namespace builtin (not a method
# such as `session.exec`), `setattr` on anything but self/cls, `__dict__`, `sys.modules`,
# `__setattr__`. Words are found with `str.find`: a regular expression over every file is slow.
_CALLS = ("globals", "vars", "locals", "exec", "eval", "setattr")
_ANYWHERE = ("__dict__", ".modules", "__setattr__")
_OPEN_CALL = re.compile(r"\s*\(\s*")
_SELF_ARG = re.compile(r"(?:self|cls)\s*,")
_NAMES_AFTER_GLOBAL = re.compile(r"\s+(\w+(?:[ \t]*,[ \t]*\w+)*)")
_NAME_BEFORE = re.compile(r"(\w+)\s*$")


class Binding(enum.Enum):
    """Whether a module binds a name at its top level."""

    BOUND = "bound"
    UNBOUND = "unbound"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class FunctionShape:
    """A top-level ``def`` bound once and not decorated: how many positional arguments it takes."""

    name: str
    line: int
    col: int
    max_positional: int | None
    """None when it takes ``*args``."""
    required_positional: int
    is_async: bool


@dataclass(frozen=True, slots=True)
class TopLevelNames:
    """The names a module binds at top level; ``unknown`` says why the list may be incomplete."""

    names: tuple[str, ...] = ()
    functions: tuple[FunctionShape, ...] = ()
    unknown: str | None = "the module was not analysed"

    def binds(self, name: str) -> Binding:
        """BOUND, UNBOUND, or UNKNOWN when the module may bind names no statement shows."""
        if name in self.names:
            return Binding.BOUND
        return Binding.UNKNOWN if self.unknown is not None else Binding.UNBOUND

    def function(self, name: str) -> FunctionShape | None:
        """The plain top-level function bound to `name`, if it is one."""
        return next((f for f in self.functions if f.name == name), None)


NOT_ANALYSED = TopLevelNames()
"""The default: nothing is known of a module that was not analysed."""


def top_level_names(tree: ast.Module, text: str) -> TopLevelNames:
    """The top-level namespace of a parsed module (see the module docstring)."""
    collector = _Collector()
    collector.block(tree.body)
    if collector.unknown is None:
        _scan_dynamic(text, collector)
    if collector.unknown is None and "__getattr__" in collector.counts:
        collector.unknown = "it binds a module-level `__getattr__`"
    functions = tuple(f for f in collector.functions if collector.counts.get(f.name) == 1)
    return TopLevelNames(tuple(sorted(collector.counts)), functions, collector.unknown)


class _Collector:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.functions: list[FunctionShape] = []
        self.unknown: str | None = None

    def bind(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def block(self, body: list[ast.stmt]) -> None:
        for node in body:
            self.stmt(node)

    def stmt(self, node: ast.stmt) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.bind(node.name)
            if not node.decorator_list:
                self.functions.append(_shape(node))
        elif isinstance(node, ast.ClassDef):
            self.bind(node.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.bind(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    self.unknown = f"it does `from {'.' * node.level}{node.module or ''} import *`"
                else:
                    self.bind(alias.asname or alias.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.target(target)
        elif isinstance(node, ast.AugAssign) or (isinstance(node, ast.AnnAssign) and node.value is not None):
            self.target(node.target)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.target(node.target)
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.While | ast.If):
            self.block(node.body)
            self.block(node.orelse)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
            self.block(node.body)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.block(getattr(node, "body", []))
            for handler in getattr(node, "handlers", []):
                if handler.name:
                    self.bind(handler.name)
                self.block(handler.body)
            self.block(getattr(node, "orelse", []))
            self.block(getattr(node, "finalbody", []))
        elif isinstance(node, ast.Match):
            for case in node.cases:
                for sub in ast.walk(case.pattern):
                    name = getattr(sub, "name", None) or getattr(sub, "rest", None)
                    if isinstance(name, str):
                        self.bind(name)
                self.block(case.body)
        elif type(node).__name__ == "TypeAlias":
            self.target(getattr(node, "name", ast.Name("")))

    def target(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            self.bind(node.id)
        elif isinstance(node, ast.Tuple | ast.List):
            for element in node.elts:
                self.target(element)
        elif isinstance(node, ast.Starred):
            self.target(node.value)
        # attributes and subscripts bind nothing in the module's namespace


def _shape(node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionShape:
    args = node.args
    positional = len(args.posonlyargs) + len(args.args)
    return FunctionShape(
        node.name,
        node.lineno,
        node.col_offset + 1,
        None if args.vararg is not None else positional,
        positional - len(args.defaults),
        isinstance(node, ast.AsyncFunctionDef),
    )


def _scan_dynamic(text: str, collector: _Collector) -> None:
    """Names bound by ``global`` or a walrus, and writes into the namespace no statement shows.

    Read off the text rather than the tree: over-reading (a comment, a string) binds more names
    or makes the answer unknown, both of which only keep a rule silent.
    """
    for word in _ANYWHERE:
        if word in text:
            collector.unknown = f"it uses `{word}`"
            return
    for word in _CALLS:
        for at in _occurrences(text, word):
            call = _OPEN_CALL.match(text, at + len(word))
            if call is None or (word == "setattr" and _SELF_ARG.match(text, call.end())):
                continue
            collector.unknown = f"it calls `{word}`"
            return
    for at in _occurrences(text, "global"):
        names = _NAMES_AFTER_GLOBAL.match(text, at + len("global"))
        for name in names.group(1).split(",") if names else ():
            collector.bind(name.strip())
    for at in _find_all(text, ":="):
        before = _NAME_BEFORE.search(text, max(0, at - 80), at)
        if before is not None:
            collector.bind(before.group(1))
    if "__path__" in text:
        collector.bind("__path__")  # a package that changes where its submodules are found


def _find_all(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + len(word))
    return found


def _occurrences(text: str, word: str) -> list[int]:
    """Where `word` starts as a name: not inside a longer name, not after a dot (a method)."""
    return [
        at
        for at in _find_all(text, word)
        if (at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_."))
        and not (at + len(word) < len(text) and (text[at + len(word)].isalnum() or text[at + len(word)] == "_"))
    ]
