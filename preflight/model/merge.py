"""Compose's rules for merging an override file into a base file, on positioned YAML nodes.

Mappings merge key by key; sequences append; `command`, `entrypoint` and `healthcheck.test`
are replaced; list-or-mapping attributes (`environment`, `labels`, ...) merge by variable name;
`ports`, `volumes`, `secrets`, `configs` merge by their unique key.
"""

from __future__ import annotations

from preflight.diagnostics import Span
from preflight.parse.yaml import YMap, YNode, YScalar, YSeq

Path = tuple[str, ...]

_REPLACED = {"command", "entrypoint", "test"}
_KEYED_LISTS = {"environment", "labels", "annotations", "extra_hosts", "sysctls", "args", "depends_on"}
_UNIQUE_LISTS = {"ports", "volumes", "secrets", "configs", "devices", "expose"}


def _service_attr(path: Path) -> str | None:
    """Attribute name when `path` is services.<name>.<attr>[.<sub>], else None."""
    if len(path) >= 3 and path[0] == "services":
        return ".".join(path[2:])
    return None


def merge_maps(base: YMap, override: YMap, path: Path) -> YMap:
    """Merge `override` into `base` following compose's rules for the node at `path`."""
    items = list(base.items)
    index = {k.text(): i for i, (k, _) in enumerate(items)}
    for key, value in override.items:
        name = key.text()
        if name in index:
            i = index[name]
            items[i] = (key, merge_nodes(items[i][1], value, (*path, name)))
        else:
            index[name] = len(items)
            items.append((key, value))
    return YMap(tuple(items), base.span)


def merge_nodes(base: YNode, override: YNode, path: Path) -> YNode:
    """Merge two values of the same attribute."""
    attr = _service_attr(path)
    if attr in _REPLACED or attr == "healthcheck.test" or isinstance(override, YScalar):
        return override
    last = path[-1] if path else ""
    if attr is not None and last in _KEYED_LISTS and (isinstance(base, YSeq) or isinstance(override, YSeq)):
        return merge_maps(as_mapping(base), as_mapping(override), path)
    if isinstance(base, YMap) and isinstance(override, YMap):
        return merge_maps(base, override, path)
    if isinstance(base, YSeq) and isinstance(override, YSeq):
        if attr is not None and last in _UNIQUE_LISTS:
            return _merge_unique(base, override)
        return YSeq(base.items + override.items, base.span)
    if attr is not None and last in ("dns", "dns_search", "env_file", "tmpfs"):
        return YSeq(_as_items(base) + _as_items(override), base.span)
    return override


def _as_items(node: YNode) -> tuple[YNode, ...]:
    return node.items if isinstance(node, YSeq) else (node,)


def unique_key(node: YNode) -> str:
    """The identity of a ports/volumes/secrets entry for merging."""
    if isinstance(node, YScalar):
        text = node.text()
        parts = text.split(":")
        # a volume's identity is its container path; a port's is the whole mapping
        return parts[1] if len(parts) >= 2 and "/" in text and not text[0].isdigit() else text
    if isinstance(node, YMap):
        for field in ("target", "source"):
            value = node.get(field)
            if isinstance(value, YScalar):
                return value.text()
    return repr(node)


def _merge_unique(base: YSeq, override: YSeq) -> YSeq:
    items = list(base.items)
    keys = [unique_key(item) for item in items]
    for item in override.items:
        key = unique_key(item)
        if key in keys:
            items[keys.index(key)] = item
        else:
            keys.append(key)
            items.append(item)
    return YSeq(tuple(items), base.span)


def as_mapping(node: YNode) -> YMap:
    """A list-or-mapping attribute (`environment`, `labels`, `depends_on`...) as a mapping.

    `KEY=value` items become `KEY: value`; a bare `KEY` becomes `KEY: null`, which compose
    treats as "take the value from the interpolation environment".
    """
    if isinstance(node, YMap):
        return node
    if isinstance(node, YScalar):
        return YMap((), node.span)
    items: list[tuple[YScalar, YNode]] = []
    for item in node.items:
        if not isinstance(item, YScalar):
            continue
        text = item.text()
        name, sep, value = text.partition("=")
        key_span = Span(item.span.path, item.span.line, item.span.col, item.span.line, item.span.col + len(name))
        key = YScalar(name, key_span, item.quoted)
        items.append((key, YScalar(value if sep else None, item.span, item.quoted)))
    return YMap(tuple(items), node.span)
