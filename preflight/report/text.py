"""The human-readable report: `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from preflight.diagnostics import Report, Severity

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    """`Found 2 errors, 1 warning (1 suppressed) in 7 files.` or the all-clear line."""
    errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(_plural(infos, "info"))
    suppressed = f" ({len(report.suppressed)} suppressed)" if report.suppressed else ""
    if not report.diagnostics:
        return f"All checks passed{suppressed} ({_plural(report.files_checked, 'file')} read)."
    return f"Found {', '.join(parts)}{suppressed} in {_plural(report.files_checked, 'file')}."


def render_text(report: Report, color: bool = False, quiet: bool = False, summary: bool = True) -> str:
    """Render the report; `quiet` prints the findings' first lines only, no summary."""
    lines: list[str] = []
    for d in report.diagnostics:
        sev = d.severity.value
        code = f"{_BOLD}{d.code}{_RESET}" if color else d.code
        sev_text = f"{_COLORS[d.severity]}[{sev}]{_RESET}" if color else f"[{sev}]"
        where = f"{d.span.path}:{d.span.line}:{d.span.col}"
        lines.append(f"{_BOLD + where + _RESET if color else where}: {code} {sev_text} {d.message}")
        if quiet:
            continue
        if d.help:
            lines.append(f"  {_DIM + 'help:' + _RESET if color else 'help:'} {d.help}")
        for rel in d.related:
            lines.append(f"  note: {rel.span.path}:{rel.span.line}:{rel.span.col}: {rel.message}")
    if not quiet and summary:
        if lines:
            lines.append("")
        lines.append(summary_line(report))
    return "\n".join(lines) + ("\n" if lines else "")
