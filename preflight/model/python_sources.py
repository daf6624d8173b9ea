"""Parsed Python sources, shared by every service of a check, parsed in parallel when many.

`ast.parse` dominates the cost of a large check; parsing each file once (services that share a
library share its parse) and spreading the first parse over the machine's cores keeps a
monorepo check close to the time of parsing its files once.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from preflight.files import FileProblem, SourceText, SourceTree, decode_python, read_source
from preflight.parse.python import PythonModule, analyze_python

PARALLEL_THRESHOLD = 300
"""Below this many files a worker pool costs more than it saves."""
MAX_SOURCE_BYTES = 2_000_000


def analyze_file(path: str, display: str) -> PythonModule | FileProblem:
    """Read and analyse one file (runs in worker processes too: module-level and picklable)."""
    source = read_source(Path(path), display, MAX_SOURCE_BYTES, decode_python)
    return analyze_python(source.text, display) if isinstance(source, SourceText) else source


@dataclass(slots=True)
class PythonSources:
    """Cache of analysed files, keyed by their path on disk; files that cannot be read are
    recorded in ``tree`` (PF002) and analysed as None (what they import is unknown)."""

    tree: SourceTree | None = None
    parsed: dict[Path, PythonModule | None] = field(default_factory=dict)

    def get(self, path: Path, display: str) -> PythonModule | None:
        """The analysis of a file (parsed now if it was not prefetched)."""
        if path not in self.parsed:
            self._store(path, analyze_file(str(path), display))
        return self.parsed[path]

    def _store(self, path: Path, result: PythonModule | FileProblem) -> None:
        if isinstance(result, FileProblem):
            if self.tree is not None:
                self.tree.note(result)
            self.parsed[path] = None
        else:
            self.parsed[path] = result

    def prefetch(self, files: list[tuple[Path, str]]) -> None:
        """Parse many files at once, on every core when there are enough of them."""
        todo = [(p, d) for p, d in dict(files).items() if p not in self.parsed]
        workers = min(os.cpu_count() or 1, 8)
        if len(todo) < PARALLEL_THRESHOLD or workers < 2:
            for path, display in todo:
                self._store(path, analyze_file(str(path), display))
            return
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                chunk = max(16, len(todo) // (workers * 8))
                results = pool.map(analyze_file, [str(p) for p, _ in todo], [d for _, d in todo], chunksize=chunk)
                for (path, _display), result in zip(todo, results, strict=True):
                    self._store(path, result)
        except (OSError, RuntimeError):
            # no worker processes here (sandboxes, frozen apps): parse in this process instead
            for path, display in todo:
                if path not in self.parsed:
                    self._store(path, analyze_file(str(path), display))
