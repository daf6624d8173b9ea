"""Shared by the import rules: the project's import findings, computed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.imports import check_imports

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.findings import Finding
    from preflight.model.project import Project


def import_findings(project: Project, code: str) -> Iterator[Finding]:
    """The import findings of one rule."""
    for finding in project.memo("imports", lambda: check_imports(project)):
        if finding.code == code:
            yield finding
