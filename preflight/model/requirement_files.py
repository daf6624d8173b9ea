"""Requirements files of the repository, found by name, parsed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.discover import looks_like_requirements
from preflight.files import SourceText
from preflight.parse.requirements import RequirementsFile, parse_requirements

if TYPE_CHECKING:
    from preflight.model.project import Project


def repository_requirement_files(project: Project) -> list[RequirementsFile]:
    """Every requirements/constraints file of the repository, plus those images install."""
    seen: dict[str, RequirementsFile] = {}
    for analysis in project.installs():
        for req_file in analysis.files:
            seen.setdefault(req_file.rel, req_file.parsed)
    for folder in project.folders:
        for name in folder.files:
            path = folder.path / name
            if not looks_like_requirements(path) or project.rel(path) in seen:
                continue
            source = project.tree.read_text(path)
            if isinstance(source, SourceText):
                seen[source.path] = parse_requirements(source.text, source.path)
    return [seen[k] for k in sorted(seen)]
