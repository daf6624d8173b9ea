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

MASK = "***"
"""What stands for a value whose origin is a variable and whose shape no reference explains."""


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


def references_only(text: str) -> str:
    """``text`` with each `${NAME...}` reduced to `${NAME}`: defaults and alternatives are values.

    `$NAME` stays as it is, `$$` is a literal dollar; a `${` that is never closed hides the rest.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "$" or i + 1 >= len(text) or text[i + 1] != "{":
            out.append(text[i : i + 2] if text.startswith("$$", i) else ch)
            i += 2 if text.startswith("$$", i) else 1
            continue
        end = _closing_brace(text, i + 2)
        if end < 0:
            out.append("${" + MASK + "}")
            break
        inner = text[i + 2 : end]
        name_end = 0
        while name_end < len(inner) and (inner[name_end].isalnum() or inner[name_end] == "_"):
            name_end += 1
        out.append("${" + (inner[:name_end] or MASK) + "}")
        i = end + 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    """Offset of the `}` that closes a `${` whose body starts at ``start`` (nesting allowed)."""
    depth = 1
    for i in range(start, len(text)):
        if text.startswith("${", i):
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1
