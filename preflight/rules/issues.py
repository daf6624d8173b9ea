"""Shared helpers for rules that report problems found while loading the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose import ComposeIssue
    from preflight.model.project import Project


def compose_issues(project: Project, code: str) -> Iterator[ComposeIssue]:
    """Loading problems of every compose project that belong to the rule `code`."""
    for compose in project.compose:
        for issue in compose.issues:
            if issue.code == code:
                yield issue
