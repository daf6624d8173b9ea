"""The human-readable report: `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Report, Severity

if TYPE_CHECKING:
    from preflight.verdict import ServiceVerdict, StackVerdict, StepVerdict

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_GREEN, _RED, _YELLOW = "\x1b[32m", "\x1b[31m", "\x1b[33m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    """`Found 2 errors, 1 warning (1 suppressed) in 7 files.` or the all-clear line."""
    errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(_plural(infos, "info"))
    suppressed = f" ({len(report.suppressed)} suppressed)" if report.suppressed else ""
    notes = "".join(f"\n{note}." for note in report.notes)
    if not report.diagnostics and report.targets == ():
        # an empty folder, or the wrong one: say so rather than "All checks passed"
        return f"Nothing to check: no compose file or Dockerfile found ({_plural(report.files_checked, 'file')} read)."
    if not report.diagnostics:
        return f"All checks passed{suppressed} ({_plural(report.files_checked, 'file')} read).{notes}"
    return f"Found {', '.join(parts)}{suppressed} in {_plural(report.files_checked, 'file')}.{notes}"


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
        if report.services:
            from preflight.verdict import stack_verdict

            verdicts = verdict_lines(stack_verdict(report.diagnostics, report.services), color)
            lines.extend([*verdicts, ""] if verdicts else [])
        lines.append(summary_line(report))
    return "\n".join(lines) + ("\n" if lines else "")


def _step(name: str, step: StepVerdict, width: int, color: bool) -> str:
    outcome = step.outcome.value
    pad = " " * (width - len(outcome))
    if not color:
        return f"{name} {outcome}{pad}"
    shade = {"ok": _GREEN, "FAIL": _RED, "blocked": _YELLOW}.get(outcome, _DIM)
    return f"{name} {shade}{outcome}{_RESET}{pad}"


def _reason(verdict: ServiceVerdict) -> str:
    """The rules (or dependencies) that decide the first step that goes wrong."""
    for step in (verdict.build, verdict.start, verdict.healthy):
        if step.findings:
            counts: dict[tuple[str, str], int] = {}
            for d in step.findings:
                counts[(d.code, d.name)] = counts.get((d.code, d.name), 0) + 1
            return ", ".join(f"{code} {name}" + (f" ({n})" if n > 1 else "") for (code, name), n in counts.items())
        if step.blocked_by:
            return f"waits for {', '.join(step.blocked_by)}, which would not come up"
    return ""


def verdict_lines(verdict: StackVerdict, color: bool = False) -> list[str]:
    """`api-gateway  build ok  start FAIL  healthy -  PF402 ...` per service, then the stack summary
    (nothing when every service would come up)."""
    if not verdict.services:
        return []
    projects = len({s.project for s in verdict.services})
    names = [f"{s.project}/{s.name}" if projects > 1 and s.project else s.name for s in verdict.services]
    width = max(len(n) for n in names)
    outcome_width = max(len(step.outcome.value) for s in verdict.services for step in (s.build, s.start, s.healthy))
    if all(s.up for s in verdict.services):
        return []  # nothing to say: a clean run stays one line, as the hook's output should
    lines = ["Services:"]
    for name, service in zip(names, verdict.services, strict=True):
        steps = "  ".join(
            _step(label, step, outcome_width, color)
            for label, step in (("build", service.build), ("start", service.start), ("healthy", service.healthy))
        )
        lines.append(f"  {name:<{width}}  {steps}  {_reason(service)}".rstrip())
    lines.append(verdict.summary() + ".")
    return lines
