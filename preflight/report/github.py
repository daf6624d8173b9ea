"""GitHub Actions workflow commands, which the runner turns into inline annotations.

One line per unsuppressed finding::

    ::error file=compose.yaml,line=3,col=5,endLine=3,endColumn=9,title=PF101 name::message

``::error`` for errors, ``::warning`` for warnings and ``::notice`` for info. Values are
escaped as GitHub's actions toolkit escapes them, so messages may hold any character.
"""

from __future__ import annotations

from preflight.diagnostics import Diagnostic, Report, Severity, Span

__all__ = ["escape_data", "escape_property", "render_github"]

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as the toolkit does: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _position(span: Span) -> list[tuple[str, str]]:
    if span == Span.whole_file(span.path):
        return [("line", "1")]
    line = max(1, span.line)
    end_line = max(line, span.end_line)
    props = [("line", str(line))]
    # Annotations take columns only on a single line; the end column is exclusive, as in Span.
    if end_line == line:
        col = max(1, span.col)
        props.append(("col", str(col)))
        props.append(("endLine", str(end_line)))
        if span.end_col > col:
            props.append(("endColumn", str(span.end_col)))
    else:
        props.append(("endLine", str(end_line)))
    return props


def _message(d: Diagnostic, prefix: str) -> str:
    lines = [d.message]
    if d.help:
        lines.append(f"help: {d.help}")
    lines.extend(f"note: {prefix}{r.span.path}:{r.span.line}:{r.span.col}: {r.message}" for r in d.related)
    return "\n".join(lines)


def _command(d: Diagnostic, prefix: str) -> str:
    props = [("file", prefix + d.span.path), *_position(d.span), ("title", f"{d.code} {d.name}")]
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMANDS[d.severity]} {rendered}::{escape_data(_message(d, prefix))}"


def render_github(report: Report, path_prefix: str = "") -> str:
    """Render unsuppressed findings as workflow commands, one per line ("" when none).

    The message carries the finding's help (``help: ...``) and related locations
    (``note: path:line:col: ...``) on following lines, escaped into the single command line.
    ``path_prefix`` (the checked folder's place in the repository) is put before every path,
    since GitHub places annotations by paths relative to the repository root.
    """
    diagnostics = sorted((d for d in report.diagnostics if not d.suppressed), key=Diagnostic.sort_key)
    lines = [_command(d, path_prefix) + "\n" for d in diagnostics]
    if report.targets == () and not diagnostics:
        # a wrong `path` would otherwise pass in silence
        where = path_prefix.rstrip("/") or "the repository"
        message = f"nothing to check in {where}: no compose file or Dockerfile found"
        lines.append(f"::warning title=preflight::{escape_data(message)}\n")
    return "".join(lines)
