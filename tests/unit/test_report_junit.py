"""JUnit XML renderer: parsed back with ElementTree, counts and attributes checked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from preflight.diagnostics import Diagnostic, Related, Report, Severity, Span
from preflight.report.junit import render_junit


def _parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert text.endswith("\n")
    return ET.fromstring(text.encode("utf-8"))  # noqa: S314 - our own output


def _report() -> Report:
    return Report(
        diagnostics=[
            Diagnostic(
                "PF201",
                "undefined-env-var",
                Severity.ERROR,
                "`DATABASE_URL` is read but not defined",
                Span("app/settings.py", 12, 5, 12, 31),
                help="add it to `environment`",
                service="web",
                related=(Related(Span("compose.yaml", 4, 3, 4, 6), "service `web` defined here"),),
            ),
            Diagnostic(
                "PF101",
                "latest-tag",
                Severity.WARNING,
                "image `redis:latest` is not pinned",
                Span("compose.yaml", 9, 12, 9, 24),
            ),
            Diagnostic(
                "PF102",
                "no-healthcheck",
                Severity.INFO,
                "service `cache` has no healthcheck",
                Span("compose.yaml", 8, 3, 8, 8),
            ),
        ],
        suppressed=[
            Diagnostic(
                "PF101",
                "latest-tag",
                Severity.WARNING,
                "suppressed one",
                Span("other.yaml", 1, 1, 1, 2),
                suppressed=True,
            )
        ],
        files_checked=4,
    )


def test_structure_and_counts() -> None:
    root = _parse(render_junit(_report()))
    assert root.tag == "testsuites"
    assert root.attrib == {"name": "preflight", "tests": "3", "failures": "3", "errors": "0"}
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["app/settings.py", "compose.yaml"]
    assert [(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) for s in suites] == [
        ("1", "1", "0", "0"),
        ("2", "2", "0", "0"),
    ]
    compose_cases = suites[1].findall("testcase")
    # Sorted by position within the file; suppressed findings are not listed.
    assert [c.get("name") for c in compose_cases] == [
        "PF102 no-healthcheck at 8:3",
        "PF101 latest-tag at 9:12",
    ]
    assert all(c.get("classname") == "compose.yaml" for c in compose_cases)
    assert "other.yaml" not in render_junit(_report())


def test_failure_element() -> None:
    root = _parse(render_junit(_report()))
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.attrib == {
        "classname": "app/settings.py",
        "name": "PF201 undefined-env-var at 12:5",
        "file": "app/settings.py",
        "line": "12",
    }
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib == {"message": "`DATABASE_URL` is read but not defined", "type": "error"}
    assert failure.text == (
        "app/settings.py:12:5: error[PF201] `DATABASE_URL` is read but not defined\n"
        "service: web\n"
        "help: add it to `environment`\n"
        "note: compose.yaml:4:3: service `web` defined here"
    )
    types = [f.get("type") for f in root.iter("failure")]
    assert types == ["error", "info", "warning"]


def test_no_findings_is_one_passing_case() -> None:
    for report in (Report(files_checked=5), Report(suppressed=_report().suppressed)):
        root = _parse(render_junit(report))
        assert root.attrib == {"name": "preflight", "tests": "1", "failures": "0", "errors": "0"}
        suites = root.findall("testsuite")
        assert len(suites) == 1
        assert suites[0].get("tests") == "1"
        assert suites[0].get("failures") == "0"
        cases = suites[0].findall("testcase")
        assert [(c.get("classname"), c.get("name")) for c in cases] == [("preflight", "preflight")]
        assert list(cases[0]) == []


def test_special_characters_survive() -> None:
    message = "a < b && c > \"d\" 'e' ]]> \x01bell\x1b tab\there\nnext"
    diag = Diagnostic(
        "PF1",
        "x<y>",
        Severity.ERROR,
        message,
        Span('we"ird&<path>.yaml', 2, 3, 2, 4),
        help="<help> & \ud800",
    )
    text = render_junit(Report(diagnostics=[diag]))
    root = _parse(text)
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == 'we"ird&<path>.yaml'
    case = suite.find("testcase")
    assert case is not None
    assert case.get("name") == "PF1 x<y> at 2:3"
    failure = case.find("failure")
    assert failure is not None
    # Characters XML cannot carry are made visible; everything else round-trips exactly.
    assert failure.get("message") == message.replace("\x01", "\\x01").replace("\x1b", "\\x1b")
    assert failure.text is not None
    assert "help: <help> & \\ud800" in failure.text


def test_deterministic() -> None:
    report = _report()
    shuffled = Report(diagnostics=list(reversed(report.diagnostics)), suppressed=report.suppressed)
    assert render_junit(report) == render_junit(shuffled)
