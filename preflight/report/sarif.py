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
    "INFORMATION_URI",
    "SARIF_SCHEMA_URI",
    "SARIF_VERSION",
    "SRCROOT",
    "artifact_uri",
    "render_sarif",
    "sarif_level",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/preflight-dev/preflight"
SRCROOT = "%SRCROOT%"
TOOL_NAME = "preflight"
SUPPRESSION_JUSTIFICATION = "Suppressed in source by a preflight ignore comment."

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
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


def _rule_tags(rule: type[Rule]) -> list[str]:
    """Tags from an optional ``tags`` class attribute (an iterable of strings)."""
    raw: object = getattr(rule, "tags", None)
    if isinstance(raw, str) or not isinstance(raw, (list, tuple, set, frozenset)):
        return []
    return sorted({tag for tag in raw if isinstance(tag, str) and tag})


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
    }
    if doc:
        descriptor["help"] = {"text": doc, "markdown": doc}
    tags = _rule_tags(rule)
    if tags:
        descriptor["properties"] = {"tags": tags}
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


def _physical_location(span: Span) -> _Json:
    return {
        "artifactLocation": {"uri": artifact_uri(span.path), "uriBaseId": SRCROOT},
        "region": _region(span),
    }


def _related_locations(related: Iterable[Related]) -> list[_Json]:
    return [
        {
            "id": index,
            "physicalLocation": _physical_location(item.span),
            "message": {"text": item.message},
        }
        for index, item in enumerate(related, start=1)
    ]


def _message_text(d: Diagnostic) -> str:
    return f"{d.message}\nhelp: {d.help}" if d.help else d.message


def _result(d: Diagnostic, rule_index: int, fp: str) -> _Json:
    result: _Json = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": sarif_level(d.severity),
        "message": {"text": _message_text(d)},
        "locations": [{"physicalLocation": _physical_location(d.span)}],
    }
    if d.related:
        result["relatedLocations"] = _related_locations(d.related)
    result["partialFingerprints"] = {FINGERPRINT_KEY: fp}
    if d.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": SUPPRESSION_JUSTIFICATION}]
    if d.service is not None:
        result["properties"] = {"service": d.service}
    return result


def _srcroot(root_uri: str | None) -> _Json:
    base: _Json = {"description": {"text": "The root of the checked repository."}}
    if root_uri is not None:
        base["uri"] = root_uri if root_uri.endswith("/") else root_uri + "/"
    return base


def render_sarif(
    report: Report,
    rules: Sequence[type[Rule]],
    tool_version: str,
    *,
    line_text: LineText | None = None,
    root_uri: str | None = None,
) -> str:
    """Render the report as a SARIF 2.1.0 log (JSON text, LF-terminated).

    ``rules`` are the rule classes that were run; each becomes a ``reportingDescriptor``.
    ``line_text`` is passed to :func:`preflight.report.fingerprint.fingerprints` so the
    partial fingerprints match a baseline written with the same reader. ``root_uri``, an
    absolute ``file:`` URI of the checked root, is recorded as ``%SRCROOT%`` when given
    (leave it out for reproducible output; GitHub does not need it).
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
    results = [_result(d, index_of[d.code], fp) for d, fp in ordered]

    log: _Json = {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {SRCROOT: _srcroot(root_uri)},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
