"""Wording shared by the import rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.model.imports import ResolvedImport


def in_function_note(found: ResolvedImport) -> str:
    """Said of an import that fails only when the function holding it runs (a warning, not a failed start)."""
    return " (the import is inside a function: it fails when that function runs)" if found.ref.in_function else ""
