"""Baselines: accept today's findings so that CI fails only on new ones.

A baseline is a JSON file listing the fingerprints (see :mod:`preflight.report.fingerprint`)
of the findings a project has chosen to live with::

    {"version": 1, "tool": "preflight", "entries": [
        {"fingerprint": "...", "code": "PF101", "path": "compose.yaml", "message": "..."}]}

Only the fingerprint is used for matching; code, path and message are there for the people
who read and review the file. Matching counts occurrences, so a baseline holding a
fingerprint twice absorbs two findings with it.

Typical use from a command::

    fps = report_fingerprints(report, source_line_reader(root))
    Path(out).write_text(write_baseline(report, fps))            # --write-baseline
    result = apply_baseline(report.diagnostics, fps, read_baseline(path))  # --baseline
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from preflight.diagnostics import Diagnostic, Report

__all__ = [
    "BASELINE_VERSION",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "BaselineResult",
    "apply_baseline",
    "load_baseline",
    "read_baseline",
    "write_baseline",
]

BASELINE_VERSION = 1
_TOOL = "preflight"
_ENTRY_FIELDS = ("fingerprint", "code", "path", "message")


class BaselineError(ValueError):
    """A baseline file could not be read or is not a valid preflight baseline."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One accepted finding, fields in file order."""

    fingerprint: str
    code: str
    path: str
    message: str

    def sort_key(self) -> tuple[str, str, str, str]:
        """Order in the file: path, code, message, fingerprint."""
        return (self.path, self.code, self.message, self.fingerprint)

    def to_json(self) -> dict[str, str]:
        """The entry as written to the file, keys in the documented order."""
        return {
            "fingerprint": self.fingerprint,
            "code": self.code,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted findings of a project, in file order."""

    entries: tuple[BaselineEntry, ...] = ()

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True, slots=True)
class BaselineResult:
    """The outcome of comparing a run with a baseline.

    ``new`` are the findings the baseline does not cover (in input order); ``matched`` how
    many findings it covered; ``fixed`` how many baseline entries no run finding matched,
    which are listed in ``fixed_entries`` (in file order).
    """

    new: list[Diagnostic]
    matched: int
    fixed: int
    fixed_entries: tuple[BaselineEntry, ...] = field(default=())


def write_baseline(report: Report, fingerprints: Sequence[str]) -> str:
    """Serialise the report's unsuppressed findings as a baseline (JSON text, LF-terminated).

    ``fingerprints`` must be aligned with ``report.diagnostics`` (as returned by
    :func:`preflight.report.fingerprint.report_fingerprints`). Suppressed findings are not
    written: they are already accepted in the source. Entries are sorted by path, code,
    message and fingerprint so that the file diffs cleanly.
    """
    if len(fingerprints) != len(report.diagnostics):
        raise ValueError(
            f"got {len(fingerprints)} fingerprints for {len(report.diagnostics)} diagnostics; "
            "pass one fingerprint per entry of report.diagnostics"
        )
    entries = sorted(
        (
            BaselineEntry(fingerprint=fp, code=d.code, path=d.span.path, message=d.message)
            for d, fp in zip(report.diagnostics, fingerprints, strict=True)
        ),
        key=BaselineEntry.sort_key,
    )
    document = {
        "version": BASELINE_VERSION,
        "tool": _TOOL,
        "entries": [entry.to_json() for entry in entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _parse_entry(index: int, raw: object) -> BaselineEntry:
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        raise BaselineError(f"{where} must be an object, got {_describe(raw)}")
    values: dict[str, str] = {}
    for name in _ENTRY_FIELDS:
        if name not in raw:
            raise BaselineError(f"{where} is missing the {name!r} field")
        value = raw[name]
        if not isinstance(value, str):
            raise BaselineError(f"{where}.{name} must be a string, got {_describe(value)}")
        values[name] = value
    if not values["fingerprint"]:
        raise BaselineError(f"{where}.fingerprint is empty")
    return BaselineEntry(
        fingerprint=values["fingerprint"],
        code=values["code"],
        path=values["path"],
        message=values["message"],
    )


def load_baseline(text: str) -> Baseline:
    """Parse baseline JSON text.

    Raises :class:`BaselineError` naming the problem (invalid JSON with its position, a
    wrong ``tool`` or unsupported ``version``, or the first malformed entry). Unknown extra
    keys are ignored so that later versions can add fields.
    """
    try:
        document: object = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(document, dict):
        raise BaselineError(f"baseline must be a JSON object, got {_describe(document)}")
    tool = document.get("tool")
    if tool != _TOOL:
        raise BaselineError(f"not a preflight baseline: 'tool' is {json.dumps(tool)}, expected \"{_TOOL}\"")
    version = document.get("version")
    if isinstance(version, bool) or version != BASELINE_VERSION:
        raise BaselineError(
            f"unsupported baseline version {json.dumps(version)}; this preflight reads version {BASELINE_VERSION}"
        )
    if "entries" not in document:
        raise BaselineError("baseline is missing the 'entries' array")
    raw_entries = document["entries"]
    if not isinstance(raw_entries, list):
        raise BaselineError(f"'entries' must be an array, got {_describe(raw_entries)}")
    return Baseline(tuple(_parse_entry(i, raw) for i, raw in enumerate(raw_entries)))


def read_baseline(path: str | Path) -> Baseline:
    """Read and parse a baseline file; any failure is a :class:`BaselineError` naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc
    try:
        return load_baseline(text)
    except BaselineError as exc:
        raise BaselineError(f"{path}: {exc}") from None


def apply_baseline(
    diagnostics: Sequence[Diagnostic], fingerprints: Sequence[str], baseline: Baseline
) -> BaselineResult:
    """Split findings into those the baseline accepts and new ones.

    ``fingerprints`` must be aligned with ``diagnostics``. Each baseline entry absorbs at
    most one finding with its fingerprint.
    """
    if len(fingerprints) != len(diagnostics):
        raise ValueError(
            f"got {len(fingerprints)} fingerprints for {len(diagnostics)} diagnostics; "
            "pass one fingerprint per diagnostic"
        )
    available = Counter(entry.fingerprint for entry in baseline.entries)
    new: list[Diagnostic] = []
    matched = 0
    for diagnostic, fp in zip(diagnostics, fingerprints, strict=True):
        if available[fp] > 0:
            available[fp] -= 1
            matched += 1
        else:
            new.append(diagnostic)
    fixed_entries: list[BaselineEntry] = []
    for entry in reversed(baseline.entries):
        # Take leftovers from the end so that, of duplicate entries, the last are "fixed".
        if available[entry.fingerprint] > 0:
            available[entry.fingerprint] -= 1
            fixed_entries.append(entry)
    fixed_entries.reverse()
    return BaselineResult(new=new, matched=matched, fixed=len(fixed_entries), fixed_entries=tuple(fixed_entries))
