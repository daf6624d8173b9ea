"""The whole deployment model the rules ask questions of.

A :class:`Project` holds what was loaded from the repository (compose projects, images), frozen,
and the analyses over it, each computed once per check by :meth:`Project.derived`: a cache keyed
by the analysis function itself, typed by what it returns. Analyses built on the model above this
module (the containers' runtimes, a rule family's findings) are asked for the same way, so that
this module imports none of them.
"""

from __future__ import annotations

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

    def repo_modules(self) -> dict[str, list[Path]]:
        """Top-level module names found anywhere in the repository (once per check)."""
        return self.derived(_repo_modules)

    def installs(self) -> list[InstallAnalysis]:
        """Every package install of every image, resolved (once per check)."""
        return self.derived(_installs)

    def image_of(self, service: Service) -> ImageModel | None:
        """The image a service with `build:` runs."""
        return next((m for m in self.images if any(s is service for s in m.services)), None)

    def services(self) -> list[tuple[ComposeProject, Service]]:
        """Every active service with its compose project, in a stable order."""
        return [(p, s) for p in self.compose for s in p.services.values()]

    def rel(self, path: Path) -> str:
        """Root-relative POSIX path."""
        return self.tree.rel(path)


def _repo_modules(project: Project) -> dict[str, list[Path]]:
    from preflight.model.repo_modules import build_module_index

    return build_module_index(project.root, project.folders)


def _installs(project: Project) -> list[InstallAnalysis]:
    from preflight.model.image.requirements import analyze_image

    return [a for model in project.images for a in analyze_image(project.tree, model)]
