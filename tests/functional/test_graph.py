"""`preflight graph`: the stack as Mermaid/DOT, with findings drawn on nodes and edges."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from preflight.cli import main
from preflight.config import Config
from preflight.diagnostics import Diagnostic, Related, Report, Severity, Span
from preflight.engine import check
from preflight.model.build import build_project
from preflight.report.graph import BROKEN_COLOR, OK_COLOR, SEVERITY_COLORS, render_dot, render_mermaid
from preflight.report.stack_graph import StackGraph, build_graph

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "incident"
FIXED = REPO / "examples" / "incident-fixed"
RED, ORANGE = SEVERITY_COLORS[Severity.ERROR], SEVERITY_COLORS[Severity.WARNING]
DOT = shutil.which("dot")
needs_graphviz = pytest.mark.skipif(DOT is None, reason="graphviz (`dot`) is not installed")

_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_NODE = re.compile(rf"^\s*{_QUOTED} \[(.*)\];$")
_EDGE = re.compile(rf"^\s*{_QUOTED} -> {_QUOTED} \[(.*)\];$")
_ATTR = re.compile(rf"(\w+)=({_QUOTED}|[^,\s\]]+)")


def _unquote(value: str) -> str:
    if not value.startswith('"'):
        return value
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nlr" else m.group(1), value[1:-1])


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1): _unquote(m.group(2)) for m in _ATTR.finditer(text)}


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """Nodes (id -> attributes) and edges (tail, head, attributes) of a DOT text we rendered."""
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    for line in text.splitlines():
        edge = _EDGE.match(line)
        if edge:
            edges.append((_unquote(f'"{edge.group(1)}"'), _unquote(f'"{edge.group(2)}"'), _attrs(edge.group(3))))
            continue
        node = _NODE.match(line)
        if node:
            nodes[_unquote(f'"{node.group(1)}"')] = _attrs(node.group(2))
    return nodes, edges


def graph_of(root: Path, config: Config | None = None) -> StackGraph:
    config = config or Config()
    return build_graph(build_project(root, config), check(root, config))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _edge(graph: StackGraph, source: str, target: str) -> Any:
    src, dst = graph.find("service", source), graph.find("service", target)
    assert src is not None
    assert dst is not None
    (edge,) = [e for e in graph.edges if e.source == src.id and e.target == dst.id]
    return edge


# --- the model --------------------------------------------------------------------------------


def test_incident_graph_model() -> None:
    graph = graph_of(INCIDENT)
    services = {n.name for n in graph.nodes if n.kind == "service"}
    assert services == {
        "api-gateway",
        "airtable-gateway",
        "llm-orchestrator",
        "llm-worker",
        "mcp-server",
        "postgres",
        "redis",
    }
    assert {n.name for n in graph.nodes if n.kind == "volume"} == {"pgdata", "redisdata"}
    assert [c.title for c in graph.clusters] == ["docker-compose.yml"]
    api = graph.find("service", "api-gateway")
    assert api is not None
    assert api.details == ("build: ./api-gateway", "ports: ${API_GATEWAY_PORT:-8000}:8000")
    postgres = graph.find("service", "postgres")
    assert postgres is not None
    assert postgres.details == ("image: postgres:16",)
    mcp = graph.find("service", "mcp-server")
    assert mcp is not None
    assert mcp.details == ("build: ./mcp-server", "ports: 127.0.0.1:8001:8001")
    airtable = graph.find("service", "airtable-gateway")
    assert airtable is not None
    assert airtable.severity is Severity.ERROR
    assert any(f.code == "PF201" and "AIRTABLE_BASE_ID" in f.message for f in airtable.findings)
    broken = _edge(graph, "llm-orchestrator", "mcp-server")
    assert broken.broken
    assert broken.kind == "depends_on"
    assert broken.label == "service_healthy (PF103)"
    assert [f.code for f in broken.findings] == ["PF103"]
    healthy = _edge(graph, "api-gateway", "redis")
    assert (healthy.broken, healthy.label, healthy.findings) == (False, "service_healthy", ())
    assert _edge(graph, "api-gateway", "llm-orchestrator").label == "service_started"
    depends = [e for e in graph.edges if e.kind == "depends_on"]
    assert len(depends) == 10
    volume_edges = {
        (graph.node(e.source).name, graph.node(e.target).name, e.label) for e in graph.edges if e.kind == "volume"
    }
    assert volume_edges == {("postgres", "pgdata", "/var/lib/postgresql/data"), ("redis", "redisdata", "/data")}


def test_fixed_incident_has_no_red() -> None:
    graph = graph_of(FIXED)
    assert all(n.severity is not Severity.ERROR for n in graph.nodes)
    assert not any(e.broken for e in graph.edges)
    assert RED not in render_dot(graph)


def test_undefined_service_and_undeclared_volume_are_broken(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: nginx:1.27\n    depends_on: [db]\n    volumes:\n      - data:/srv/data\n",
        encoding="utf-8",
    )
    graph = graph_of(tmp_path)
    missing = graph.find("missing", "db")
    assert missing is not None
    assert missing.details == ("undefined service",)
    api = graph.find("service", "api")
    assert api is not None
    (to_db,) = [e for e in graph.edges if e.target == missing.id]
    assert to_db.broken
    assert to_db.source == api.id
    assert "PF102" in to_db.label
    volume = graph.find("volume", "data")
    assert volume is not None
    assert volume.details == ("not declared under `volumes:`",)
    (to_volume,) = [e for e in graph.edges if e.target == volume.id]
    assert to_volume.broken
    assert "PF107" in to_volume.label
    nodes, edges = parse_dot(render_dot(graph))
    assert nodes[missing.id]["color"] == RED
    assert "dashed" in nodes[missing.id]["style"]
    assert (missing.undefined, volume.undefined) == (True, True)
    assert nodes[volume.id]["color"] == RED
    assert nodes[volume.id]["style"] == "filled,dashed"
    assert {(t, h): a["color"] for t, h, a in edges} == {(api.id, missing.id): RED, (api.id, volume.id): RED}


def test_warning_is_orange(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n      X: ${NOT_SET_ANYWHERE}\n", encoding="utf-8"
    )
    (tmp_path / "preflight.toml").write_text('[severity]\nPF201 = "warning"\n', encoding="utf-8")
    from preflight.config import load_config

    graph = graph_of(tmp_path, load_config(tmp_path))
    web = graph.find("service", "web")
    assert web is not None
    assert web.severity is Severity.WARNING
    nodes, _ = parse_dot(render_dot(graph))
    assert nodes[web.id]["color"] == ORANGE
    assert "PF201 variable `NOT_SET_ANYWHERE` is not set" in nodes[web.id]["label"]


def test_pf203_findings_become_a_red_edge_from_the_env_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n", encoding="utf-8")
    (tmp_path / ".env").write_text("API_URL=http://x\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("import os\nos.environ['API_URL']\n", encoding="utf-8")
    finding = Diagnostic(
        "PF203",
        "container-env-missing",
        Severity.ERROR,
        '`API_URL` is read here, but the container of service "web" does not receive it',
        Span("app.py", 2, 1, 2, 22),
        service="web",
        related=(Related(Span(".env", 1, 1), "`API_URL` is set here, for compose interpolation only"),),
    )
    graph = build_graph(build_project(tmp_path, Config()), Report([finding]))
    env, web = graph.find("env", ".env"), graph.find("service", "web")
    assert env is not None
    assert web is not None
    (edge,) = [e for e in graph.edges if e.kind == "env"]
    assert (edge.source, edge.target, edge.broken, edge.label) == (env.id, web.id, True, "PF203 API_URL")
    assert web.severity is Severity.ERROR
    nodes, edges = parse_dot(render_dot(graph))
    assert edges == [(env.id, web.id, edges[0][2])]
    assert edges[0][2]["color"] == RED
    assert edges[0][2]["style"] == "dashed"
    assert "does not receive it" in nodes[web.id]["tooltip"]
    assert "http://x" not in render_dot(graph) + render_mermaid(graph)


def test_pf203_edges_in_the_incident() -> None:
    report = check(INCIDENT, Config())
    graph = build_graph(build_project(INCIDENT, Config()), report)
    pf203 = [d for d in report.diagnostics if d.code == "PF203" and d.service is not None]
    env_edges = [e for e in graph.edges if e.kind == "env"]
    assert len(env_edges) == len(pf203)
    assert sorted(graph.node(e.target).name for e in env_edges) == sorted(str(d.service) for d in pf203)
    assert ("api-gateway", "PF203 REDIS_PASSWORD") in {(graph.node(e.target).name, e.label) for e in env_edges}
    env = graph.find("env", ".env")
    assert env is not None
    assert all(e.source == env.id and e.broken for e in graph.edges if e.kind == "env")


def test_interpolated_labels_are_shown_as_written(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        'services:\n  app:\n    image: ${REGISTRY}/app:${TAG:-dev}\n    ports:\n      - "${APP_PORT}:80"\n'
        "    environment:\n      PASSWORD: ${DB_PASSWORD}\n",
        encoding="utf-8",
    )
    (tmp_path / ".env").write_text(
        "REGISTRY=registry.internal.example\nTAG=v42secret\nAPP_PORT=18080\nDB_PASSWORD=hunter2hunter2\n",
        encoding="utf-8",
    )
    graph = graph_of(tmp_path)
    app = graph.find("service", "app")
    assert app is not None
    assert app.details == ("image: ${REGISTRY}/app:${TAG:-dev}", "ports: ${APP_PORT}:80")
    for text in (render_dot(graph), render_mermaid(graph)):
        for value in ("registry.internal.example", "v42secret", "18080", "hunter2hunter2"):
            assert value not in text


def test_monorepo_gets_one_cluster_per_project(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n", encoding="utf-8")
    graph = graph_of(tmp_path)
    assert [c.title for c in graph.clusters] == ["a/compose.yaml", "b/compose.yaml"]
    webs = [n for n in graph.nodes if n.name == "web"]
    assert len(webs) == 2
    assert len({n.id for n in webs}) == 2
    assert {n.cluster for n in webs} == {0, 1}
    text = render_dot(graph)
    assert text.count("subgraph cluster_") == 2


# --- the renderers ----------------------------------------------------------------------------


def test_dot_of_the_incident_parses_back() -> None:
    graph = graph_of(INCIDENT)
    text = render_dot(graph)
    assert text == render_dot(graph_of(INCIDENT))  # deterministic
    nodes, edges = parse_dot(text)
    assert set(nodes) == {n.id for n in graph.nodes}
    by_name = {n.name: n.id for n in graph.nodes}
    airtable = nodes[by_name["airtable-gateway"]]
    assert airtable["color"] == RED
    assert airtable["penwidth"] == "2"
    assert airtable["label"].startswith("airtable-gateway\nbuild: ./airtable-gateway\n")
    assert "PF201 variable `AIRTABLE_BASE_ID` is not set;" in airtable["label"]
    assert (
        "PF201 [error] variable `AIRTABLE_BASE_ID` is not set; compose substitutes an empty string"
        in airtable["tooltip"]
    )
    assert nodes[by_name["postgres"]]["color"] == OK_COLOR
    assert nodes[by_name["pgdata"]]["shape"] == "cylinder"
    colours = {(t, h): a["color"] for t, h, a in edges}
    assert colours[(by_name["llm-orchestrator"], by_name["mcp-server"])] == BROKEN_COLOR
    assert colours[(by_name["api-gateway"], by_name["redis"])] == OK_COLOR
    labels = {(t, h): a.get("label") for t, h, a in edges}
    assert labels[(by_name["llm-orchestrator"], by_name["mcp-server"])] == "service_healthy (PF103)"
    assert labels[(by_name["postgres"], by_name["pgdata"])] == "/var/lib/postgresql/data"
    llm = nodes[by_name["llm-orchestrator"]]["label"]
    assert 'PF103 service "llm-orchestrator" waits for "mcp-server"' in llm  # quotes survive escaping


def test_mermaid_of_the_incident() -> None:
    graph = graph_of(INCIDENT)
    text = render_mermaid(graph)
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    assert lines[1] == '  subgraph cluster_0["docker-compose.yml"]'
    ids = {n.name: n.id for n in graph.nodes}
    assert f'    {ids["postgres"]}["postgres<br/>image: postgres:16"]' in lines
    assert f'    {ids["pgdata"]}[("pgdata")]' in lines
    assert f'  {ids["api-gateway"]} -->|"service_healthy"| {ids["redis"]}' in lines
    (error_class,) = [line for line in lines if line.startswith("  class ") and line.endswith(" error;")]
    assert ids["airtable-gateway"] in error_class.split()[1].split(",")
    assert f"  classDef error fill:#ffebee,stroke:{RED},stroke-width:2px,color:#000;" in lines
    broken = [i for i, e in enumerate(graph.edges) if e.broken]
    styled = [int(m.group(1)) for m in re.finditer(r"^  linkStyle (\d+) stroke:" + RED, text, re.MULTILINE)]
    assert styled == broken
    assert broken
    assert '"' not in "".join(line.split('"', 1)[1].rsplit('"', 1)[0] for line in lines if '["' in line)
    assert "#quot;llm-orchestrator#quot;" in text
    assert text == render_mermaid(graph_of(INCIDENT))


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_graphviz
def test_graphviz_renders_the_incident(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dot_file, png = tmp_path / "incident.dot", tmp_path / "incident.png"
    code, out, _ = run(capsys, "graph", "--format", "dot", "-o", str(dot_file), str(INCIDENT))
    assert (code, out) == (0, "")
    assert DOT is not None
    subprocess.run([DOT, "-Tpng", str(dot_file), "-o", str(png)], check=True, timeout=60, capture_output=True)
    data = png.read_bytes()
    width, height = _png_size(data)
    assert 600 <= width <= 4000, (width, height)
    assert 300 <= height <= 3000, (width, height)
    assert len(data) > 20_000
    layout = json.loads(
        subprocess.run([DOT, "-Tjson", str(dot_file)], check=True, timeout=60, capture_output=True, text=True).stdout
    )
    objects = {o["_gvid"]: o for o in layout["objects"]}
    by_name = {o["name"]: o for o in layout["objects"]}
    assert by_name["c0_service_airtable_gateway"]["color"] == RED
    assert by_name["c0_service_postgres"]["color"] == OK_COLOR
    red_edges = {(objects[e["tail"]]["name"], objects[e["head"]]["name"]) for e in layout["edges"] if e["color"] == RED}
    assert ("c0_service_llm_orchestrator", "c0_service_mcp_server") in red_edges
    assert ("c0_service_api_gateway", "c0_service_redis") not in red_edges


# --- the command ------------------------------------------------------------------------------


def test_graph_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "graph", str(INCIDENT))
    assert (code, err) == (0, "")
    assert out == render_mermaid(graph_of(INCIDENT))
    code, out, _ = run(capsys, "graph", "--format", "dot", str(INCIDENT))
    assert code == 0
    assert out == render_dot(graph_of(INCIDENT), "preflight: incident")
    code, _, err = run(capsys, "graph", "--format", "png", str(INCIDENT))
    assert code == 2
    assert "png" in err
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x:1\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text(
        "services:\n  b:\n    image: x:1\n  c:\n    image: x:1\n    profiles: [debug]\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "graph", "-f", str(tmp_path / "other.yaml"), str(tmp_path))
    assert code == 0
    # every profile's services unless --profile narrows them; compose.yaml is not loaded
    assert '["b<br/>image: x:1"]' in out
    assert '["c<br/>image: x:1"]' in out
    assert '["a<br/>' not in out
    code, out, _ = run(capsys, "graph", "-f", str(tmp_path / "other.yaml"), "--profile", "web", str(tmp_path))
    assert code == 0
    assert '["b<br/>image: x:1"]' in out
    assert '["c<br/>' not in out


def test_no_secret_value_in_graphs(capsys: pytest.CaptureFixture[str]) -> None:
    values = [
        line.partition("=")[2]
        for line in (INCIDENT / ".env").read_text(encoding="utf-8").splitlines()
        if re.match(r"^\w*(PASSWORD|TOKEN|KEY)\w*=.", line)
    ]
    assert len(values) >= 3
    for output_format in ("mermaid", "dot"):
        _, out, _ = run(capsys, "graph", "--format", output_format, str(INCIDENT))
        assert not [v for v in values if v in out]


def test_findings_outside_services_go_to_a_note(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n", encoding="utf-8")
    (tmp_path / ".env").write_text("A=1\n", encoding="utf-8")
    (tmp_path / ".env.example").write_text("A=\nB=\n", encoding="utf-8")
    graph = graph_of(tmp_path)
    (note,) = [n for n in graph.nodes if n.kind == "note"]
    assert note.cluster == 0
    assert [(f.code, f.path, f.line) for f in note.findings] == [
        ("PF212", ".env.example", 1),  # nothing reads A or B
        ("PF206", ".env.example", 2),
        ("PF212", ".env.example", 2),
    ]
    assert note.severity is Severity.WARNING
    web = graph.find("service", "web")
    assert web is not None
    assert web.findings == ()
    nodes, _ = parse_dot(render_dot(graph))
    assert nodes[note.id]["shape"] == "note"
    assert nodes[note.id]["color"] == ORANGE
    assert "PF206 `B` is listed in the template .env.example" in nodes[note.id]["label"]
    assert nodes[web.id]["color"] == OK_COLOR


def test_dependency_outside_the_selected_profiles(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    depends_on: [debugger]\n"
        "  debugger:\n    image: busybox:1.36\n    profiles: [debug]\n",
        encoding="utf-8",
    )
    graph = graph_of(tmp_path, Config(profiles=("web",)))
    assert graph.find("service", "debugger") is None
    inactive = graph.find("inactive", "debugger")
    assert inactive is not None
    assert inactive.details == ("not in the selected profiles",)
    assert not inactive.undefined
    nodes, edges = parse_dot(render_dot(graph))
    assert "dashed" in nodes[inactive.id]["style"]
    assert [(h, a["label"]) for _, h, a in edges] == [(inactive.id, "service_started")]


def test_colours_follow_the_service_verdicts() -> None:
    graph = graph_of(INCIDENT)
    verdicts = {n.name: n.verdict for n in graph.nodes if n.kind == "service"}
    assert verdicts == {
        "airtable-gateway": "would not start",
        "api-gateway": "would not start",
        "llm-orchestrator": "would not start",
        "llm-worker": "would not start",
        "mcp-server": "would not start",
        "postgres": "up",
        "redis": "would not become healthy",
    }
    nodes, _ = parse_dot(render_dot(graph))
    by_name = {n.name: n.id for n in graph.nodes}
    assert nodes[by_name["redis"]]["color"] == ORANGE  # starts, never healthy: its PF203 is an error
    assert nodes[by_name["llm-worker"]]["color"] == RED
    assert "would not become healthy" in nodes[by_name["redis"]]["label"]
    assert nodes[by_name["postgres"]]["color"] == OK_COLOR
    assert all(n.verdict == "up" for n in graph_of(FIXED).nodes if n.kind == "service")
