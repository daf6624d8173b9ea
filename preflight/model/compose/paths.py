"""Relative paths of a service defined in another folder, made absolute as compose makes them.

A service taken from another file by `extends: {file: ...}`, or from an `include`d project, keeps
paths relative to that file's folder; once merged into this project they would resolve from the
wrong folder. Compose resolves them first (compose-go's `paths.ResolveRelativePaths`), and so do we:
the build context, `env_file`, `label_file` and bind-mount sources. The scalars keep their span and
their text as written (`raw`), so messages still show and point at what the file says.
"""

from __future__ import annotations

import os
from pathlib import Path

from preflight.parse.yaml import YMap, YNode, YScalar, YSeq

_REMOTE_PREFIXES = ("https://", "http://", "git://", "ssh://", "github.com/", "git@", "service:")


def _absolute(node: YNode, folder: Path) -> YNode:
    """A relative path scalar joined to `folder`; anything else unchanged."""
    if not isinstance(node, YScalar) or node.unknown or not isinstance(node.value, str) or not node.value:
        return node
    text = node.value
    if Path(text).is_absolute() or text.startswith("~"):
        return node
    joined = os.path.normpath(folder / text)
    return YScalar(joined, node.span, node.quoted, node.single_line, node.unknown, node.as_written(), node.tag)


def _context(node: YNode, folder: Path) -> YNode:
    if (
        isinstance(node, YScalar)
        and isinstance(node.value, str)
        and ("://" in node.value or node.value.startswith(_REMOTE_PREFIXES))
    ):
        return node
    return _absolute(node, folder)


def _build(node: YNode, folder: Path, default_context: bool) -> YNode:
    if isinstance(node, YScalar):
        return _context(node, folder)
    if not isinstance(node, YMap):
        return node
    items = [(k, _context(v, folder) if k.text() == "context" else v) for k, v in node.items]
    if default_context and node.get("context") is None:
        # compose's default `context: .` is applied before an included project's paths resolve
        items.append((YScalar("context", node.span), YScalar(os.path.normpath(folder), node.span, raw=".")))
    return YMap(tuple(items), node.span, node.tag)


def _files(node: YNode, folder: Path) -> YNode:
    """`env_file` / `label_file`: a path, or a list of paths or of `{path: ...}` mappings."""
    if isinstance(node, YScalar):
        return _absolute(node, folder)
    if not isinstance(node, YSeq):
        return node
    items: list[YNode] = []
    for item in node.items:
        if isinstance(item, YMap):
            item = YMap(
                tuple((k, _absolute(v, folder) if k.text() == "path" else v) for k, v in item.items),
                item.span,
                item.tag,
            )
        items.append(_absolute(item, folder))
    return YSeq(tuple(items), node.span, node.tag)


def _volume(node: YNode, folder: Path) -> YNode:
    if isinstance(node, YMap):
        kind = node.get("type")
        if not (isinstance(kind, YScalar) and kind.value == "bind"):
            return node
        return YMap(
            tuple((k, _absolute(v, folder) if k.text() == "source" else v) for k, v in node.items), node.span, node.tag
        )
    if not isinstance(node, YScalar) or node.unknown or not isinstance(node.value, str):
        return node
    source, sep, rest = node.value.partition(":")
    if not sep or not source.startswith("."):
        return node  # a named or anonymous volume, or an absolute path
    joined = os.path.normpath(folder / source)
    return YScalar(f"{joined}:{rest}", node.span, node.quoted, node.single_line, False, node.as_written(), node.tag)


def _volumes(node: YNode, folder: Path) -> YNode:
    if not isinstance(node, YSeq):
        return node
    return YSeq(tuple(_volume(item, folder) for item in node.items), node.span, node.tag)


def rebase_service(node: YMap, folder: Path, *, default_context: bool = False) -> YMap:
    """The service with its relative paths resolved from `folder` (`default_context`: add `context: .`)."""
    items: list[tuple[YScalar, YNode]] = []
    for key, value in node.items:
        name = key.text()
        if name == "build":
            value = _build(value, folder, default_context)
        elif name in ("env_file", "label_file"):
            value = _files(value, folder)
        elif name == "volumes":
            value = _volumes(value, folder)
        items.append((key, value))
    return YMap(tuple(items), node.span, node.tag)
