"""The Project: frozen, with each analysis computed once per check."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from preflight.config import Config
from preflight.model.build import build_project

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.project import Project


def test_an_analysis_is_computed_once_and_shared(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    project = build_project(tmp_path, Config())
    calls: list[Project] = []

    def analysis(given: Project) -> list[str]:
        calls.append(given)
        return [s.name for _, s in given.services()]

    assert project.derived(analysis) == ["web"]
    assert project.derived(analysis) is project.derived(analysis)
    assert calls == [project]
    assert project.installs() is project.installs()
    assert project.repo_modules() is project.repo_modules()


def test_the_project_is_frozen(tmp_path: Path) -> None:
    project = build_project(tmp_path, Config())
    with pytest.raises(dataclasses.FrozenInstanceError):
        project.images = []  # type: ignore[misc]
