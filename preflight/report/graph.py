"""Draw a :class:`preflight.report.stack_graph.StackGraph` as Graphviz DOT or a Mermaid flowchart.

Both renderers are pure and deterministic. Services are boxes labelled with their name, build
context or image and published ports, then one line per finding (``PF201 variable ...``);
a service that would not start is drawn red, one that would not become healthy orange (the
verdicts of :mod:`preflight.verdict`); other nodes by their worst finding: red, orange, blue. Named
volumes are cylinders. ``depends_on`` edges carry their condition; broken edges (an undefined
target, a ``service_healthy`` wait on a service without a health check, an undeclared volume,
a variable that never reaches a service) are red. In DOT, every node and edge also gets a
``tooltip`` with the full messages (shown by SVG viewers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Severity

if TYPE_CHECKING:
    from preflight.report.stack_graph import Edge, Node, StackGraph

__all__ = [
    "BROKEN_COLOR",
    "OK_COLOR",
    "SEVERITY_COLORS",
    "SEVERITY_FILLS",
    "render_dot",
    "render_mermaid",
]

SEVERITY_COLORS = {Severity.ERROR: "#c62828", Severity.WARNING: "#ef6c00", Severity.INFO: "#1565c0"}
"""Outline (and text) colour of a node by its worst finding."""
SEVERITY_FILLS = {Severity.ERROR: "#ffebee", Severity.WARNING: "#fff3e0", Severity.INFO: "#e3f2fd"}
"""Fill colour of a node by its worst finding."""
OK_COLOR, OK_FILL = "#455a64", "#ffffff"
VOLUME_FILL, MUTED_COLOR = "#eceff1", "#90a4ae"
BROKEN_COLOR = SEVERITY_COLORS[Severity.ERROR]
"""Colour of a broken edge."""

_FONT = "Helvetica"
_LABEL_WIDTH = 64
_SHAPES = {
    "service": ("box", "rounded,filled"),
    "inactive": ("box", "rounded,filled,dashed"),
    "missing": ("box", "rounded,filled"),
    "volume": ("cylinder", "filled"),
    "env": ("note", "filled"),
    "note": ("note", "filled"),
}


def _colors(node: Node) -> tuple[str, str]:
    """(outline, fill) of a node."""
    severity = node.shade
    if node.undefined:
        return BROKEN_COLOR, SEVERITY_FILLS[Severity.ERROR]
    if severity is not None:
        return SEVERITY_COLORS[severity], SEVERITY_FILLS[severity]
    if node.kind == "inactive":
        return MUTED_COLOR, OK_FILL
    if node.kind in ("volume", "env"):
        return OK_COLOR, VOLUME_FILL
    return OK_COLOR, OK_FILL


def _lines(node: Node) -> list[str]:
    """The label's lines after the title: details, then one line per finding (repeats counted)."""
    counts: dict[str, int] = {}
    for finding in node.findings:
        short = finding.short(_LABEL_WIDTH)
        counts[short] = counts.get(short, 0) + 1
    verdict = [node.verdict] if node.verdict and node.verdict != "up" else []
    return [*node.details, *verdict, *(text if n == 1 else f"{text} (x{n})" for text, n in counts.items())]


def _tooltip(title: str, lines: list[str], messages: list[str]) -> str:
    return "\n".join([title, *lines, *messages])


# --- DOT -----------------------------------------------------------------------------------


def _dot_escape(text: str) -> str:
    """Text for a DOT quoted string where backslash escapes are interpreted (labels)."""
    text = " ".join(text.replace("\r", " ").split("\n"))
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_quote(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def _dot_label(title: str, lines: list[str]) -> str:
    """Title centred, further lines left-aligned (`\\l`)."""
    head = _dot_escape(title) + "\\n"
    return '"' + head + "".join(_dot_escape(line) + "\\l" for line in lines) + '"'


def _dot_tooltip(text: str) -> str:
    # Tooltips keep their line breaks as `\n` escapes.
    return '"' + "\\n".join(_dot_escape(line) for line in text.split("\n")) + '"'


def _dot_attrs(attrs: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"{key}={value}" for key, value in attrs) + "]"


def _dot_node(node: Node) -> str:
    shape, style = _SHAPES.get(node.kind, ("box", "filled"))
    if node.undefined:
        style += ",dashed"
    color, fill = _colors(node)
    lines = _lines(node)
    tooltip = _tooltip(
        node.name, list(node.details), [f"{f.code} [{f.severity.value}] {f.message}" for f in node.findings]
    )
    attrs = [
        ("label", _dot_label(node.name, lines)),
        ("shape", shape),
        ("style", _dot_quote(style)),
        ("color", _dot_quote(color)),
        ("fillcolor", _dot_quote(fill)),
        ("tooltip", _dot_tooltip(tooltip)),
    ]
    if node.shade is not None or node.undefined:
        attrs += [("penwidth", "2"), ("fontcolor", _dot_quote(color))]
    return f"{_dot_quote(node.id)} {_dot_attrs(attrs)};"


def _dot_edge(edge: Edge) -> str:
    color = BROKEN_COLOR if edge.broken else OK_COLOR
    attrs = [("color", _dot_quote(color)), ("fontcolor", _dot_quote(color))]
    if edge.label:
        attrs.insert(0, ("label", _dot_quote(edge.label)))
    messages = [f"{f.code} [{f.severity.value}] {f.message}" for f in edge.findings]
    attrs.append(("tooltip", _dot_tooltip(_tooltip(f"{edge.kind}: {edge.label}", [], messages))))
    if edge.broken:
        attrs += [("penwidth", "2"), ("style", "bold" if edge.kind != "env" else "dashed")]
    elif edge.kind == "volume":
        attrs.append(("arrowhead", "none"))
    return f"{_dot_quote(edge.source)} -> {_dot_quote(edge.target)} {_dot_attrs(attrs)};"


def render_dot(graph: StackGraph, title: str = "preflight") -> str:
    """The graph in Graphviz DOT (LF-terminated); one statement per line, clusters per project."""
    out = [
        "digraph preflight {",
        f"  graph [rankdir=TB, fontname={_dot_quote(_FONT)}, fontsize=12, labelloc=t, "
        f"nodesep=0.3, ranksep=0.7, label={_dot_quote(title)}];",
        f'  node [fontname={_dot_quote(_FONT)}, fontsize=10, margin="0.15,0.08"];',
        f"  edge [fontname={_dot_quote(_FONT)}, fontsize=9];",
    ]
    for cluster in graph.clusters:
        out.append(f"  subgraph cluster_{cluster.index} {{")
        out.append(f'    label={_dot_quote(cluster.title)}; style="rounded,dashed"; color="{MUTED_COLOR}";')
        out.extend(f"    {_dot_node(n)}" for n in graph.nodes if n.cluster == cluster.index)
        out.append("  }")
    known = {c.index for c in graph.clusters}
    out.extend(f"  {_dot_node(n)}" for n in graph.nodes if n.cluster not in known)
    out.extend(f"  {_dot_edge(e)}" for e in graph.edges)
    out.append("}")
    return "\n".join(out) + "\n"


# --- Mermaid -------------------------------------------------------------------------------

_MERMAID_SHAPES = {
    "volume": ('[("', '")]'),
    "env": ('>"', '"]'),
    "note": ('>"', '"]'),
}


def _mm_escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for the special characters)."""
    text = " ".join(text.replace("\r", " ").split("\n"))
    text = text.replace("#", "#35;")
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def _mm_class(node: Node) -> str:
    if node.undefined:
        return "missing"
    if node.shade is not None:
        return node.shade.value
    return {"inactive": "inactive", "volume": "resource", "env": "resource"}.get(node.kind, "ok")


def _mm_node(node: Node) -> str:
    opening, closing = _MERMAID_SHAPES.get(node.kind, ('["', '"]'))
    label = "<br/>".join(_mm_escape(line) for line in [node.name, *_lines(node)])
    return f"{node.id}{opening}{label}{closing}"


def _mm_edge(edge: Edge) -> str:
    arrow = "-.->" if edge.kind == "env" else ("---" if edge.kind == "volume" else "-->")
    label = f'|"{_mm_escape(edge.label)}"|' if edge.label else ""
    return f"{edge.source} {arrow}{label} {edge.target}"


def render_mermaid(graph: StackGraph) -> str:
    """The graph as a Mermaid flowchart (LF-terminated), styled with `classDef`/`linkStyle`."""
    out = ["flowchart TB"]
    for cluster in graph.clusters:
        out.append(f'  subgraph cluster_{cluster.index}["{_mm_escape(cluster.title)}"]')
        out.extend(f"    {_mm_node(n)}" for n in graph.nodes if n.cluster == cluster.index)
        out.append("  end")
    known = {c.index for c in graph.clusters}
    out.extend(f"  {_mm_node(n)}" for n in graph.nodes if n.cluster not in known)
    out.extend(f"  {_mm_edge(e)}" for e in graph.edges)
    styles = {
        "error": (SEVERITY_FILLS[Severity.ERROR], SEVERITY_COLORS[Severity.ERROR], "2px", ""),
        "warning": (SEVERITY_FILLS[Severity.WARNING], SEVERITY_COLORS[Severity.WARNING], "2px", ""),
        "info": (SEVERITY_FILLS[Severity.INFO], SEVERITY_COLORS[Severity.INFO], "2px", ""),
        "missing": (SEVERITY_FILLS[Severity.ERROR], BROKEN_COLOR, "2px", ",stroke-dasharray:5 5"),
        "inactive": (OK_FILL, MUTED_COLOR, "1px", ",stroke-dasharray:5 5"),
        "resource": (VOLUME_FILL, OK_COLOR, "1px", ""),
        "ok": (OK_FILL, OK_COLOR, "1px", ""),
    }
    used: dict[str, list[str]] = {}
    for node in graph.nodes:
        used.setdefault(_mm_class(node), []).append(node.id)
    for name, (fill, stroke, width, extra) in styles.items():
        if name in used:
            out.append(f"  classDef {name} fill:{fill},stroke:{stroke},stroke-width:{width},color:#000{extra};")
            out.append(f"  class {','.join(used[name])} {name};")
    for index, edge in enumerate(graph.edges):
        if edge.broken:
            out.append(f"  linkStyle {index} stroke:{BROKEN_COLOR},stroke-width:2px,color:{BROKEN_COLOR};")
    return "\n".join(out) + "\n"
