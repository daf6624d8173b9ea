"""Stable identities for findings, independent of line numbers.

A fingerprint hashes what a finding *is* (rule code, file, service, message and, optionally,
the text of the flagged source line) and never *where* it is, so it survives unrelated edits
that move the finding up or down its file. Code scanning (SARIF ``partialFingerprints``) and
the baseline (:mod:`preflight.baseline`) both use it to recognise a finding across runs.

Two findings with the same hash in one report are told apart by an occurrence index,
assigned in source order: the first keeps the bare hash, later ones get ``:2``, ``:3`` ...
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeAlias

from preflight.diagnostics import Diagnostic, Report, Span

__all__ = [
    "FINGERPRINT_KEY",
    "LineText",
    "fingerprint",
    "fingerprints",
    "normalise_context",
    "report_fingerprints",
    "source_line_reader",
]

FINGERPRINT_KEY = "preflightFingerprint/v1"
"""The SARIF ``partialFingerprints`` key; bump the version when the hash input changes."""

LineText: TypeAlias = Callable[[Span], str | None]
"""Returns the source line a span starts on, or None when it is unknown."""

_HASH_CHARS = 32
_WHITESPACE = re.compile(r"\s+")
# Messages should never carry positions, but if one does ("first defined at line 12"),
# the number must not leak into the identity of the finding.
_POSITION_WORDS = re.compile(r"\b(lines?|col(?:umn)?s?)(\s+)\d+(?:\s*[-\u2013]\s*\d+)?", re.IGNORECASE)


def normalise_context(text: str | None) -> str:
    """Normalise a source line for hashing: strip it and collapse runs of whitespace."""
    if text is None:
        return ""
    return _WHITESPACE.sub(" ", text.strip())


def _normalise_message(message: str) -> str:
    return _POSITION_WORDS.sub(r"\1\2#", message)


def fingerprint(d: Diagnostic, context: str | None = None) -> str:
    """The line-independent hash of one finding.

    The hash covers the rule code, the file path, the service, the message (with any
    ``line N``/``column N`` numbers blanked) and ``context``, the text of the flagged
    source line when the caller has it (whitespace-normalised). It is 32 lowercase hex
    characters and carries no occurrence index; see :func:`fingerprints` for that.
    """
    payload = json.dumps(
        [
            "preflight/v1",
            d.code,
            d.span.path,
            d.service or "",
            _normalise_message(d.message),
            normalise_context(context),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8", "backslashreplace")).hexdigest()[:_HASH_CHARS]


def _context_for(span: Span, line_text: LineText | None) -> str | None:
    if line_text is None or span == Span.whole_file(span.path):
        # A finding about a whole file is not tied to its first line.
        return None
    return line_text(span)


def fingerprints(diags: Sequence[Diagnostic], line_text: LineText | None = None) -> list[str]:
    """Fingerprints for a batch of findings, aligned with ``diags``.

    ``line_text`` supplies the source line of a span (see :func:`source_line_reader`); pass
    None to hash without context. Findings whose hashes collide are numbered in source order
    (by :meth:`Diagnostic.sort_key`): the first keeps the bare hash, the n-th gets ``:n``.
    """
    bases = [fingerprint(d, _context_for(d.span, line_text)) for d in diags]
    groups: defaultdict[str, list[int]] = defaultdict(list)
    for index, base in enumerate(bases):
        groups[base].append(index)
    result = list(bases)
    for base, indices in groups.items():
        if len(indices) < 2:
            continue
        ordered = sorted(indices, key=lambda i: (diags[i].sort_key(), i))
        for occurrence, i in enumerate(ordered[1:], start=2):
            result[i] = f"{base}:{occurrence}"
    return result


def report_fingerprints(report: Report, line_text: LineText | None = None) -> list[str]:
    """Fingerprints of ``report.diagnostics`` (the unsuppressed findings), in their order.

    This is what :func:`preflight.baseline.write_baseline` and
    :func:`preflight.baseline.apply_baseline` expect, and what the SARIF renderer emits.
    """
    return fingerprints(report.diagnostics, line_text)


def _split_lines(text: str) -> list[str]:
    # Only LF, CRLF and CR end a line here, as in the parsers; str.splitlines() would also
    # split on form feeds and Unicode separators and shift the numbering.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def source_line_reader(root: str | Path) -> LineText:
    """A :data:`LineText` that reads span paths relative to ``root``, caching each file.

    Unreadable files and out-of-range lines give None. Files are decoded as UTF-8 with
    replacement, so a stray byte never stops fingerprinting.
    """
    base = Path(root)
    cache: dict[str, list[str] | None] = {}

    def line_text(span: Span) -> str | None:
        if span.path not in cache:
            try:
                raw = (base / span.path).read_bytes()
            except OSError:
                cache[span.path] = None
            else:
                cache[span.path] = _split_lines(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
        lines = cache[span.path]
        if lines is None or not 1 <= span.line <= len(lines):
            return None
        return lines[span.line - 1]

    return line_text
