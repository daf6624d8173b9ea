"""Fingerprints and baselines: stability across line moves, new/matched/fixed, bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from preflight.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    apply_baseline,
    load_baseline,
    read_baseline,
    write_baseline,
)
from preflight.diagnostics import Diagnostic, Report, Severity, Span
from preflight.report.fingerprint import (
    fingerprint,
    fingerprints,
    normalise_context,
    report_fingerprints,
    source_line_reader,
)

if TYPE_CHECKING:
    from pathlib import Path

COMPOSE = """\
services:
  web:
    image: python:latest
    environment:
      DEBUG: "1"
  cache:
    image: redis:latest
"""


def _latest(line: int, image: str, service: str) -> Diagnostic:
    return Diagnostic(
        code="PF101",
        name="latest-tag",
        severity=Severity.WARNING,
        message=f"image `{image}:latest` is not pinned",
        span=Span("compose.yaml", line, 12, line, 12 + len(image) + 7),
        help="pin a version",
        service=service,
    )


def _debug(line: int) -> Diagnostic:
    return Diagnostic(
        code="PF301",
        name="debug-enabled",
        severity=Severity.ERROR,
        message="`DEBUG` is enabled for service `web`",
        span=Span("compose.yaml", line, 7, line, 12),
        service="web",
    )


# --- fingerprints -----------------------------------------------------------------------


def test_fingerprint_shape_and_inputs() -> None:
    base = _latest(3, "python", "web")
    fp = fingerprint(base)
    assert len(fp) == 32
    assert all(c in "0123456789abcdef" for c in fp)
    moved = _latest(40, "python", "web")
    assert fingerprint(moved) == fp
    assert fingerprint(replace(base, severity=Severity.ERROR)) == fp
    assert fingerprint(replace(base, code="PF102")) != fp
    assert fingerprint(replace(base, service="api")) != fp
    assert fingerprint(replace(base, message="other")) != fp
    assert fingerprint(replace(base, span=Span("other.yaml", 3, 12))) != fp
    assert fingerprint(base, "image: python:latest") != fp
    assert fingerprint(base, "  image:   python:latest \n") == fingerprint(base, "image: python:latest")
    assert fingerprint(base, None) == fingerprint(base, "") == fp


def test_line_numbers_in_messages_do_not_leak() -> None:
    a = Diagnostic("PF1", "dup", Severity.ERROR, "key `A` also set at line 4", Span("x.env", 9))
    b = Diagnostic("PF1", "dup", Severity.ERROR, "key `A` also set at line 14", Span("x.env", 19))
    c = Diagnostic("PF1", "dup", Severity.ERROR, "key `B` also set at line 4", Span("x.env", 9))
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)


def test_normalise_context() -> None:
    assert normalise_context(None) == ""
    assert normalise_context("\t a  b\t\tc \r") == "a b c"


def test_occurrence_index_in_source_order() -> None:
    first = _debug(5)
    second = _debug(9)
    other = _latest(3, "python", "web")
    fps = fingerprints([second, other, first])
    base = fingerprint(first)
    assert fps == [f"{base}:2", fingerprint(other), base]
    assert fingerprints([first]) == [base]


def test_source_line_reader(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_bytes(b"\xef\xbb\xbfa: 1\r\nb: \xff\rc: 3\n")
    read = source_line_reader(tmp_path)
    assert read(Span("compose.yaml", 1)) == "a: 1"
    assert read(Span("compose.yaml", 2)) == "b: \ufffd"
    assert read(Span("compose.yaml", 3)) == "c: 3"
    assert read(Span("compose.yaml", 4)) == ""
    assert read(Span("compose.yaml", 5)) is None
    assert read(Span("missing.yaml", 1)) is None


def test_whole_file_spans_take_no_context() -> None:
    diag = Diagnostic("PF9", "bad-file", Severity.ERROR, "cannot parse", Span.whole_file("compose.yaml"))
    assert fingerprints([diag], lambda span: "first line") == [fingerprint(diag)]
    located = _debug(5)
    assert fingerprints([located], lambda span: "first line") == [fingerprint(located, "first line")]


def test_report_fingerprints_cover_unsuppressed_only() -> None:
    report = Report(diagnostics=[_debug(5)], suppressed=[_latest(3, "python", "web")])
    assert report_fingerprints(report) == [fingerprint(_debug(5))]


# --- baseline round trip ----------------------------------------------------------------


def test_round_trip_with_moved_new_and_fixed(tmp_path: Path) -> None:
    before_dir = tmp_path / "before"
    before_dir.mkdir()
    (before_dir / "compose.yaml").write_text(COMPOSE)
    before = Report(diagnostics=[_latest(3, "python", "web"), _debug(5), _latest(7, "redis", "cache")])
    before_fps = report_fingerprints(before, source_line_reader(before_dir))
    text = write_baseline(before, before_fps)
    baseline_file = tmp_path / "preflight-baseline.json"
    baseline_file.write_text(text)

    # Five lines inserted above everything; the redis service is gone; a new finding appears.
    after_dir = tmp_path / "after"
    after_dir.mkdir()
    moved = "# header\n" * 5 + COMPOSE.replace("  cache:\n    image: redis:latest\n", "")
    moved += "  worker:\n    image: celery:latest\n"
    (after_dir / "compose.yaml").write_text(moved)
    after = Report(diagnostics=[_latest(8, "python", "web"), _debug(10), _latest(12, "celery", "worker")])
    after_fps = report_fingerprints(after, source_line_reader(after_dir))

    assert after_fps[0] == before_fps[0]
    assert after_fps[1] == before_fps[1]

    result = apply_baseline(after.diagnostics, after_fps, read_baseline(baseline_file))
    assert [d.message for d in result.new] == ["image `celery:latest` is not pinned"]
    assert result.matched == 2
    assert result.fixed == 1
    assert [e.message for e in result.fixed_entries] == ["image `redis:latest` is not pinned"]


def test_changed_source_line_is_a_new_finding(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    diag = _debug(5)
    fps = fingerprints([diag], source_line_reader(tmp_path))
    baseline = load_baseline(write_baseline(Report(diagnostics=[diag]), fps))
    (tmp_path / "compose.yaml").write_text(COMPOSE.replace('DEBUG: "1"', 'DEBUG: "true"'))
    edited = fingerprints([diag], source_line_reader(tmp_path))
    result = apply_baseline([diag], edited, baseline)
    assert (len(result.new), result.matched, result.fixed) == (1, 0, 1)


def test_write_baseline_format() -> None:
    report = Report(
        diagnostics=[_latest(7, "redis", "cache"), _debug(5), _latest(3, "python", "web")],
        suppressed=[_latest(9, "nginx", "proxy")],
    )
    fps = ["f3", "f2", "f1"]
    text = write_baseline(report, fps)
    assert text.endswith("}\n")
    assert json.loads(text) == {
        "version": 1,
        "tool": "preflight",
        "entries": [
            {
                "fingerprint": "f1",
                "code": "PF101",
                "path": "compose.yaml",
                "message": "image `python:latest` is not pinned",
            },
            {
                "fingerprint": "f3",
                "code": "PF101",
                "path": "compose.yaml",
                "message": "image `redis:latest` is not pinned",
            },
            {
                "fingerprint": "f2",
                "code": "PF301",
                "path": "compose.yaml",
                "message": "`DEBUG` is enabled for service `web`",
            },
        ],
    }
    assert list(json.loads(text)["entries"][0]) == ["fingerprint", "code", "path", "message"]
    assert write_baseline(Report(diagnostics=list(reversed(report.diagnostics))), fps[::-1]) == text
    assert load_baseline(text) == Baseline(
        (
            BaselineEntry("f1", "PF101", "compose.yaml", "image `python:latest` is not pinned"),
            BaselineEntry("f3", "PF101", "compose.yaml", "image `redis:latest` is not pinned"),
            BaselineEntry("f2", "PF301", "compose.yaml", "`DEBUG` is enabled for service `web`"),
        )
    )


def test_write_baseline_rejects_misaligned_fingerprints() -> None:
    with pytest.raises(ValueError, match="2 fingerprints for 1 diagnostics"):
        write_baseline(Report(diagnostics=[_debug(1)]), ["a", "b"])
    with pytest.raises(ValueError, match="0 fingerprints for 1 diagnostics"):
        apply_baseline([_debug(1)], [], Baseline())


def test_duplicates_are_counted() -> None:
    diags = [_debug(5), _debug(9)]
    fps = fingerprints(diags)
    baseline = load_baseline(write_baseline(Report(diagnostics=diags), fps))
    assert len(baseline) == 2
    same = apply_baseline(diags, fps, baseline)
    assert (same.new, same.matched, same.fixed) == ([], 2, 0)
    one_left = apply_baseline(diags[:1], fps[:1], baseline)
    assert (one_left.new, one_left.matched, one_left.fixed) == ([], 1, 1)
    # A baseline that lists one fingerprint once absorbs only one finding with it.
    flat = [fps[0], fps[0]]
    single = Baseline((BaselineEntry(fps[0], "PF301", "compose.yaml", "m"),))
    partial = apply_baseline(diags, flat, single)
    assert (partial.new, partial.matched, partial.fixed) == ([diags[1]], 1, 0)


def test_empty_baseline() -> None:
    text = write_baseline(Report(), [])
    assert json.loads(text) == {"version": 1, "tool": "preflight", "entries": []}
    result = apply_baseline([_debug(1)], ["x"], load_baseline(text))
    assert (len(result.new), result.matched, result.fixed) == (1, 0, 0)


def test_unknown_keys_are_ignored() -> None:
    text = json.dumps(
        {
            "version": 1,
            "tool": "preflight",
            "generated": "today",
            "entries": [{"fingerprint": "f", "code": "C", "path": "p", "message": "m", "note": "x"}],
        }
    )
    assert load_baseline(text) == Baseline((BaselineEntry("f", "C", "p", "m"),))


# --- malformed input --------------------------------------------------------------------

_ENTRY = {"fingerprint": "f", "code": "C", "path": "p", "message": "m"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", r"not valid JSON: Expecting value \(line 1, column 1\)"),
        ('{"version": 1,', r"not valid JSON: .*\(line 1, column 15\)"),
        ("[]", "must be a JSON object, got an array"),
        ("null", "must be a JSON object, got null"),
        ('{"version": 1, "entries": []}', r"not a preflight baseline: 'tool' is null"),
        ('{"version": 1, "tool": "ruff", "entries": []}', r"'tool' is \"ruff\""),
        ('{"tool": "preflight", "entries": []}', "unsupported baseline version null"),
        (
            '{"version": 2, "tool": "preflight", "entries": []}',
            "unsupported baseline version 2; this preflight reads version 1",
        ),
        ('{"version": "1", "tool": "preflight", "entries": []}', 'unsupported baseline version "1"'),
        ('{"version": true, "tool": "preflight", "entries": []}', "unsupported baseline version true"),
        ('{"version": 1, "tool": "preflight"}', "missing the 'entries' array"),
        ('{"version": 1, "tool": "preflight", "entries": {}}', "'entries' must be an array, got an object"),
        (
            '{"version": 1, "tool": "preflight", "entries": ["f"]}',
            r"entries\[0\] must be an object, got a string",
        ),
        (
            json.dumps({"version": 1, "tool": "preflight", "entries": [_ENTRY, {**_ENTRY, "code": 5}]}),
            r"entries\[1\]\.code must be a string, got a number",
        ),
        (
            json.dumps(
                {
                    "version": 1,
                    "tool": "preflight",
                    "entries": [{k: v for k, v in _ENTRY.items() if k != "path"}],
                }
            ),
            r"entries\[0\] is missing the 'path' field",
        ),
        (
            json.dumps({"version": 1, "tool": "preflight", "entries": [{**_ENTRY, "fingerprint": ""}]}),
            r"entries\[0\]\.fingerprint is empty",
        ),
    ],
)
def test_malformed_baseline(text: str, problem: str) -> None:
    with pytest.raises(BaselineError, match=problem):
        load_baseline(text)


def test_baseline_error_is_a_value_error() -> None:
    assert issubclass(BaselineError, ValueError)


def test_read_baseline_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(BaselineError, match=r"cannot read baseline .*nope\.json"):
        read_baseline(missing)
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "tool": "preflight", "entries": [1]}')
    with pytest.raises(BaselineError, match=r"bad\.json: entries\[0\] must be an object, got a number"):
        read_baseline(bad)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BaselineError, match="cannot read baseline"):
        read_baseline(binary)
