"""Top-level Python module names that exist somewhere in the repository (for PF402's "where is it")."""

from __future__ import annotations

import os
from pathlib import Path

from preflight.discover import SKIPPED_DIRS, excluded


def build_module_index(root: Path, exclude: tuple[str, ...]) -> dict[str, list[Path]]:
    """Module name -> repository paths of `name.py` files and package folders `name/`."""
    index: dict[str, list[Path]] = {}
    for current, dirs, files in os.walk(root):
        here = Path(current)
        rel_here = here.relative_to(root).as_posix()
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS
            and not d.startswith(".")
            and not (here / d).is_symlink()
            and not excluded(f"{rel_here}/{d}" if rel_here != "." else d, exclude)
        )
        py_files = [f for f in files if f.endswith(".py")]
        for name in py_files:
            stem = name[:-3]
            if stem.isidentifier() and stem != "__init__":
                index.setdefault(stem, []).append(here / name)
        if py_files and here != root and here.name.isidentifier():
            index.setdefault(here.name, []).append(here)
    return index
