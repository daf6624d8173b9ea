"""The JSON report (`version` 1), a stable machine-readable shape."""

from __future__ import annotations

import json

from preflight import __version__
from preflight.diagnostics import Diagnostic, Report, Severity


def diagnostic_dict(d: Diagnostic) -> dict[str, object]:
    """One diagnostic in the JSON shape."""
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "help": d.help,
        "path": d.span.path,
        "line": d.span.line,
        "column": d.span.col,
        "end_line": d.span.end_line,
        "end_column": d.span.end_col,
        "service": d.service,
        "related": [
            {"path": r.span.path, "line": r.span.line, "column": r.span.col, "message": r.message} for r in d.related
        ],
    }


def render_json(report: Report) -> str:
    """Render the whole report as a JSON document."""
    document = {
        "version": 1,
        "tool": {"name": "preflight", "version": __version__},
        "diagnostics": [diagnostic_dict(d) for d in report.diagnostics],
        "summary": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "info": report.count(Severity.INFO),
            "suppressed": len(report.suppressed),
            "files": report.files_checked,
        },
    }
    return json.dumps(document, indent=2) + "\n"
