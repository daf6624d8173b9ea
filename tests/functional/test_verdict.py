"""The verdict per service: would it build, start, become healthy, and the findings that decide it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from preflight.cli import main

if TYPE_CHECKING:
    import pytest

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "incident"
FIXED = REPO / "examples" / "incident-fixed"


def check_json(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--format", "json", *args, str(root)])
    return code, json.loads(capsys.readouterr().out)


def _table(doc: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    services = doc["services"]
    assert isinstance(services, list)
    return {s["name"]: (s["build"]["outcome"], s["start"]["outcome"], s["healthy"]["outcome"]) for s in services}


def _codes(doc: dict[str, Any], name: str, step: str) -> list[str]:
    services = doc["services"]
    assert isinstance(services, list)
    (service,) = [s for s in services if s["name"] == name]
    return [f["code"] for f in service[step]["findings"]]


def test_incident_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = check_json(capsys, INCIDENT)
    assert code == 1
    assert _table(doc) == {
        "api-gateway": ("ok", "fail", "not_applicable"),
        "airtable-gateway": ("fail", "not_applicable", "not_applicable"),
        "llm-orchestrator": ("fail", "fail", "not_applicable"),
        "llm-worker": ("ok", "fail", "not_applicable"),
        "mcp-server": ("ok", "fail", "not_applicable"),
        "postgres": ("not_applicable", "ok", "ok"),
        "redis": ("not_applicable", "ok", "fail"),
    }
    # the outage's three causes decide the verdicts
    assert _codes(doc, "airtable-gateway", "build") == ["PF302"]  # -e ../pyairtable-common
    assert _codes(doc, "api-gateway", "start") == ["PF402", "PF402", "PF203"]  # config, telemetry
    assert _codes(doc, "redis", "healthy") == ["PF203"]  # REDIS_PASSWORD never reaches redis
    assert "PF103" in _codes(doc, "llm-orchestrator", "start")  # waits for mcp-server's health check
    assert doc["stack"] == {
        "summary": "5 of 7 services would not start, 1 would start but not become healthy",
        "services": 7,
        "not_starting": 5,
        "not_healthy": 1,
        "refused_by": [],
    }
    # the existing keys stay
    assert list(doc)[:4] == ["version", "tool", "diagnostics", "summary"]


def test_fixed_incident_is_all_up(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = check_json(capsys, FIXED)
    assert code == 0
    services = doc["services"]
    assert isinstance(services, list)
    assert len(services) == 7
    assert all(s["up"] for s in services)
    assert all(s["build"]["outcome"] in ("ok", "not_applicable") for s in services)
    assert all(s["start"]["outcome"] == "ok" for s in services)
    assert doc["stack"]["summary"] == "all 7 services would start and become healthy"
    assert main(["check", str(FIXED)]) == 0
    assert capsys.readouterr().out == "All checks passed (14 files read).\n"  # no table when all is well


def test_text_report_ends_with_the_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-color", str(INCIDENT)]) == 1
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("Services:")
    table = lines[start + 1 : start + 8]
    assert table == [
        "  api-gateway       build ok    start FAIL  healthy -     "
        "PF402 module-not-copied (2), PF203 container-env-missing",
        "  airtable-gateway  build FAIL  start -     healthy -     PF302 requirement-outside-context",
        "  llm-orchestrator  build FAIL  start FAIL  healthy -     PF302 requirement-outside-context",
        "  llm-worker        build ok    start FAIL  healthy -     PF204 compose-time-expansion",
        "  mcp-server        build ok    start FAIL  healthy -     PF402 module-not-copied",
        "  postgres          build -     start ok    healthy ok",
        "  redis             build -     start ok    healthy FAIL  PF203 container-env-missing",
    ]
    assert lines[start + 8] == "5 of 7 services would not start, 1 would start but not become healthy."
    assert lines[-1].startswith("Found 12 errors")
    assert main(["check", "-q", str(INCIDENT)]) == 1
    assert "Services:" not in capsys.readouterr().out


def test_a_dependency_that_never_becomes_healthy_blocks_its_dependents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  db:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: x}\n"
        "    healthcheck:\n      test: [CMD-SHELL, 'pg_isready -U $$DB_USER']\n"
        "  api:\n    image: nginx:1.27\n    depends_on: {db: {condition: service_healthy}}\n"
        "  web:\n    image: nginx:1.27\n    depends_on: [api]\n",
        encoding="utf-8",
    )
    code, doc = check_json(capsys, tmp_path)
    assert code == 1, doc["diagnostics"]
    assert _table(doc)["db"] == ("not_applicable", "ok", "fail")
    services = {s["name"]: s for s in doc["services"]}
    assert services["api"]["start"] == {"outcome": "blocked", "findings": [], "blocked_by": ["db"]}
    assert services["web"]["start"]["outcome"] == "blocked"  # api never starts, web waits for it
    assert doc["stack"]["summary"] == "2 of 3 services would not start, 1 would start but not become healthy"


def test_a_project_compose_refuses_starts_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: nginx:1.27\n    depends_on: [nowhere]\n  db:\n    image: redis:7\n",
        encoding="utf-8",
    )
    code, doc = check_json(capsys, tmp_path)
    assert code == 1
    assert doc["stack"]["refused_by"] == ["PF102"]
    assert doc["stack"]["summary"] == "compose would refuse the project (PF102): 2 of 2 services would not start"
    assert _table(doc) == {
        "api": ("not_applicable", "fail", "not_applicable"),
        "db": ("not_applicable", "fail", "not_applicable"),
    }
    assert _codes(doc, "db", "start") == ["PF102"]


def test_warnings_decide_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n      X: ${NOT_SET}\n", encoding="utf-8"
    )
    code, doc = check_json(capsys, tmp_path, "--fail-on", "error")
    assert [d["code"] for d in doc["diagnostics"]] == ["PF201"]
    assert code == 1
    # an empty value may or may not matter: listed, but the service still comes up
    assert _table(doc) == {"web": ("not_applicable", "ok", "not_applicable")}


def test_in_a_monorepo_a_refused_project_stops_only_its_own_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, extra in (("a", "    depends_on: [nope]\n"), ("b", "")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text(
            "services:\n  web:\n    image: nginx:1.27\n" + extra, encoding="utf-8"
        )
    code, doc = check_json(capsys, tmp_path)
    assert code == 1
    services = doc["services"]
    assert isinstance(services, list)
    assert [(s["project"], s["name"], s["start"]["outcome"]) for s in services] == [
        ("a", "web", "fail"),
        ("b", "web", "ok"),
    ]
    assert doc["stack"]["summary"] == "compose would refuse a project (PF102): 1 of 2 services would not start"
    assert main(["check", "--no-color", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "  a/web  build -     start FAIL  healthy -     PF102 undefined-service\n" in out
