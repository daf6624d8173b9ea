"""Find the node (or key) at a JSON-style path in a positioned YAML tree."""

from __future__ import annotations

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
