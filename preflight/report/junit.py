"""JUnit XML output for CI dashboards that chart test results.

A ``testsuites`` root holds one ``testsuite`` per file with findings (named by its path),
and each unsuppressed finding is a ``testcase`` with a ``failure``. A run without findings
yields a single passing ``preflight`` test case, so dashboards show a green run rather than
an empty one. Suppressed findings are left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from preflight.diagnostics import Diagnostic, Report

__all__ = ["render_junit"]

_SUITE_NAME = "preflight"
# Characters XML 1.0 cannot carry at all, even escaped (and lone surrogates).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    def visible(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVALID_XML.sub(visible, text)


def _element(parent: ET.Element, tag: str, attrib: dict[str, str], text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, tag, {key: _xml_safe(value) for key, value in attrib.items()})
    if text is not None:
        child.text = _xml_safe(text)
    return child


def _failure_body(d: Diagnostic) -> str:
    lines = [f"{d.span.path}:{d.span.line}:{d.span.col}: {d.severity.value}[{d.code}] {d.message}"]
    if d.service is not None:
        lines.append(f"service: {d.service}")
    if d.help:
        lines.append(f"help: {d.help}")
    lines.extend(f"note: {r.span.path}:{r.span.line}:{r.span.col}: {r.message}" for r in d.related)
    return "\n".join(lines)


def _testcase(suite: ET.Element, d: Diagnostic) -> None:
    case = _element(
        suite,
        "testcase",
        {
            "classname": d.span.path,
            "name": f"{d.code} {d.name} at {d.span.line}:{d.span.col}",
            "file": d.span.path,
            "line": str(d.span.line),
        },
    )
    _element(case, "failure", {"message": d.message, "type": d.severity.value}, _failure_body(d))


def render_junit(report: Report) -> str:
    """Render the report as JUnit XML (UTF-8 declaration, LF-terminated).

    Every unsuppressed finding is a failed test case whose ``failure`` has the message,
    ``type`` set to the severity, and a body with the location, help and related notes.
    """
    diagnostics = sorted((d for d in report.diagnostics if not d.suppressed), key=Diagnostic.sort_key)
    root = ET.Element(
        "testsuites",
        {
            "name": _SUITE_NAME,
            "tests": str(max(1, len(diagnostics))),
            "failures": str(len(diagnostics)),
            "errors": "0",
        },
    )
    if not diagnostics:
        suite = _element(
            root,
            "testsuite",
            {"name": _SUITE_NAME, "tests": "1", "failures": "0", "errors": "0", "skipped": "0"},
        )
        _element(suite, "testcase", {"classname": _SUITE_NAME, "name": _SUITE_NAME})
    for path, group in groupby(diagnostics, key=lambda d: d.span.path):
        findings = list(group)
        count = str(len(findings))
        suite = _element(
            root,
            "testsuite",
            {"name": path, "tests": count, "failures": count, "errors": "0", "skipped": "0"},
        )
        for d in findings:
            _testcase(suite, d)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
