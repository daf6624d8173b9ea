"""The whole deployment model the rules ask questions of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from preflight.config import Config
    from preflight.discover import Folder
    from preflight.files import SourceTree
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.image.build import ImageModel
    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.python_sources import FactStore
    from preflight.model.runtime.container import ServiceRuntime


@dataclass(slots=True)
class Project:
    """Everything preflight knows about the checked repository."""

    root: Path
    tree: SourceTree
    config: Config
    folders: list[Folder] = field(default_factory=list)
    """Every folder of the repository with its file names (the check's one walk)."""
    compose: list[ComposeProject] = field(default_factory=list)
    images: list[ImageModel] = field(default_factory=list)
    python_facts: FactStore | None = None
    """Where Python analyses may come from instead of parsing (the persistent cache)."""
    _installs: list[InstallAnalysis] | None = None
    _runtimes: list[ServiceRuntime] | None = None
    _modules: dict[str, list[Path]] | None = None
    _memo: dict[str, object] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute an analysis once per check and share it between the rules that report it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    def repo_modules(self) -> dict[str, list[Path]]:
        """Top-level module names found anywhere in the repository (computed once)."""
        if self._modules is None:
            from preflight.model.repo_modules import build_module_index

            self._modules = build_module_index(self.root, self.folders)
        return self._modules

    def runtimes(self) -> list[ServiceRuntime]:
        """What every built service's container runs (computed once)."""
        if self._runtimes is None:
            from preflight.model.runtime.container import project_runtimes

            self._runtimes = project_runtimes(self)
        return self._runtimes

    def installs(self) -> list[InstallAnalysis]:
        """Every package install of every image, resolved (computed once)."""
        if self._installs is None:
            from preflight.model.image.requirements import analyze_image

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
