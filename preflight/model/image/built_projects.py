"""The pyproject.toml of each local project pip builds in an image, and whether it parses."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem
from preflight.files import SourceText, read_small_text
from preflight.model.image.filesystem import Presence
from preflight.parse.toml import parse_toml

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.diagnostics import Span
    from preflight.model.project import Project


@dataclass(frozen=True, slots=True)
class BrokenBuildConfig:
    """A pyproject.toml that pip reads to build a project in an image, and is not valid TOML."""

    path: str
    """Root-relative path of the file in the repository."""
    problem: ParseProblem
    installed_by: Span
    """The RUN that installs the project."""
    service: str | None


def broken_build_configs(project: Project) -> Iterator[BrokenBuildConfig]:
    """Invalid pyproject.toml files of local projects that an image's pip builds (once per file)."""
    seen: set[str] = set()
    for analysis in project.installs():
        model = analysis.model
        if model.fs is None:
            continue
        for image_path, found in analysis.local_targets:
            if found.presence is not Presence.PRESENT:
                continue
            located = model.fs.locate(analysis.stage, posixpath.join(image_path, "pyproject.toml"))
            if located.presence is not Presence.PRESENT or located.context_path is None:
                continue
            on_disk = model.fs.context.root / located.context_path
            text = read_small_text(on_disk)
            if text is None or isinstance(parse_toml(text), dict):
                continue  # valid (the common case: read without counting it as a checked file)
            source = project.tree.read_text(on_disk)
            if not isinstance(source, SourceText) or source.path in seen:
                continue  # an unreadable file is PF002's
            seen.add(source.path)
            parsed = parse_toml(source.text)
            if isinstance(parsed, ParseProblem):
                service = model.services[0].name if model.services else None
                yield BrokenBuildConfig(source.path, parsed, analysis.install.run.inst.span, service)
