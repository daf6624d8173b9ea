"""GitHub Actions workflow-command renderer: exact lines and toolkit escaping."""

from __future__ import annotations

import pytest

from preflight.diagnostics import Diagnostic, Related, Report, Severity, Span
from preflight.report.github import escape_data, escape_property, render_github


def _diag(
    severity: Severity = Severity.ERROR,
    message: str = "boom",
    span: Span | None = None,
    *,
    code: str = "PF101",
    name: str = "latest-tag",
    help: str | None = None,
    related: tuple[Related, ...] = (),
) -> Diagnostic:
    return Diagnostic(
        code=code,
        name=name,
        severity=severity,
        message=message,
        span=span or Span("compose.yaml", 3, 5, 3, 9),
        help=help,
        related=related,
    )


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("%0A literal", "%250A literal", "%250A literal"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("x%:,\n", "x%25:,%0A", "x%25%3A%2C%0A"),
    ],
)
def test_escaping(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_error_exact_line() -> None:
    out = render_github(Report(diagnostics=[_diag()]))
    assert out == "::error file=compose.yaml,line=3,col=5,endLine=3,endColumn=9,title=PF101 latest-tag::boom\n"


def test_severity_commands() -> None:
    report = Report(
        diagnostics=[
            _diag(Severity.INFO, "i", Span("a.yaml", 1, 1, 1, 2)),
            _diag(Severity.WARNING, "w", Span("a.yaml", 2, 1, 2, 2)),
            _diag(Severity.ERROR, "e", Span("a.yaml", 3, 1, 3, 2)),
        ]
    )
    assert render_github(report).splitlines() == [
        "::notice file=a.yaml,line=1,col=1,endLine=1,endColumn=2,title=PF101 latest-tag::i",
        "::warning file=a.yaml,line=2,col=1,endLine=2,endColumn=2,title=PF101 latest-tag::w",
        "::error file=a.yaml,line=3,col=1,endLine=3,endColumn=2,title=PF101 latest-tag::e",
    ]


def test_escaping_in_message_path_title_and_help() -> None:
    diag = _diag(
        Severity.WARNING,
        "100% of a, b: broken\r\nsecond line",
        Span("dir,x/a:b%.yaml", 7, 2, 7, 4),
        code="PF102",
        name="odd:name,here",
        help="set `A=1`, then: retry",
    )
    assert render_github(Report(diagnostics=[diag])) == (
        "::warning file=dir%2Cx/a%3Ab%25.yaml,line=7,col=2,endLine=7,endColumn=4,"
        "title=PF102 odd%3Aname%2Chere"
        "::100%25 of a, b: broken%0D%0Asecond line%0Ahelp: set `A=1`, then: retry\n"
    )


def test_related_notes_in_message() -> None:
    diag = _diag(
        help="pin it",
        related=(Related(Span("other.yaml", 4, 2, 4, 3), "also: here"),),
    )
    assert render_github(Report(diagnostics=[diag])) == (
        "::error file=compose.yaml,line=3,col=5,endLine=3,endColumn=9,title=PF101 latest-tag"
        "::boom%0Ahelp: pin it%0Anote: other.yaml:4:2: also: here\n"
    )


def test_spans_without_columns() -> None:
    report = Report(
        diagnostics=[
            _diag(span=Span.whole_file("Dockerfile"), message="whole"),
            _diag(span=Span("Dockerfile", 2, 3, 4, 5), message="multi"),
            _diag(span=Span("Dockerfile", 6, 3, 6, 3), message="empty"),
        ]
    )
    assert render_github(report).splitlines() == [
        "::error file=Dockerfile,line=1,title=PF101 latest-tag::whole",
        "::error file=Dockerfile,line=2,endLine=4,title=PF101 latest-tag::multi",
        "::error file=Dockerfile,line=6,col=3,endLine=6,title=PF101 latest-tag::empty",
    ]


def test_sorted_and_suppressed_left_out() -> None:
    later = _diag(message="later", span=Span("b.yaml", 1, 1, 1, 2))
    earlier = _diag(message="earlier", span=Span("a.yaml", 9, 1, 9, 2))
    hidden = Diagnostic("PF101", "latest-tag", Severity.ERROR, "hidden", Span("a.yaml", 1, 1, 1, 2), suppressed=True)
    out = render_github(Report(diagnostics=[later, earlier, hidden], suppressed=[hidden]))
    assert [line.rsplit("::", 1)[1] for line in out.splitlines()] == ["earlier", "later"]


def test_no_findings_is_empty() -> None:
    assert render_github(Report()) == ""
    assert render_github(Report(suppressed=[_diag()])) == ""
