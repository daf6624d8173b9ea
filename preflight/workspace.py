"""Where a checked folder sits: the enclosing git work tree, and the base that CI paths are relative to.

Findings carry paths relative to the checked root. GitHub wants annotation and code-scanning
paths relative to the repository root, so the `github` and `sarif` reports prefix them with the
checked root's place in the repository (``services/api/compose.yaml`` for ``check services/api``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a worktree's file)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def report_base(root: Path, cwd: Path) -> Path:
    """The folder that CI-facing paths are relative to: the enclosing repository, else `cwd`
    when it contains `root` (a workflow runs from the checkout), else `root` itself."""
    root, cwd = root.resolve(), cwd.resolve()
    repository = repository_root(root)
    if repository is not None:
        return repository
    return cwd if root.is_relative_to(cwd) else root


def path_prefix(root: Path, base: Path) -> str:
    """`services/api/` when `root` is that folder below `base`; "" when they are the same."""
    relative = root.resolve().relative_to(base.resolve()).as_posix()
    return "" if relative == "." else relative + "/"


COMPOSE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def enclosing_project(cwd: Path) -> Path:
    """The folder `preflight check` without a PATH checks from `cwd`: `cwd` when it holds a
    compose file, else the nearest folder above it that does (up to the repository root),
    else the repository root, else `cwd`."""
    cwd = cwd.resolve()

    def has_compose(folder: Path) -> bool:
        return any((folder / name).is_file() for name in COMPOSE_FILE_NAMES)

    if has_compose(cwd):
        return cwd
    top = repository_root(cwd)
    if top is None:
        return cwd
    for folder in cwd.parents[: len(cwd.parents) - len(top.parents)]:
        if has_compose(folder):
            return folder
    return top
