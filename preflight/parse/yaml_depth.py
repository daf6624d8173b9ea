"""Bound the nesting of a YAML text before ruamel.yaml sees it.

ruamel's composer recurses once per level and its scanner is quadratic in the depth of flow
collections (a 6 KB file of 3,000 `[` took 13 s); go-yaml, which Compose uses, accepts up to
10,000 levels. One linear pre-scan measures the depth. Past Compose's limit the file is refused
as Compose refuses it; otherwise whatever lies deeper than :data:`KEPT_DEPTH` is replaced, in
place and keeping every line break (so positions stay true), by a null. No Compose attribute is
meaningful that deep: only extension fields (`x-...`) nest like that, and preflight never reads
them.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["COMPOSE_MAX_DEPTH", "KEPT_DEPTH", "limit_depth"]

COMPOSE_MAX_DEPTH: Final = 10_000
"""go-yaml's limit on flow levels and on block indentation levels (`exceeded max depth of 10000`)."""
KEPT_DEPTH: Final = 100
"""Levels kept as written; deeper subtrees become null."""

_BLOCK_SCALAR: Final = re.compile(r"(?:^|[\s:-])[|>][-+0-9]*\s*(?:#.*)?$")
_TOKEN_START: Final = frozenset("[{,:-? \t")
_OPEN: Final = {"[": "]", "{": "}"}


def limit_depth(text: str) -> tuple[str, int]:
    """``text`` with subtrees deeper than KEPT_DEPTH replaced by nulls, and the deepest level
    as go-yaml limits it (block indentation levels and flow levels are counted apart).

    The scan is approximate where YAML is context-sensitive (it counts indentation levels and
    brackets outside quotes, comments and block scalars); it only ever changes a file that
    nests far deeper than any real compose file.
    """
    lines = text.split("\n")
    out = list(lines)
    indents: list[int] = []
    deepest = 0
    cutoff: int | None = None  # blank block lines indented at least this much
    scalar_indent: int | None = None  # inside a block scalar whose parent is at this indent
    flow = _Flow()
    few_brackets = text.count("[") + text.count("{") <= KEPT_DEPTH // 2  # flow depth stays small
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if flow.depth == 0:
            if not stripped.strip() or stripped.startswith("#"):
                if cutoff is not None:
                    out[number] = _blank(line)
                continue
            if scalar_indent is not None and indent > scalar_indent:
                if cutoff is not None:
                    out[number] = _blank(line)
                continue
            scalar_indent = None
            if cutoff is not None and indent >= cutoff:
                out[number] = _blank(line)
                deepest = max(deepest, len(indents) + 1)
                continue
            cutoff = None
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            column = indent
            while stripped.startswith(("- ", "? ")) or stripped in ("-", "?"):  # compact nested items
                column += 2
                indents.append(column)
                stripped = stripped[2:].lstrip(" ")
            deepest = max(deepest, len(indents))
            if len(indents) > KEPT_DEPTH:
                cutoff = indent
                out[number] = _blank(line)
                continue
            if _BLOCK_SCALAR.search(line.split(" #", 1)[0]):
                scalar_indent = indent
        if not few_brackets:
            out[number] = flow.scan(line, len(indents))
            deepest = max(deepest, flow.deepest)
    return "\n".join(out), deepest


def _blank(line: str) -> str:
    return ""  # the line break stays: later lines keep their numbers


class _Flow:
    """Bracket depth across lines, with the replacement of too-deep flow collections."""

    def __init__(self) -> None:
        self.depth = 0
        self.deepest = 0
        self.quote = ""
        self.cut_at: int | None = None  # flow depth at which a replaced collection started

    def scan(self, line: str, block_depth: int) -> str:
        chars = list(line)
        previous = " "
        i = 0
        while i < len(chars):
            start, ch = i, line[i]
            if self.quote:
                if ch == self.quote:
                    if self.quote == "'" and line[i + 1 : i + 2] == "'":
                        i += 1
                    else:
                        self.quote = ""
                elif ch == "\\" and self.quote == '"':
                    i += 1
            elif ch == "#" and previous in " \t":
                break
            elif ch in "'\"" and (previous in _TOKEN_START or (self.depth > 0 and previous in " \t[{,")):
                self.quote = ch
            elif ch in _OPEN and (self.depth > 0 or previous in _TOKEN_START):
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)
                if self.cut_at is None and block_depth + self.depth > KEPT_DEPTH:
                    self.cut_at = self.depth
                    chars[i] = "~"
                    previous = ch
                    i += 1
                    continue
            elif ch in "]}" and self.depth > 0:
                self.depth -= 1
                if self.cut_at is not None and self.depth < self.cut_at:
                    self.cut_at = None
                    chars[i] = " "
            if self.cut_at is not None:
                chars[start : i + 1] = " " * (i + 1 - start)
            previous = ch
            i += 1
        if self.cut_at is not None:
            for j in range(i, len(chars)):
                chars[j] = " "
        return "".join(chars)
