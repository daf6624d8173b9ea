"""Find the node (or key) at a JSON-style path in a positioned YAML tree, or a part of a scalar."""

from __future__ import annotations

from preflight.diagnostics import Span
from preflight.parse.yaml import YMap, YNode, YScalar, YSeq


def locate(root: YNode, path: tuple[str | int, ...]) -> YNode | None:
    """The node at `path`, or the deepest existing ancestor's node when it does not exist."""
    node: YNode = root
    for part in path:
        child: YNode | None = None
        if isinstance(node, YMap):
            child = node.get(str(part))
        elif isinstance(node, YSeq) and isinstance(part, int) and 0 <= part < len(node.items):
            child = node.items[part]
        if child is None:
            return node
        node = child
    return node


def locate_key(root: YNode, path: tuple[str | int, ...]) -> YScalar | None:
    """The key scalar of the last path element, when it names a mapping key."""
    if not path or not isinstance(path[-1], str):
        return None
    parent = locate(root, path[:-1])
    if isinstance(parent, YMap):
        return parent.key_node(path[-1])
    return None


def ref_span(node: YScalar, start: int, end: int) -> Span:
    """The span of characters `start:end` of a scalar's text: exact for single-line and block
    scalars, the scalar's start otherwise."""
    s = node.span
    if node.lines:
        return block_span(s.path, node.lines, start, end)
    if not node.single_line or s.line != s.end_line:
        return Span(s.path, s.line, s.col, s.line, s.col + 1)
    offset = s.col + (1 if node.quoted and _looks_quoted(node) else 0)
    return Span(s.path, s.line, offset + start, s.line, offset + end)


def block_span(path: str, lines: tuple[tuple[int, int, int], ...], start: int, end: int) -> Span:
    """The span of characters `start:end` of a block scalar's text (see `YScalar.lines`)."""
    offset, line, col = next((entry for entry in reversed(lines) if entry[0] <= start), lines[0])
    return Span(path, line, col + start - offset, line, col + end - offset)


def _looks_quoted(node: YScalar) -> bool:
    # A scalar that was quoted in the source spans two more columns than its text
    text = node.value if isinstance(node.value, str) else ""
    return node.span.end_col - node.span.col >= len(text) + 2
