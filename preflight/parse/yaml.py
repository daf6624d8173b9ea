"""YAML with positions, safely: our own node tree built from ruamel.yaml's composer.

Why not ruamel's constructors: we need a span on every node, merge keys applied without losing
where each value came from, duplicate keys reported as compose reports them, no arbitrary tags
constructed, and alias expansion bounded (a "billion laughs" file must stay cheap).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem, Span

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ruamel.yaml import YAML

MAX_EXPANDED_NODES = 200_000
"""Nodes a document may expand to through aliases before we refuse it, like go-yaml does."""

Scalar = str | int | float | bool | None

RESET = "!reset"
"""Compose's tag that removes an attribute inherited from earlier files (or from `extends`)."""
OVERRIDE = "!override"
"""Compose's tag that replaces an inherited attribute instead of merging into it."""
MERGE_TAGS = (RESET, OVERRIDE)


@dataclass(frozen=True, slots=True)
class YScalar:
    """A scalar with its resolved value (`raw` keeps the source text of plain scalars)."""

    value: Scalar
    span: Span
    quoted: bool = False
    single_line: bool = True
    unknown: bool = False
    """True when the value came from interpolating a variable whose value cannot be known."""
    raw: str | None = None
    """The text as written, when interpolation changed it (show this, never the value)."""
    tag: str | None = None
    """Compose's merge tag written on the node (`!reset` or `!override`), else None."""
    lines: tuple[tuple[int, int, int], ...] = ()
    """For a block scalar (`|`, `>`): (offset in the text, line, column) where each of its source
    lines starts, so that a position in the text maps back to the file."""

    def as_written(self) -> str:
        """The scalar as the file spells it: safe to print (no interpolated values)."""
        return self.raw if self.raw is not None else self.text()

    def text(self) -> str:
        """The value as compose would read it as a string."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)


@dataclass(frozen=True, slots=True)
class YMap:
    """A mapping; keys are scalars, order preserved, merge keys already applied."""

    items: tuple[tuple[YScalar, YNode], ...]
    span: Span
    tag: str | None = None
    """Compose's merge tag written on the node (`!reset` or `!override`), else None."""

    def get(self, key: str) -> YNode | None:
        """The value for `key`, or None."""
        for k, v in self.items:
            if k.text() == key:
                return v
        return None

    def key_node(self, key: str) -> YScalar | None:
        """The key scalar itself (to point at the key rather than the value)."""
        for k, _ in self.items:
            if k.text() == key:
                return k
        return None

    def keys(self) -> list[str]:
        """Keys as strings, in order."""
        return [k.text() for k, _ in self.items]


@dataclass(frozen=True, slots=True)
class YSeq:
    """A sequence."""

    items: tuple[YNode, ...]
    span: Span
    tag: str | None = None
    """Compose's merge tag written on the node (`!reset` or `!override`), else None."""


YNode = YScalar | YMap | YSeq


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """The result of parsing one YAML file: its `---` documents (none if empty or broken) and problems."""

    documents: tuple[YNode, ...]
    problems: tuple[ParseProblem, ...]

    @property
    def root(self) -> YNode | None:
        """The first document (compose reads several as overrides: `model.compose.merge`)."""
        return self.documents[0] if self.documents else None


class _TooManyNodes(Exception):
    pass


def _resolve_plain(text: str, tag: str) -> Scalar:
    """Turn a plain scalar into a value following the YAML 1.2 core schema."""
    kind = tag.rsplit(":", 1)[-1]
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        digits = text.replace("_", "")
        for base in (0, 10):
            try:
                return int(digits, base)
            except ValueError:
                continue
        return text
    if kind == "float":
        low = text.lower()
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        if low == ".nan":
            return math.nan
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text


class _Converter:
    """Converts ruamel composer nodes into Y nodes, counting every expansion."""

    def __init__(self, path: str, implicit: Callable[[str], str], text: str = "") -> None:
        self.path = path
        self.source_lines = text.split("\n")
        self.implicit = implicit
        """The tag a plain scalar would resolve to without an explicit tag."""
        self.problems: list[ParseProblem] = []
        # aliases share one converted node; `sizes` tracks how big each would be expanded
        self.done: dict[int, YNode] = {}
        self.sizes: dict[int, int] = {}

    def span(self, node: object) -> Span:
        start = node.start_mark  # type: ignore[attr-defined]
        end = node.end_mark  # type: ignore[attr-defined]
        return Span(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def convert(self, node: object) -> YNode:
        key = id(node)
        done = self.done.get(key)
        if done is None:
            done = self.done[key] = self._convert(node)
        return done

    def size(self, node: YNode) -> int:
        """Number of nodes `node` stands for once every alias is expanded."""
        key = id(node)
        known = self.sizes.get(key)
        if known is None:
            if isinstance(node, YScalar):
                known = 1
            elif isinstance(node, YSeq):
                known = 1 + sum(self.size(item) for item in node.items)
            else:
                known = 1 + sum(1 + self.size(v) for _, v in node.items)
            if known > MAX_EXPANDED_NODES:
                raise _TooManyNodes
            self.sizes[key] = known
        return known

    def _convert(self, node: object) -> YNode:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        tag = node.tag if getattr(node, "tag", None) in MERGE_TAGS else None  # type: ignore[attr-defined]
        if isinstance(node, ScalarNode):
            span = self.span(node)
            quoted = node.style is not None
            # `!override 8080` is still the integer 8080: resolve as if the tag were absent
            kind = self.implicit(node.value) if tag is not None else node.tag or ""
            value: Scalar = node.value if quoted else _resolve_plain(node.value, kind)
            if node.style in ("|", ">"):
                return YScalar(value, span, quoted, True, tag=tag, lines=self.block_lines(node.value, span))
            return YScalar(value, span, quoted, span.line == span.end_line, tag=tag)
        if isinstance(node, SequenceNode):
            return YSeq(tuple(self.convert(item) for item in node.value), self.span(node), tag)
        if isinstance(node, MappingNode):
            mapping = self.mapping(node)
            return YMap(mapping.items, mapping.span, tag) if tag is not None else mapping
        raise TypeError(f"unexpected YAML node {type(node).__name__}")

    def block_lines(self, text: str, span: Span) -> tuple[tuple[int, int, int], ...]:
        """Where each source line of a block scalar starts in its text (empty when they cannot
        be matched: the text is then located at the scalar's indicator only)."""
        found: list[tuple[int, int, int]] = []
        at = 0
        last = span.end_line - 1 if span.end_col == 1 else span.end_line  # the end mark may open the next line
        for line in range(span.line + 1, min(last, len(self.source_lines)) + 1):
            source = self.source_lines[line - 1].rstrip("\r")
            content = source.lstrip(" ")
            if not content.strip():
                continue
            offset = text.find(content.rstrip(), at)
            if offset < 0:
                break  # past the block: a comment or the next key
            found.append((offset, line, len(source) - len(content) + 1))
            at = offset + len(content.rstrip())
        return tuple(found)

    def mapping(self, node: object) -> YMap:
        own: list[tuple[YScalar, YNode]] = []
        merged: list[tuple[YScalar, YNode]] = []
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:  # type: ignore[attr-defined]
            if getattr(key_node, "tag", "") == "tag:yaml.org,2002:merge":
                merged.extend(self.merge_sources(value_node))
                continue
            key = self.convert(key_node)
            if not isinstance(key, YScalar):
                self.problems.append(ParseProblem("mapping keys must be scalars", key.span.line, key.span.col))
                continue
            name = key.text()
            if name in seen:
                self.problems.append(
                    ParseProblem(
                        f'mapping key "{name}" already defined at line {seen[name]}',
                        key.span.line,
                        key.span.col,
                    )
                )
                continue
            seen[name] = key.span.line
            own.append((key, self.convert(value_node)))
        for key, value in merged:
            if key.text() not in seen:
                seen[key.text()] = key.span.line
                own.append((key, value))
        return YMap(tuple(own), self.span(node))

    def merge_sources(self, value_node: object) -> Iterator[tuple[YScalar, YNode]]:
        """Items contributed by `<<: *a` or `<<: [*a, *b]` (earlier sources win)."""
        value = self.convert(value_node)
        sources = value.items if isinstance(value, YSeq) else (value,)
        for source in sources:
            if isinstance(source, YMap):
                yield from source.items
            else:
                self.problems.append(
                    ParseProblem("merge key `<<` expects a mapping or a list of mappings", source.span.line)
                )


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse YAML text; every problem becomes a ParseProblem (never an exception)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from preflight.parse.yaml_depth import COMPOSE_MAX_DEPTH, limit_depth

    text, depth = limit_depth(text)
    if depth > COMPOSE_MAX_DEPTH:
        message = f"nested deeper than {COMPOSE_MAX_DEPTH} levels, which Compose refuses"
        return YamlDocument((), (ParseProblem(f"invalid YAML: {message}"),))
    loader = YAML(typ="safe", pure=True)
    try:
        with warnings.catch_warnings():
            # ruamel warns (on stderr, quoting the file) about a reused anchor; go-yaml takes the last
            warnings.simplefilter("ignore")
            nodes = list(loader.compose_all(text))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = " ".join(part for part in (err.context, err.problem) if part) or "invalid YAML"
        return YamlDocument((), (ParseProblem(f"invalid YAML: {message}", line, col),))
    except (YAMLError, ValueError, RecursionError) as err:
        return YamlDocument((), (ParseProblem(f"invalid YAML: {err}"),))
    converter = _Converter(path, lambda plain: _implicit_tag(loader, plain), text)
    roots: list[YNode] = []
    try:
        roots = [converter.convert(node) for node in nodes if node is not None]
        for root_node in roots:
            converter.size(root_node)
    except _TooManyNodes:
        limit = MAX_EXPANDED_NODES
        return YamlDocument((), (ParseProblem(f"document contains excessive aliasing (over {limit} nodes)"),))
    except RecursionError:
        return YamlDocument((), (ParseProblem("document is nested too deeply"),))
    return YamlDocument(tuple(roots), tuple(converter.problems))


def _implicit_tag(loader: YAML, text: str) -> str:
    from ruamel.yaml.nodes import ScalarNode

    return str(loader.resolver.resolve(ScalarNode, text, (True, False)))


def to_plain(node: YNode | None) -> object:
    """Plain Python data (dict/list/scalars) for schema validation."""
    if node is None:
        return None
    if isinstance(node, YScalar):
        return node.value
    # compose drops `!reset` nodes before validating and merging
    if isinstance(node, YSeq):
        return [to_plain(item) for item in node.items if item.tag != RESET]
    return {k.text(): to_plain(v) for k, v in node.items if v.tag != RESET}
