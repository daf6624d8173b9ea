"""Errors that reach the CLI (kept tiny so that importing it costs nothing)."""

from __future__ import annotations


class InternalError(Exception):
    """A rule (or the model) crashed: the CLI exits 3 and names the culprit."""

    def __init__(self, culprit: str, original: BaseException) -> None:
        super().__init__(f"{culprit} crashed: {type(original).__name__}: {original}")
        self.culprit = culprit
        self.original = original
