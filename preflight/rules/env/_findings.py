"""Shared by PF203/PF208: the runtime environment findings, computed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.env_reads import check_env

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.findings import Finding
    from preflight.model.project import Project


def env_findings(project: Project, code: str) -> Iterator[Finding]:
    """The runtime environment findings of one rule."""
    for finding in project.derived(check_env):
        if finding.code == code:
            yield finding
