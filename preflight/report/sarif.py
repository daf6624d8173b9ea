"""SARIF 2.1.0 output, shaped for GitHub code scanning.

One run; ``tool.driver.rules`` describes every rule that was run (plus a minimal descriptor
for any diagnostic code without a rule class, so that every ``ruleIndex`` resolves). Paths
are relative to ``%SRCROOT%``; each result carries a line-independent partial fingerprint
(see :mod:`preflight.report.fingerprint`). Findings suppressed in source are included with
an ``inSource`` suppression, as GitHub expects. The output is deterministic: rules sorted by
id, results by location, keys in a fixed order.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import quote

from preflight.diagnostics import Diagnostic, Related, Report, Severity, Span
from preflight.report.fingerprint import FINGERPRINT_KEY, LineText, fingerprints

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from preflight.rules.base import Rule

__all__ = [
    "DOCS_URI",
    "INFORMATION_URI",
    "SARIF_SCHEMA_URI",
    "SARIF_VERSION",
    "SRCROOT",
    "artifact_uri",
    "render_sarif",
    "render_sarif_failure",
    "rule_help_uri",
    "sarif_level",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/preflight-dev/preflight"
DOCS_URI = f"{INFORMATION_URI}/blob/main/docs/rules"
"""Where `docs/rules/PFnnn.md` (generated from the rule docstrings) is published."""
SRCROOT = "%SRCROOT%"
TOOL_NAME = "preflight"
SUPPRESSION_JUSTIFICATION = "Suppressed in source by a preflight ignore comment."

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning's `problem.severity` for alerts that are not security alerts
_PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")

_Json = dict[str, object]


def sarif_level(severity: Severity) -> str:
    """The SARIF ``level`` for a severity: error, warning, or note for info."""
    return _LEVELS[severity]


def _doc_section(doc: str, title: str) -> str:
    """The body of the markdown section headed ``## {title}``, stripped ("" if absent)."""
    body: list[str] = []
    inside = False
    in_fence = False
    for line in doc.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            if inside:
                break
            inside = heading.group(1).strip().lower() == title.lower()
            continue
        if inside:
            body.append(line)
    return "\n".join(body).strip()


def _first_paragraph(text: str) -> str:
    paragraph: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    return " ".join(paragraph)


def _short_description(rule: type[Rule]) -> str:
    summary = rule.summary().strip()
    if summary and not summary.startswith("#"):
        return summary
    return _first_paragraph(_doc_section(rule.doc(), "What it does")) or rule.name


def rule_help_uri(rule_id: str) -> str:
    """The rule's documentation page."""
    return f"{DOCS_URI}/{quote(rule_id)}.md"


def _rule_tags(rule: type[Rule]) -> list[str]:
    """The rule's family (``compose``, ``env``, ...) and its own ``tags``; GitHub filters by them."""
    raw: object = rule.tags
    own = () if isinstance(raw, str) or not isinstance(raw, (list, tuple, set, frozenset)) else raw
    family = rule.family()
    return sorted({tag for tag in (*own, *([family] if family else [])) if isinstance(tag, str) and tag})


def _rule_properties(rule: type[Rule]) -> _Json:
    properties: _Json = {}
    tags = _rule_tags(rule)
    if tags:
        properties["tags"] = tags
    properties["precision"] = rule.precision
    if rule.security_severity is not None:
        # GitHub reads it as a string holding a number from 0.0 to 10.0
        properties["security-severity"] = f"{rule.security_severity:.1f}"
    else:
        properties["problem.severity"] = _PROBLEM_SEVERITY[rule.severity]
    return properties


def _rule_descriptor(rule: type[Rule]) -> _Json:
    doc = rule.doc()
    short = _short_description(rule)
    full = _first_paragraph(_doc_section(doc, "What it does")) or short
    descriptor: _Json = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
        "helpUri": rule_help_uri(rule.id),
    }
    if doc:
        descriptor["help"] = {"text": doc, "markdown": doc}
    descriptor["properties"] = _rule_properties(rule)
    return descriptor


def _fallback_descriptor(d: Diagnostic) -> _Json:
    """A descriptor for a code no rule class was given for (parse errors and the like)."""
    return {
        "id": d.code,
        "name": d.name,
        "shortDescription": {"text": d.name},
        "defaultConfiguration": {"level": sarif_level(d.severity)},
    }


def artifact_uri(path: str) -> str:
    """A relative POSIX path as a relative URI reference: percent-encoded UTF-8.

    Spaces, ``%``, ``#``, ``?``, ``:`` and non-ASCII characters are encoded (a ``:`` could
    otherwise read as a URI scheme); ``/`` and the other path-safe characters are kept.
    """
    return quote(path, safe="/!$&'()*+,;=@")


def _region(span: Span) -> _Json:
    start_line = max(1, span.line)
    region: _Json = {"startLine": start_line}
    if span == Span.whole_file(span.path):
        return region
    start_col = max(1, span.col)
    end_line = max(start_line, span.end_line)
    region["startColumn"] = start_col
    region["endLine"] = end_line
    # endColumn is exclusive in SARIF as in Span; an empty or unknown end is left out,
    # which SARIF reads as "to the end of endLine".
    if (end_line > start_line and span.end_col >= 1) or span.end_col > start_col:
        region["endColumn"] = span.end_col
    return region


def _physical_location(span: Span, prefix: str) -> _Json:
    return {
        "artifactLocation": {"uri": artifact_uri(prefix + span.path), "uriBaseId": SRCROOT},
        "region": _region(span),
    }


def _related_locations(related: Iterable[Related], prefix: str) -> list[_Json]:
    return [
        {
            "id": index,
            "physicalLocation": _physical_location(item.span, prefix),
            "message": {"text": item.message},
        }
        for index, item in enumerate(related, start=1)
    ]


def _result(d: Diagnostic, rule_index: int, fp: str, prefix: str) -> _Json:
    result: _Json = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": sarif_level(d.severity),
        "message": {"text": d.message},
        "locations": [{"physicalLocation": _physical_location(d.span, prefix)}],
    }
    if d.related:
        result["relatedLocations"] = _related_locations(d.related, prefix)
    result["partialFingerprints"] = {FINGERPRINT_KEY: fp}
    if d.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": SUPPRESSION_JUSTIFICATION}]
    properties: _Json = {}
    if d.service is not None:
        properties["service"] = d.service
    if d.help:
        # the rule's help page explains the fix in general; this is the finding's own advice
        properties["help"] = d.help
    if properties:
        result["properties"] = properties
    return result


def _srcroot(root_uri: str | None) -> _Json:
    base: _Json = {"description": {"text": "The root of the checked repository."}}
    if root_uri is not None:
        base["uri"] = root_uri if root_uri.endswith("/") else root_uri + "/"
    return base


def _driver(tool_version: str, descriptors: list[_Json]) -> _Json:
    return {
        "driver": {
            "name": TOOL_NAME,
            "version": tool_version,
            "semanticVersion": tool_version,
            "informationUri": INFORMATION_URI,
            "rules": descriptors,
        }
    }


def _dump(run: _Json) -> str:
    log: _Json = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_sarif_failure(message: str, tool_version: str, exit_code: int, *, root_uri: str | None = None) -> str:
    """A SARIF log for a check that could not run (a usage, config or internal error).

    It has no results and one run-level error notification, so an upload step that always
    runs still has a valid file, and code scanning shows why the check did not run.
    """
    run: _Json = {
        "tool": _driver(tool_version, []),
        "invocations": [
            {
                "executionSuccessful": False,
                "exitCode": exit_code,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
            }
        ],
        "originalUriBaseIds": {SRCROOT: _srcroot(root_uri)},
        "columnKind": "unicodeCodePoints",
        "results": [],
    }
    return _dump(run)


def render_sarif(
    report: Report,
    rules: Sequence[type[Rule]],
    tool_version: str,
    *,
    line_text: LineText | None = None,
    root_uri: str | None = None,
    path_prefix: str = "",
    exit_code: int | None = None,
) -> str:
    """Render the report as a SARIF 2.1.0 log (JSON text, LF-terminated).

    ``rules`` are the rule classes that were run; each becomes a ``reportingDescriptor``.
    ``line_text`` is passed to :func:`preflight.report.fingerprint.fingerprints` so the
    partial fingerprints match a baseline written with the same reader. ``root_uri``, an
    absolute ``file:`` URI of the checked root, is recorded as ``%SRCROOT%`` when given
    (leave it out for reproducible output). ``path_prefix`` is put before every artifact
    path (the checked folder's place below ``root_uri``); fingerprints do not include it, so
    they still match a baseline. ``exit_code``, when given, is recorded in the invocation.
    """
    descriptors: list[_Json] = []
    index_of: dict[str, int] = {}
    for rule in sorted({r.id: r for r in rules}.values(), key=lambda r: r.id):
        index_of[rule.id] = len(descriptors)
        descriptors.append(_rule_descriptor(rule))

    # Entries of Report.suppressed may not carry the flag themselves.
    every = list(report.diagnostics) + [replace(d, suppressed=True) for d in report.suppressed]
    for d in sorted(every, key=Diagnostic.sort_key):
        if d.code not in index_of:
            index_of[d.code] = len(descriptors)
            descriptors.append(_fallback_descriptor(d))

    fps = fingerprints(report.diagnostics, line_text) + fingerprints(report.suppressed, line_text)
    ordered = sorted(zip(every, fps, strict=True), key=lambda pair: (pair[0].sort_key(), pair[0].suppressed))
    results = [_result(d, index_of[d.code], fp, path_prefix) for d, fp in ordered]
    invocation: _Json = {"executionSuccessful": True}
    if exit_code is not None:
        invocation["exitCode"] = exit_code
    if report.unused_suppressions:
        # stale `# preflight: ignore` comments: worth a look, not a finding
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {"text": f"`{comment}` suppresses nothing; remove it"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(path_prefix + rel), "uriBaseId": SRCROOT},
                            "region": {"startLine": line},
                        }
                    }
                ],
            }
            for rel, line, comment in report.unused_suppressions
        ]
    run: _Json = {
        "tool": _driver(tool_version, descriptors),
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: _srcroot(root_uri)},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return _dump(run)
