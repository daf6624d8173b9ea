"""The `.env`-format files a project reads: its `.env`, its template and services' env_files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.compose.env import TEMPLATE_NAMES
from preflight.model.compose.env_files import env_file_refs

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.project import Project


def dotenv_paths(project: Project) -> list[Path]:
    """Every env-format file the compose projects read or document, without duplicates."""
    seen: dict[Path, None] = {}
    for compose in project.compose:
        for rel in compose.env.env_files:
            seen[project.root / rel] = None
        for name in TEMPLATE_NAMES:
            if (compose.directory / name).is_file():
                seen[compose.directory / name] = None
        for service in compose.services.values():
            for ref in env_file_refs(service):
                if ref.path.is_file():
                    seen[ref.path] = None
    return list(seen)
