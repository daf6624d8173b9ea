"""The whole deployment model the rules ask questions of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from preflight.config import Config
from preflight.diagnostics import Span
from preflight.files import SourceTree
from preflight.model.compose import ComposeProject, Service

if TYPE_CHECKING:
    from preflight.model.image_requirements import InstallAnalysis
    from preflight.model.images import ImageModel


@dataclass(slots=True)
class Project:
    """Everything preflight knows about the checked repository."""

    root: Path
    tree: SourceTree
    config: Config
    compose: list[ComposeProject] = field(default_factory=list)
    images: list[ImageModel] = field(default_factory=list)
    _installs: list[InstallAnalysis] | None = None

    def installs(self) -> list[InstallAnalysis]:
        """Every package install of every image, resolved (computed once)."""
        if self._installs is None:
            from preflight.model.image_requirements import analyze_image

            self._installs = [a for model in self.images for a in analyze_image(self.tree, model)]
        return self._installs

    def image_of(self, service: Service) -> ImageModel | None:
        """The image a service with `build:` runs."""
        return next((m for m in self.images if any(s is service for s in m.services)), None)

    def services(self) -> list[tuple[ComposeProject, Service]]:
        """Every active service with its compose project, in a stable order."""
        return [(p, s) for p in self.compose for s in p.services.values()]

    def rel(self, path: Path) -> str:
        """Root-relative POSIX path."""
        return self.tree.rel(path)

    def file_span(self, path: Path) -> Span:
        """A span for a whole file."""
        return Span.whole_file(self.rel(path))
