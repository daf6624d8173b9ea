"""Values for human-readable reports, rendered by where they came from.

A string the image model holds may be a literal written in a Dockerfile or compose file, or the
result of a substitution (a build arg, an `ARG`/`ENV` default, a `${VAR:-default}`, a value from
`.env`). Literals may be shown; anything a substitution produced is shown as the references that
produced it (`${TOKEN}`), never as its value. There is no search-and-replace over the output:
each value decides how it is shown from its own origin.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from preflight.parse.template_text import MASK, references_only

__all__ = ["MASK", "Origin", "Shown", "references_only"]


class Origin(enum.Enum):
    """Where a shown value came from."""

    WRITTEN = "written"
    """Literally in a Dockerfile or compose file: shown as is."""
    SUBSTITUTED = "substituted"
    """Produced by variable substitution: shown as its references."""


@dataclass(frozen=True, slots=True)
class Shown:
    """A value with its origin; ``written`` is the text as written, references included."""

    written: str
    value: str | None
    origin: Origin

    @classmethod
    def of(cls, written: str, value: str | None) -> Shown:
        """``value`` evaluated from ``written``: substituted when ``written`` refers to a variable."""
        origin = Origin.SUBSTITUTED if "$" in written else Origin.WRITTEN
        return cls(written, value, origin)

    def __str__(self) -> str:
        if self.origin is Origin.WRITTEN:
            return self.written if self.value is None else self.value
        return references_only(self.written)
