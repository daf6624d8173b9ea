"""Shared pieces of the fuzz tests: the example budget, hostile mutations of real fixture files.

The budget is small by default so that the suite stays fast (and, with CI=1, derandomized so a
gate gives the same verdict twice); explore longer locally with, for instance,
``PREFLIGHT_FUZZ_EXAMPLES=2000 pytest tests/fuzz``.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("PREFLIGHT_FUZZ_EXAMPLES", "25"))
"""Examples per parser property; whole projects get a third of it (each runs the full check)."""

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
PROJECT_FUZZ = settings(FUZZ, max_examples=max(4, EXAMPLES // 3))

_SEEDS = ("rules", "examples")


def fixture_files(*names: str) -> list[str]:
    """The text of every fixture file with one of these names (the seeds of mutation)."""
    found = []
    for seed in _SEEDS:
        for path in sorted((REPO / seed).rglob("*")):
            if path.is_file() and (path.name in names or path.suffix in names):
                found.append(path.read_text(encoding="utf-8", errors="replace"))
    return found


def fixture_projects() -> list[Path]:
    """Every whole project of the fixture corpus and the examples."""
    projects = sorted(p.parent for p in (REPO / "rules").glob("*/*/*/expected.txt"))
    projects += sorted(p for p in (REPO / "rules").glob("*/negative/*") if p.is_dir())
    return projects + [p for p in (REPO / "examples").iterdir() if p.is_dir()]


# Pieces that broke parsers before, or that a parser must survive: quotes and brackets left
# open, interpolation, escapes, NUL and control characters, BOMs, odd line ends, deep nesting.
_HOSTILE = [
    "${",
    "${X:-",
    "$$",
    "}",
    "'",
    '"',
    "\\",
    "\\\n",
    "[" * 200,
    "]",
    "{" * 50,
    "- " * 60,
    ": ",
    "=",
    "#",
    "\x00",
    "\x0b",
    "\r",
    "\r\n",
    "\ufeff",
    "\u2028",
    "\udcff",
    "é",
    "𝔘",
    "\t",
    " " * 300,
    "<<",
    "&a",
    "*a",
    "!!python/object:os.system",
    "!reset",
    "-----BEGIN KEY-----",
    "export ",
    "FROM ",
    "RUN ",
    "COPY ",
    "ARG ",
    "ENV ",
    "# syntax=",
    "<<EOF\n",
    "-r ",
    "-e ",
    "--hash=",
    "@ ",
    "import ",
    "from . import ",
    "(" * 100,
    "x" * 5000,
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed text with a few hostile edits: insertions, deletions, duplicated or swapped lines."""
    text = draw(st.sampled_from(seeds)) if seeds else ""
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "swap", "truncate"]))
        at = draw(st.integers(0, len(text)))
        if kind == "insert":
            piece = draw(st.one_of(st.sampled_from(_HOSTILE), st.text(max_size=20)))
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "truncate":
            text = text[:at]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def texts(*names: str) -> st.SearchStrategy[str]:
    """Mutated fixture files of these names, and arbitrary text."""
    return st.one_of(mutated(fixture_files(*names)), st.text(max_size=200))
