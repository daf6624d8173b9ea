"""The whole deployment model the rules ask questions of.

A :class:`Project` holds what was loaded from the repository (compose projects, images) and the
analyses over it, each computed once per check: the typed cached properties below for what the
loaded files alone decide, and :meth:`Project.derived` for an analysis that is built on the
project itself (the containers' runtimes, a rule family's findings), which this module must not
import.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

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


@dataclass(frozen=True)
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
    _derived: dict[Callable[[Project], object], object] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, analysis: Callable[[Project], T]) -> T:
        """`analysis(self)`, computed once per check and shared by everyone who asks for it."""
        if analysis not in self._derived:
            self._derived[analysis] = analysis(self)
        return cast("T", self._derived[analysis])

    @functools.cached_property
    def repo_modules(self) -> dict[str, list[Path]]:
        """Top-level module names found anywhere in the repository."""
        from preflight.model.repo_modules import build_module_index

        return build_module_index(self.root, self.folders)

    @functools.cached_property
    def installs(self) -> list[InstallAnalysis]:
        """Every package install of every image, resolved."""
        from preflight.model.image.requirements import analyze_image

        return [a for model in self.images for a in analyze_image(self.tree, model)]

    def image_of(self, service: Service) -> ImageModel | None:
        """The image a service with `build:` runs."""
        return next((m for m in self.images if any(s is service for s in m.services)), None)

    def services(self) -> list[tuple[ComposeProject, Service]]:
        """Every active service with its compose project, in a stable order."""
        return [(p, s) for p in self.compose for s in p.services.values()]

    def rel(self, path: Path) -> str:
        """Root-relative POSIX path."""
        return self.tree.rel(path)
