"""Compose's rules for merging an override file into a base file, on positioned YAML nodes.

The rules of compose-go's `override` package (the loader of Docker Compose v2): mappings merge key
by key, a null override keeps the base value, sequences append; `command`, `entrypoint`,
`healthcheck.test` and `ulimits.*` are replaced; list-or-mapping attributes (`environment`,
`labels`, ...) merge by variable name; `networks` and `depends_on` merge as mappings whatever their
syntax; `build: ./dir` merges as `{context: ./dir}`. After merging, entries of `ports`, `volumes`,
`dns`, `env_file`, `profiles`... that share their unique key keep the first position and the last
value (:mod:`preflight.model.compose.unicity`). `!reset` removes an inherited attribute,
`!override` replaces it without merging.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.model.compose.unicity import Path, dedupe, service_attr
from preflight.parse.yaml import OVERRIDE, RESET, YamlDocument, YMap, YNode, YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Callable


_KEYED = {
    "environment",
    "labels",
    "annotations",
    "sysctls",
    "build.args",
    "build.labels",
    "build.additional_contexts",
    "deploy.labels",
}
"""Service attributes merged by variable name, whether written as a list or as a mapping."""
_SEQUENCES = {"dns", "dns_opt", "dns_search", "env_file", "label_file", "tmpfs"}
"""Service attributes where a single string stands for a one-item list."""
_REPLACED = {"command", "entrypoint", "healthcheck.test"}
_NAMED = {"networks", "models"}
"""Service attributes whose list syntax is a mapping of names to null."""


def is_null(node: YNode) -> bool:
    """A YAML null (`key:` or `key: null`), not an unknown interpolated value."""
    return isinstance(node, YScalar) and node.value is None and not node.unknown and not node.quoted


def merge_maps(base: YMap, override: YMap, path: Path) -> YMap:
    """Merge `override` into `base` following compose's rules for the node at `path`.

    Tagged values are kept with their tag: a later file (or `---` document) may still be merged
    into them, and a `!reset` entry must go on resetting what later merges bring in from files
    read earlier. `clean` removes the tags from the final model.
    """
    items = list(base.items)
    index = {k.text(): i for i, (k, _) in enumerate(items)}
    for key, value in override.items:
        name = key.text()
        i = index.get(name)
        if i is None:
            index[name] = len(items)
            items.append((key, value))
            continue
        previous = items[i][1]
        if value.tag is not None:
            merged = value
        elif previous.tag == RESET:
            merged = _tagged(value, OVERRIDE)  # reset, then set: replaces what came before the reset
        else:
            merged = merge_nodes(previous, value, (*path, name))
        items[i] = (key, merged)
    return YMap(tuple(items), base.span, base.tag)


def merge_nodes(base: YNode, override: YNode, path: Path) -> YNode:
    """Merge two values of the same attribute."""
    attr = service_attr(path)
    if attr is not None:
        special = _special(attr)
        if special is not None:
            return special(base, override, path)
    if is_null(override):
        return base
    if isinstance(base, YMap) and isinstance(override, YMap):
        return merge_maps(base, override, path)
    if isinstance(base, YSeq) and isinstance(override, YSeq):
        return dedupe(YSeq(base.items + _as_items(clean(override)), base.span), path)
    return clean(override)


def _special(attr: str) -> Callable[[YNode, YNode, Path], YNode] | None:
    """Compose's merger for a service attribute (`build.args`, `ulimits.nofile`...), if any."""
    return _replace if attr.startswith("ulimits.") else _SPECIALS.get(attr)


def _replace(_base: YNode, override: YNode, _path: Path) -> YNode:
    return clean(override)


def _merge_keyed(base: YNode, override: YNode, path: Path) -> YNode:
    """`KEY=value` lists and mappings: the override's value of a key wins (null included)."""
    if is_null(override):
        return base
    if is_null(base):
        return clean(override)
    items = list(as_mapping(base).items)
    index = {k.text(): i for i, (k, _) in enumerate(items)}
    for key, value in as_mapping(override).items:
        name = key.text()
        if value.tag == RESET:
            items = [item for item in items if item[0].text() != name]
            index = {k.text(): i for i, (k, _) in enumerate(items)}
        elif name in index:
            items[index[name]] = (key, clean(value))
        else:
            index[name] = len(items)
            items.append((key, clean(value)))
    return YMap(tuple(items), base.span)


def _merge_sequence(base: YNode, override: YNode, path: Path) -> YNode:
    """`dns: 8.8.8.8` is `dns: [8.8.8.8]`: both sides append."""
    if is_null(override):
        return base
    if is_null(base):
        return clean(override)
    return dedupe(YSeq(_as_items(base) + _as_items(clean(override)), base.span), path)


def _merge_named(base: YNode, override: YNode, path: Path) -> YNode:
    """`networks: [a]` is `networks: {a: null}`: merged as mappings."""
    if is_null(override):
        return base
    if is_null(base):
        return clean(override)
    return merge_maps(as_mapping(base), as_mapping(override), path)


def _merge_depends_on(base: YNode, override: YNode, path: Path) -> YNode:
    """Short syntax entries stand for `{condition: service_started, required: true}`."""
    if is_null(override):
        return base
    if is_null(base):
        return clean(override)
    return merge_maps(_long_depends_on(base), _long_depends_on(override), path)


def _long_depends_on(node: YNode) -> YMap:
    mapping = as_mapping(node)
    if not isinstance(node, YSeq):
        return mapping
    items = []
    for key, value in mapping.items:
        if is_null(value):
            condition = YScalar("service_started", key.span)
            value = YMap(
                ((YScalar("condition", key.span), condition), (YScalar("required", key.span), YScalar(True, key.span))),
                key.span,
            )
        items.append((key, value))
    return YMap(tuple(items), mapping.span)


def _merge_build(base: YNode, override: YNode, path: Path) -> YNode:
    """`build: ./dir` is `build: {context: ./dir}`."""
    if is_null(override):
        return base
    left, right = _build_mapping(base), _build_mapping(override)
    if left is None or right is None:
        return clean(override)
    return merge_maps(left, right, path)


def _build_mapping(node: YNode) -> YMap | None:
    if isinstance(node, YMap):
        return node
    if isinstance(node, YScalar) and node.value is not None:
        return YMap(((YScalar("context", node.span), node),), node.span, node.tag)
    return None


def _merge_logging(base: YNode, override: YNode, path: Path) -> YNode:
    """Options merge only when both files name the same driver (or one names none)."""
    if not (isinstance(base, YMap) and isinstance(override, YMap)):
        return base if is_null(override) else clean(override)
    left, right = base.get("driver"), override.get("driver")
    if (
        left is None
        or right is None
        or (isinstance(left, YScalar) and isinstance(right, YScalar) and left.value == right.value)
    ):
        return merge_maps(base, override, path)
    return clean(override)


def _merge_extra_hosts(base: YNode, override: YNode, _path: Path) -> YNode:
    """Host entries append, except those already listed with the same text."""
    if is_null(override):
        return base
    left, right = _host_entries(base), _host_entries(clean(override))
    seen = {item.text() for item in left}
    return YSeq(tuple(left) + tuple(item for item in right if item.text() not in seen), base.span)


def _host_entries(node: YNode) -> list[YScalar]:
    if isinstance(node, YSeq):
        return [item for item in node.items if isinstance(item, YScalar)]
    if isinstance(node, YMap):
        entries = []
        for key, value in node.items:
            for address in _as_items(value):
                if isinstance(address, YScalar):
                    entries.append(YScalar(f"{key.text()}={address.text()}", address.span, address.quoted))
        return entries
    return [node] if node.value is not None else []


def _as_items(node: YNode) -> tuple[YNode, ...]:
    if isinstance(node, YSeq):
        return node.items
    return () if is_null(node) else (node,)


_SPECIALS: dict[str, Callable[[YNode, YNode, Path], YNode]] = {
    **dict.fromkeys(_REPLACED, _replace),
    **dict.fromkeys(_KEYED, _merge_keyed),
    **dict.fromkeys(_SEQUENCES, _merge_sequence),
    **dict.fromkeys(_NAMED, _merge_named),
    "build": _merge_build,
    "depends_on": _merge_depends_on,
    "logging": _merge_logging,
    "extra_hosts": _merge_extra_hosts,
    "build.extra_hosts": _merge_extra_hosts,
}
"""compose-go's `mergeSpecials`, by service attribute."""


def _tagged(node: YNode, tag: str | None) -> YNode:
    if isinstance(node, YMap):
        return YMap(node.items, node.span, tag)
    if isinstance(node, YSeq):
        return YSeq(node.items, node.span, tag)
    return YScalar(node.value, node.span, node.quoted, node.single_line, node.unknown, node.raw, tag)


def clean(node: YNode) -> YNode:
    """`node` without compose's merge tags: `!reset` entries dropped, `!override` forgotten."""
    if isinstance(node, YScalar):
        return node if node.tag is None else _tagged(node, None)
    if isinstance(node, YMap):
        items = tuple((k, clean(v)) for k, v in node.items if v.tag != RESET)
        same = len(items) == len(node.items) and all(a[1] is b[1] for a, b in zip(items, node.items, strict=False))
        return node if same and node.tag is None else YMap(items, node.span)
    values = tuple(clean(v) for v in node.items if v.tag != RESET)
    same = len(values) == len(node.items) and all(a is b for a, b in zip(values, node.items, strict=False))
    return node if same and node.tag is None else YSeq(values, node.span)


def as_mapping(node: YNode) -> YMap:
    """A list-or-mapping attribute (`environment`, `labels`, `depends_on`...) as a mapping.

    `KEY=value` items become `KEY: value`; a bare `KEY` becomes `KEY: null`, which compose
    treats as "take the value from the interpolation environment". A key listed twice keeps its
    first position and its last value, as compose does.
    """
    if isinstance(node, YMap):
        return node
    if isinstance(node, YScalar):
        return YMap((), node.span)
    items: list[tuple[YScalar, YNode]] = []
    index: dict[str, int] = {}
    for item in node.items:
        if not isinstance(item, YScalar) or item.tag == RESET:
            continue
        name, sep, value = item.text().partition("=")
        key_span = Span(item.span.path, item.span.line, item.span.col, item.span.line, item.span.col + len(name))
        key = YScalar(name, key_span, item.quoted)
        # an interpolated `KEY=${VAR}` keeps its template, and stays unknown when VAR is
        raw = item.raw.partition("=")[2] if item.raw is not None and sep else None
        entry = (key, YScalar(value if sep else None, item.span, item.quoted, unknown=item.unknown, raw=raw))
        if name in index:
            items[index[name]] = entry
        else:
            index[name] = len(items)
            items.append(entry)
    return YMap(tuple(items), node.span)


def compose_file_root(document: YamlDocument) -> YNode | None:
    """The root of a compose file: several `---` documents are read as successive overrides."""
    roots = document.documents
    if not roots:
        return None
    if len(roots) == 1 or not all(isinstance(r, YMap) for r in roots):
        return roots[0]
    maps = [root for root in roots if isinstance(root, YMap)]
    result = maps[0]
    for other in maps[1:]:
        result = merge_maps(result, other, ())
    return result
