"""Parsed Python sources, shared by every service of a check, each file analysed once, on demand.

`ast.parse` dominates the cost of a large check. Each file is analysed once (services that share
a library share its analysis) and only when a container reaches it. The work is done in this
process: measured on a 2-core machine, a worker pool cost more (pickling results back, start-up)
than it gave. The garbage collector is paused while a file is analysed: a syntax tree has no
reference cycles, and collections over its many young nodes cost a quarter of the time.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from preflight.files import FileProblem, SourceText, SourceTree, decode_python, read_source
from preflight.parse.python import PythonModule, analyze_python

if TYPE_CHECKING:
    from pathlib import Path

MAX_SOURCE_BYTES = 2_000_000


class FactStore(Protocol):
    """Where analyses may come from instead of parsing (the persistent cache)."""

    def analyze(self, path: Path, display: str) -> PythonModule | FileProblem:
        """The analysis of a file, as :func:`analyze_file` gives it."""


def analyze_file(path: Path, display: str) -> PythonModule | FileProblem:
    """Read and analyse one file, or say why it cannot be read."""
    source = read_source(path, display, MAX_SOURCE_BYTES, decode_python)
    return analyze_text(source.text, display) if isinstance(source, SourceText) else source


def analyze_text(text: str, display: str) -> PythonModule:
    """Analyse the text of one file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return analyze_python(text, display)
    finally:
        if enabled:
            gc.enable()


@dataclass(slots=True)
class PythonSources:
    """Cache of analysed files, keyed by their path on disk; files that cannot be read are
    recorded in ``tree`` (PF002) and analysed as None (what they import is unknown)."""

    tree: SourceTree | None = None
    parsed: dict[Path, PythonModule | None] = field(default_factory=dict)
    store: FactStore | None = None

    def get(self, path: Path, display: str) -> PythonModule | None:
        """The analysis of a file (analysed now, or taken from the store, on first use)."""
        if path not in self.parsed:
            self._store(path, self.store.analyze(path, display) if self.store else analyze_file(path, display))
        return self.parsed[path]

    def _store(self, path: Path, result: PythonModule | FileProblem) -> None:
        if isinstance(result, FileProblem):
            if self.tree is not None:
                self.tree.note(result)
            self.parsed[path] = None
        else:
            self.parsed[path] = result
