"""TOML at the trust boundary: one parse function that never raises for a bad document.

`tomllib` raises `TOMLDecodeError` with the position in its message, and `RecursionError` on
deeply nested arrays or inline tables (a few thousand `[` are enough); both become a
`ParseProblem` at a 1-based line and column, so callers report PF001 instead of crashing.
"""

from __future__ import annotations

import re
import sys
from typing import Final

from preflight.diagnostics import ParseProblem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["parse_toml"]

_POSITION: Final = re.compile(r" \(at line (\d+), column (\d+)\)$")
TOO_DEEP: Final = "TOML nesting is too deep to read"


def parse_toml(text: str) -> dict[str, object] | ParseProblem:
    """The document's tables, or where and why it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid TOML"
        where = _POSITION.search(message)
        if where is not None:
            return ParseProblem(message[: where.start()], int(where[1]), int(where[2]))
        lines = text.splitlines() or [""]
        return ParseProblem(message.replace(" (at end of document)", ""), len(lines), len(lines[-1]) + 1)
    except RecursionError:
        return ParseProblem(TOO_DEEP, 1, 1)
