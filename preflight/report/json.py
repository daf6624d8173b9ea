"""The JSON report (`version` 1), a stable machine-readable shape."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from preflight import __version__
from preflight.diagnostics import Diagnostic, Report, Severity

if TYPE_CHECKING:
    from preflight.verdict import StackVerdict, StepVerdict


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


def _step_dict(step: StepVerdict) -> dict[str, object]:
    return {
        "outcome": step.outcome.name.lower(),
        "findings": [
            {"code": d.code, "path": d.span.path, "line": d.span.line, "column": d.span.col} for d in step.findings
        ],
        "blocked_by": list(step.blocked_by),
    }


def services_dict(verdict: StackVerdict) -> list[dict[str, object]]:
    """The per-service verdicts in the JSON shape."""
    return [
        {
            "name": s.name,
            "project": s.project,
            "build": _step_dict(s.build),
            "start": _step_dict(s.start),
            "healthy": _step_dict(s.healthy),
            "up": s.up,
        }
        for s in verdict.services
    ]


def render_json(report: Report) -> str:
    """Render the whole report as a JSON document."""
    from preflight.verdict import stack_verdict

    verdict = stack_verdict(report.diagnostics, report.services)
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
        "services": services_dict(verdict),
        "checked": list(report.targets or ()),
        "stack": {
            "summary": verdict.summary(),
            "services": len(verdict.services),
            "not_starting": sum(1 for s in verdict.services if not s.starts),
            "not_healthy": sum(1 for s in verdict.services if s.starts and not s.up),
            "refused_by": sorted({d.code for d in verdict.refused}),
        },
    }
    return json.dumps(document, indent=2) + "\n"
