"""The stack as graph data: services, named volumes and `depends_on`, with the findings attached.

:func:`build_graph` turns the project model and the report of a check into a
:class:`StackGraph` that the renderers in :mod:`preflight.report.graph` draw. Labels use the
compose files' text *as written* wherever a value was interpolated (``${TAG:-dev}``, never the
value from a ``.env`` file), and nothing from ``environment:`` is ever put into the graph.

Findings are attached where they belong: to an edge when they point into it (a ``depends_on``
entry naming an undefined service, a ``service_healthy`` condition on a service without a
health check, an undeclared volume), to a service through their ``service`` or because their
file lies in its build context, and to a note otherwise. Findings of the rules marked
``env_edge`` (a variable that never reaches a service) become a red edge from the file they
point at to their service. Everything is ordered deterministically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span

if TYPE_CHECKING:
    from collections.abc import Iterable

    from preflight.diagnostics import Report
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.project import Project
    from preflight.parse.yaml import YNode, YScalar

__all__ = ["Cluster", "Edge", "Finding", "Node", "StackGraph", "build_graph", "worst"]

DOWN, UNHEALTHY, UP = "would not start", "would not become healthy", "up"

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]+")
_QUOTED_NAME = re.compile(r"`\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?`")


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding as the graph shows it: code, severity, message and where it is."""

    code: str
    severity: Severity
    message: str
    path: str
    line: int

    @classmethod
    def of(cls, d: Diagnostic) -> Finding:
        """The graph's view of a diagnostic (help and related notes are left out)."""
        return cls(d.code, d.severity, d.message, d.span.path, d.span.line)

    def short(self, width: int = 60) -> str:
        """`PF201 variable `X` is not set; ...`, cut to about `width` characters."""
        text = f"{self.code} {' '.join(self.message.split())}"
        return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most serious severity among `findings`, or None when there are none."""
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


@dataclass(frozen=True, slots=True)
class Node:
    """A box of the picture.

    ``kind`` is ``service``, ``inactive`` (a service outside the selected profiles that another
    one depends on), ``missing`` (an undefined service something depends on), ``volume``,
    ``env`` (a file a PF203 edge starts from) or ``note`` (findings tied to no service).
    """

    id: str
    kind: str
    name: str
    cluster: int
    details: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    undefined: bool = False
    """Referenced but never defined: an undefined service or an undeclared volume."""
    verdict: str | None = None
    """For a service: `would not start`, `would not become healthy`, or `up` (see preflight.verdict)."""

    @property
    def severity(self) -> Severity | None:
        """The worst severity of the node's findings."""
        return worst(self.findings)

    @property
    def shade(self) -> Severity | None:
        """What the node is coloured by: a service's verdict (red when it would not start,
        orange when it would not become healthy), else its worst finding. An error that
        decides no step of a service that comes up is drawn as a warning."""
        if self.verdict == DOWN:
            return Severity.ERROR
        if self.verdict == UNHEALTHY:
            return Severity.WARNING
        found = self.severity
        return Severity.WARNING if self.verdict == UP and found is Severity.ERROR else found


@dataclass(frozen=True, slots=True)
class Edge:
    """An arrow: ``depends_on`` (labelled with its condition), ``volume`` (the mount target) or ``env``."""

    source: str
    target: str
    kind: str
    label: str
    findings: tuple[Finding, ...] = ()
    broken: bool = False


@dataclass(frozen=True, slots=True)
class Cluster:
    """One compose project (a box around its nodes), titled by its compose files."""

    index: int
    title: str


@dataclass(frozen=True, slots=True)
class StackGraph:
    """Everything a renderer needs, in drawing order."""

    clusters: tuple[Cluster, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when absent)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def find(self, kind: str, name: str) -> Node | None:
        """The first node of this kind and name, or None."""
        return next((n for n in self.nodes if n.kind == kind and n.name == name), None)


def _inside(span: Span, start: Span, end: Span) -> bool:
    """Whether `span` starts within the region from `start` to the end of `end` (same file)."""
    if span.path != start.path:
        return False
    begin = (start.line, start.col)
    stop = (end.end_line, max(end.end_col, end.col))
    return begin <= (span.line, span.col) <= stop


def _env_edge_codes() -> frozenset[str]:
    """The rules that say a variable never reaches a service (their rule classes say so)."""
    from preflight.rules.registry import ALL_RULES

    return frozenset(rule.id for rule in ALL_RULES if rule.env_edge)


@dataclass(slots=True)
class _Builder:
    project: Project
    diagnostics: list[Diagnostic]
    used: set[int] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    env_edge_codes: frozenset[str] = field(default_factory=_env_edge_codes)  # drawn from env file to service

    def new_id(self, cluster: int, kind: str, name: str) -> str:
        base = f"c{cluster}_{kind}_{_UNSAFE_ID.sub('_', name).strip('_') or 'x'}"
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}_{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def take(self, start: Span, end: Span) -> tuple[Finding, ...]:
        """Findings that point into a region, marked so that no other edge takes them."""
        taken = []
        for index, d in enumerate(self.diagnostics):
            if index not in self.used and d.code not in self.env_edge_codes and _inside(d.span, start, end):
                self.used.add(index)
                taken.append(Finding.of(d))
        return tuple(taken)


def _written(compose: ComposeProject, scalar: YScalar) -> str:
    """A scalar as the compose file writes it when it was interpolated, else its value."""
    for use in compose.var_uses:
        if _inside(use.span, scalar.span, scalar.span) and use.template:
            return use.template
    return scalar.text()


def _port_text(compose: ComposeProject, item: YNode) -> str | None:
    from preflight.parse.yaml import YMap, YScalar

    if isinstance(item, YScalar):
        return _written(compose, item)
    if isinstance(item, YMap):
        published, target = item.get("published"), item.get("target")
        parts = [_written(compose, p) for p in (published, target) if isinstance(p, YScalar)]
        return ":".join(parts) or None
    return None


def _service_details(compose: ComposeProject, service: Service) -> tuple[str, ...]:
    from preflight.parse.yaml import YMap, YScalar, YSeq

    details: list[str] = []
    image = service.scalar("image")
    build = service.get("build")
    if isinstance(build, YScalar):
        details.append(f"build: {_written(compose, build)}")
    elif isinstance(build, YMap):
        context, dockerfile = build.get("context"), build.get("dockerfile")
        text = _written(compose, context) if isinstance(context, YScalar) else "."
        if isinstance(dockerfile, YScalar):
            text += f" ({_written(compose, dockerfile)})"
        details.append(f"build: {text}")
    if image is not None:
        details.append(f"image: {_written(compose, image)}")
    ports = service.get("ports")
    texts = [t for t in (_port_text(compose, p) for p in ports.items) if t] if isinstance(ports, YSeq) else []
    if texts:
        details.append(f"ports: {', '.join(texts)}")
    return tuple(details)


def _mount_target(compose: ComposeProject, item_span: Span, node: YNode | None) -> str:
    """The container path a named volume is mounted at (short or long syntax)."""
    from preflight.parse.yaml import YMap, YScalar, YSeq

    for item in node.items if isinstance(node, YSeq) else ():
        if item.span != item_span and not _inside(item_span, item.span, item.span):
            continue
        if isinstance(item, YScalar):
            parts = _written(compose, item).split(":")
            return parts[1] if len(parts) > 1 else ""
        if isinstance(item, YMap):
            target = item.get("target")
            return _written(compose, target) if isinstance(target, YScalar) else ""
    return ""


def _compose_of(project: Project, path: str) -> int | None:
    """Index of the compose project whose folder holds `path` (the deepest one)."""
    best: tuple[int, int] | None = None
    for index, compose in enumerate(project.compose):
        prefix = "" if compose.rel_dir in ("", ".") else compose.rel_dir.rstrip("/") + "/"
        if path.startswith(prefix) and (best is None or len(prefix) > best[1]):
            best = (index, len(prefix))
    return None if best is None else best[0]


def _contexts(project: Project, compose: ComposeProject) -> dict[str, list[str]]:
    """Root-relative build context folder -> services built from it."""
    from preflight.model.image.build_paths import build_paths

    found: dict[str, list[str]] = {}
    for service in compose.services.values():
        paths = build_paths(service)
        if paths is not None:
            found.setdefault(project.rel(paths.context), []).append(service.name)
    return found


def _owners(project: Project, d: Diagnostic, ci: int | None) -> list[str]:
    """Services of compose project `ci` a finding belongs to."""
    if ci is None:
        return []
    compose = project.compose[ci]
    if d.service is not None:
        return [d.service] if d.service in compose.services else []
    owners: list[str] = []
    for folder, names in _contexts(project, compose).items():
        if folder not in ("", ".") and d.span.path.startswith(folder.rstrip("/") + "/"):
            owners.extend(names)
    return sorted(set(owners))


def _add_depends(b: _Builder, ci: int, compose: ComposeProject, service: Service, ids: dict[str, str]) -> None:
    from preflight.parse.yaml import YMap, YScalar

    extra: dict[str, str] = {}
    for key, spec in service.mapping("depends_on").items:
        target = key.text()
        condition = spec.get("condition") if isinstance(spec, YMap) else None
        label = condition.text() if isinstance(condition, YScalar) else "service_started"
        findings = b.take(key.span, spec.span)
        target_id = ids.get(target) or extra.get(target)
        if target_id is None:
            inactive = compose.inactive.get(target)
            kind = "inactive" if inactive is not None else "missing"
            detail = "not in the selected profiles" if inactive is not None else "undefined service"
            target_id = extra[target] = b.new_id(ci, kind, target)
            b.nodes.append(Node(target_id, kind, target, ci, (detail,), undefined=inactive is None))
        broken = any(f.severity is Severity.ERROR for f in findings) or target not in compose.all_services()
        if findings:
            label = f"{label} ({', '.join(sorted({f.code for f in findings}))})"
        b.edges.append(Edge(ids[service.name], target_id, "depends_on", label, findings, broken))
    ids.update(extra)


def _add_volumes(b: _Builder, ci: int, compose: ComposeProject, ids: dict[str, str]) -> None:
    from preflight.model.compose.resources import resource_uses

    volume_ids: dict[str, str] = {}
    declared = sorted(compose.declared("volumes"))
    uses = [(s, u) for s in compose.services.values() for u in resource_uses(s) if u.kind == "volumes"]
    shown = {u.name: u.shown for _, u in uses if u.name not in declared}  # interpolated names as written
    for name in sorted(set(declared) | {u.name for _, u in uses}):
        volume_ids[name] = b.new_id(ci, "volume", shown.get(name, name))
        detail = () if name in declared else ("not declared under `volumes:`",)
        b.nodes.append(
            Node(volume_ids[name], "volume", shown.get(name, name), ci, detail, undefined=name not in declared)
        )
    for service, use in uses:
        findings = b.take(use.span, use.span)
        target = _mount_target(compose, use.span, service.get("volumes"))
        broken = any(f.severity is Severity.ERROR for f in findings) or use.name not in declared
        label = target + (f" ({', '.join(sorted({f.code for f in findings}))})" if findings else "")
        b.edges.append(Edge(ids[service.name], volume_ids[use.name], "volume", label, findings, broken))


def _env_source(d: Diagnostic) -> str:
    """The env file an env-edge finding names among its related locations, else its own file."""
    for related in d.related:
        name = related.span.path.rsplit("/", 1)[-1]
        if name.startswith(".env") or name.endswith(".env"):
            return related.span.path
    return d.span.path


def _env_label(finding: Finding) -> str:
    """`PF203 REDIS_PASSWORD`: the code and the variable's name (the first one in backticks)."""
    match = _QUOTED_NAME.search(finding.message)
    return f"{finding.code} {match.group(1)}" if match else finding.short(48)


def _attach(b: _Builder) -> None:
    """Put every finding on its services (and env edges), the rest on a note per cluster."""
    per_service: dict[str, list[Finding]] = {}
    notes: dict[int, list[Finding]] = {}
    env_nodes: dict[tuple[int, str], str] = {}
    service_ids = {(n.cluster, n.name): n.id for n in b.nodes if n.kind == "service"}
    for index, d in enumerate(b.diagnostics):
        ci = _compose_of(b.project, d.span.path)
        finding = Finding.of(d)
        owners = [service_ids[(ci, name)] for name in _owners(b.project, d, ci)] if ci is not None else []
        for owner in owners:
            per_service.setdefault(owner, []).append(finding)
        if not owners and index not in b.used:
            notes.setdefault(ci if ci is not None else -1, []).append(finding)
        if d.code in b.env_edge_codes and owners and ci is not None:
            source = _env_source(d)
            key = (ci, source)
            if key not in env_nodes:
                env_nodes[key] = b.new_id(ci, "env", source)
                b.nodes.append(Node(env_nodes[key], "env", source, ci))
            for owner in owners:
                b.edges.append(Edge(env_nodes[key], owner, "env", _env_label(finding), (finding,), broken=True))
    b.nodes[:] = [replace(n, findings=tuple(per_service.get(n.id, ()))) for n in b.nodes]
    for ci in sorted(notes):
        note = Node(b.new_id(ci, "note", "notes"), "note", "findings outside any service", ci, (), tuple(notes[ci]))
        b.nodes.append(note)


def build_graph(project: Project, report: Report) -> StackGraph:
    """The graph of every compose project in `project`, with the findings of `report`."""
    diagnostics = sorted(report.diagnostics, key=Diagnostic.sort_key)
    b = _Builder(project, diagnostics)
    clusters = []
    for ci, compose in enumerate(project.compose):
        clusters.append(Cluster(ci, ", ".join(compose.files) or compose.rel_dir))
        ids: dict[str, str] = {}
        for name in sorted(compose.services):
            ids[name] = b.new_id(ci, "service", name)
            b.nodes.append(Node(ids[name], "service", name, ci, _service_details(compose, compose.services[name])))
        for name in sorted(compose.services):
            _add_depends(b, ci, compose, compose.services[name], ids)
        _add_volumes(b, ci, compose, ids)
    _attach(b)
    nodes = _with_verdicts(project, report, b.nodes)
    return StackGraph(tuple(clusters), tuple(nodes), tuple(b.edges))


def _with_verdicts(project: Project, report: Report, nodes: list[Node]) -> list[Node]:
    """Service nodes carry the verdict of :mod:`preflight.verdict`, so colours follow it."""
    from preflight.verdict import service_facts, stack_verdict

    verdict = stack_verdict(report.diagnostics, report.services or service_facts(project))
    by_key: dict[tuple[int, str], str] = {}
    for service in verdict.services:
        for ci, compose in enumerate(project.compose):
            if (compose.rel_dir if compose.rel_dir != "." else "") == service.project:
                state = UP if service.up else (UNHEALTHY if service.starts else DOWN)
                by_key[(ci, service.name)] = DOWN if verdict.refused else state
    return [replace(n, verdict=by_key.get((n.cluster, n.name))) if n.kind == "service" else n for n in nodes]
