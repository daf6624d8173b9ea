"""Shared by the rules that report problems of image installs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.image.requirements import InstallIssue
    from preflight.model.project import Project


def install_issues(project: Project, code: str) -> Iterator[tuple[InstallIssue, str | None]]:
    """Install problems of every image for the rule `code`, with the first service's name."""
    for analysis in project.installs():
        service = analysis.model.services[0].name if analysis.model.services else None
        for issue in analysis.issues:
            if issue.code == code:
                yield issue, service
