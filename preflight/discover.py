"""Find what to check: the compose projects of a repository (files are found, never parsed here)."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from preflight.files import read_small_text
from preflight.parse.gitignore import MAX_GITIGNORE_BYTES, Gitignore, GitignoreRule, parse_gitignore

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".preflight_cache",
        ".pytest_cache",
        "site-packages",
        ".eggs",
        "dist",
        "build",
    }
)


@dataclass(frozen=True, slots=True)
class ComposeTarget:
    """A compose project to load: its folder and its files in merge order."""

    directory: Path
    files: tuple[Path, ...]
    explicit: bool = False
    seen_in: str | None = None
    """The script, Makefile or workflow whose command uses these files (None: compose's defaults)."""
    services: tuple[str, ...] | None = None
    """The services that command starts (with what they depend on); None: every service."""


def default_files(directory: Path, names: set[str]) -> tuple[Path, ...]:
    """The files `docker compose` picks in a folder: the first default name, and its override."""
    for name in DEFAULT_COMPOSE_FILES:
        if name in names:
            stem, ext = name.rsplit(".", 1)
            files = [directory / name]
            for override_ext in (ext, "yml" if ext == "yaml" else "yaml"):
                override = f"{stem}.override.{override_ext}"
                if override in names:
                    files.append(directory / override)
                    break
            return tuple(files)
    return ()


def excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    """Whether a root-relative POSIX path matches an `exclude` pattern (or lies under one)."""
    return any(
        fnmatch.fnmatchcase(rel, p)
        or fnmatch.fnmatchcase(rel, p.rstrip("/") + "/*")
        or rel.startswith(p.rstrip("/") + "/")
        for p in patterns
    )


@dataclass(frozen=True, slots=True)
class Folder:
    """One folder of the repository and the names of the files in it."""

    path: Path
    files: tuple[str, ...]


def walk_repository(
    root: Path,
    exclude: tuple[str, ...] = (),
    gitignore: bool = False,
    on_error: Callable[[OSError], None] | None = None,
) -> list[Folder]:
    """Every folder under `root` once (build output, VCS, virtualenvs, links and `exclude` skipped).

    The one walk of a check: compose discovery, lone Dockerfiles, requirements files and the
    module index all read this list instead of walking the tree again. With `gitignore`, what
    the repository's `.gitignore` files ignore is skipped too, except `.env` files and compose
    files, which compose reads whatever git says.
    """
    ignore, prefix = _gitignore_above(root) if gitignore else (None, "")
    folders: list[Folder] = []
    for current, dirs, filenames in os.walk(root, onerror=on_error):
        here = Path(current)
        rel_here = here.relative_to(root).as_posix()
        rel_here = "" if rel_here == "." else rel_here
        full = _join(prefix, rel_here)  # relative to the repository's top, as patterns are
        if ignore is not None and ".gitignore" in filenames:
            ignore.add(_read_gitignore(here / ".gitignore", full))
        dirs[:] = sorted(
            d
            for d in dirs
            if (d not in SKIPPED_DIRS or _package_folder(here / d))
            and not (here / d).is_symlink()
            and not excluded(f"{rel_here}/{d}" if rel_here else d, exclude)
            and not (ignore is not None and ignore.ignored(_join(full, d), is_dir=True))
        )
        if ignore is not None:
            filenames = [f for f in filenames if _compose_reads(f) or not ignore.ignored(_join(full, f), is_dir=False)]
        folders.append(Folder(here, tuple(sorted(filenames))))
    return folders


def _package_folder(path: Path) -> bool:
    """A `build` or `dist` folder that is a Python package (`app/build/__init__.py`), not output."""
    return path.name in ("build", "dist") and (path / "__init__.py").is_file()


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


_COMPOSE_READS = re.compile(r"\.env(\..*)?|(docker-)?compose([.-][^/]*)?\.ya?ml")


def _compose_reads(name: str) -> bool:
    """`.env` files and compose files: compose reads them even when git ignores them."""
    return _COMPOSE_READS.fullmatch(name) is not None


def _read_gitignore(path: Path, base: str) -> list[GitignoreRule]:
    text = read_small_text(path, MAX_GITIGNORE_BYTES)
    return parse_gitignore(text, base) if text is not None else []


def _gitignore_above(root: Path) -> tuple[Gitignore, str]:
    """The rules from the repository's top down to (not including) `root`, and `root`'s prefix
    relative to the top (patterns are matched against paths relative to the top)."""
    from preflight.workspace import repository_root

    root = root.resolve()
    top = repository_root(root) or root
    ignore = Gitignore()
    ignore.add(_read_gitignore(top / ".git" / "info" / "exclude", ""))
    rel = root.relative_to(top).as_posix()
    prefix = "" if rel == "." else rel
    folder, base = top, ""
    for part in PurePosixPath(rel).parts if prefix else ():
        ignore.add(_read_gitignore(folder / ".gitignore", base))
        folder, base = folder / part, _join(base, part)
    return ignore, prefix


def dockerfile_names(names: tuple[str, ...] | list[str]) -> list[str]:
    """The Dockerfiles among a folder's file names (`Dockerfile`, `Dockerfile.dev`, `api.Dockerfile`...)."""
    return [
        n
        for n in names
        if n == "Dockerfile"
        or n == "Containerfile"
        or n.startswith("Dockerfile.")
        or n.endswith((".Dockerfile", ".dockerfile"))
    ]


_REQUIREMENTS_NAME = re.compile(r"^(requirements|constraints)([-_.\w]*)\.(txt|in)$", re.IGNORECASE)


def looks_like_requirements(path: Path) -> bool:
    """Whether a file is named like a requirements or constraints file (checked wherever it lies)."""
    return bool(_REQUIREMENTS_NAME.match(path.name)) or (
        path.parent.name == "requirements" and path.suffix in (".txt", ".in")
    )


def find_compose_projects(folders: list[Folder]) -> list[ComposeTarget]:
    """Every folder holding a default compose file (or a `.env` naming COMPOSE_FILE) is one project."""
    targets: list[ComposeTarget] = []
    for folder in folders:
        names = set(folder.files)
        files = default_files(folder.path, names)
        if files or (".env" in names and names_compose_files(folder.path / ".env")):
            targets.append(ComposeTarget(folder.path, files))
    return targets


def names_compose_files(dotenv: Path) -> bool:
    """Whether a `.env` sets `COMPOSE_FILE`: compose then loads those files, even with no default file."""
    try:
        # only a plain, small file: a `.env` may be a link to anything (a device, a huge file)
        if dotenv.is_symlink() or not dotenv.is_file() or dotenv.stat().st_size > 1_000_000:
            return False
        text = dotenv.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.strip().removeprefix("export ").lstrip().startswith("COMPOSE_FILE=") for line in text.splitlines())


def explicit_target(root: Path, files: tuple[str, ...], cwd: Path | None = None) -> ComposeTarget:
    """The project named by `-f` options: paths relative to the root (or the current folder)."""
    resolved = []
    for name in files:
        path = Path(name)
        if not path.is_absolute():
            base = cwd if cwd is not None and (cwd / path).exists() and not (root / path).exists() else root
            path = base / path
        resolved.append(Path(os.path.normpath(path)))
    return ComposeTarget(resolved[0].parent, tuple(resolved), explicit=True)
