"""Top-level Python module names that exist somewhere in the repository (for PF402's "where is it")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.discover import Folder


def build_module_index(root: Path, folders: list[Folder]) -> dict[str, list[Path]]:
    """Module name -> repository paths of `name.py` files and package folders `name/`."""
    index: dict[str, list[Path]] = {}
    for folder in folders:
        here = folder.path
        if any(part.startswith(".") for part in here.relative_to(root).parts):
            continue
        py_files = [f for f in folder.files if f.endswith(".py")]
        # modules of a regular package (`pkg/utils/pandas.py` beside an `__init__.py`) are
        # submodules: they can never be the top-level module of the same name
        if "__init__.py" not in folder.files:
            for name in py_files:
                stem = name[:-3]
                if stem.isidentifier() and stem != "__init__":
                    index.setdefault(stem, []).append(here / name)
        if py_files and here != root and here.name.isidentifier() and not _in_package(here, root):
            index.setdefault(here.name, []).append(here)
    return index


def _in_package(folder: Path, root: Path) -> bool:
    """Whether a folder is a subpackage: its parent (inside the repository) is a regular package."""
    parent = folder.parent
    return parent != root and (parent / "__init__.py").is_file()
