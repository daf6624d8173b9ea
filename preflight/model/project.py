"""The whole deployment model the rules ask questions of."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from preflight.config import Config
from preflight.diagnostics import Span
from preflight.files import SourceTree
from preflight.model.compose import ComposeProject, Service


@dataclass(slots=True)
class Project:
    """Everything preflight knows about the checked repository."""

    root: Path
    tree: SourceTree
    config: Config
    compose: list[ComposeProject] = field(default_factory=list)

    def services(self) -> list[tuple[ComposeProject, Service]]:
        """Every active service with its compose project, in a stable order."""
        return [(p, s) for p in self.compose for s in p.services.values()]

    def rel(self, path: Path) -> str:
        """Root-relative POSIX path."""
        return self.tree.rel(path)

    def file_span(self, path: Path) -> Span:
        """A span for a whole file."""
        return Span.whole_file(self.rel(path))
