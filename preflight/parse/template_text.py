"""Text about templates that must not show their values: Go's quoting of a string (as compose
prints one in its messages) and a template with every reference reduced to its name.
"""

from __future__ import annotations

from typing import Final

_GO_ESCAPES: Final = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
}


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` (what ``%q`` and ``%#v`` print for a string)."""
    out = ['"']
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            if code < 0x20 or code == 0x7F:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


MASK: Final = "***"
"""What stands for a value whose origin is a variable and whose shape no reference explains."""


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
