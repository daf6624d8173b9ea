"""The vocabulary every stage shares: severities, source spans, diagnostics and the report."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How serious a finding is; ordered so that ERROR > WARNING > INFO."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Numeric order used for thresholds."""
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a file: 1-based line and column, POSIX path relative to the checked root.

    ``end_line``/``end_col`` are inclusive of the last line and exclusive of the last column
    (the column just past the region), like ruff's ranges.
    """

    path: str
    line: int = 1
    col: int = 1
    end_line: int = 0
    end_col: int = 0

    def __post_init__(self) -> None:
        if self.end_line < self.line:
            object.__setattr__(self, "end_line", self.line)
        if self.end_line == self.line and self.end_col < self.col:
            object.__setattr__(self, "end_col", self.col)

    @classmethod
    def whole_file(cls, path: str) -> Span:
        """A span for findings about a file as a whole."""
        return cls(path, 1, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A syntax problem found by a parser, positioned 1-based within its file."""

    message: str
    line: int = 1
    col: int = 1
    end_line: int = 0
    end_col: int = 0
    help: str | None = None
    """How to fix it, when the parser knows (the `help:` line of the finding)."""


@dataclass(frozen=True, slots=True)
class Related:
    """Another location that explains a finding (the `note:` lines of the text output)."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of one rule."""

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None
    service: str | None = None
    related: tuple[Related, ...] = ()
    suppressed: bool = False

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, column, code, message."""
        return (self.span.path, self.span.line, self.span.col, self.code, self.message)


def printable(text: str) -> str:
    """``text`` as valid Unicode: a file name that is not UTF-8 (held with surrogate escapes)
    shows its odd bytes as ``\\xff``, so every output format can encode it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def printable_diagnostic(diag: Diagnostic) -> Diagnostic:
    """The diagnostic with every text field :func:`printable` (itself when nothing changes)."""
    fields = [
        diag.message,
        diag.help or "",
        diag.span.path,
        *(t for r in diag.related for t in (r.message, r.span.path)),
    ]
    if all(printable(f) is f for f in fields):
        return diag
    return dataclasses.replace(
        diag,
        message=printable(diag.message),
        help=None if diag.help is None else printable(diag.help),
        span=dataclasses.replace(diag.span, path=printable(diag.span.path)),
        related=tuple(
            Related(dataclasses.replace(r.span, path=printable(r.span.path)), printable(r.message))
            for r in diag.related
        ),
    )


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What the per-service verdict needs to know of a service (taken from the model by `preflight.verdict`)."""

    name: str
    project: str
    """The compose project's folder, relative to the root ("" for the root)."""
    builds: bool
    healthcheck: bool | None
    """Whether the container has a health check (None: cannot be known)."""
    healthcheck_span: Span | None
    depends_on: tuple[tuple[str, str], ...] = ()
    """(service, condition) pairs."""
    compose_files: tuple[str, ...] = ()


@dataclass(slots=True)
class Report:
    """Everything one check produced, ready for a renderer."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressed: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    services: tuple[ServiceFacts, ...] = ()
    """The checked services, for the per-service verdict."""
    targets: tuple[str, ...] | None = None
    """What was found to check: compose projects (their files) and Dockerfiles no service builds
    (None when not known, as for a report made by hand)."""
    read_files: tuple[str, ...] = ()
    """Every file the check read, root-relative (`--show-files`)."""
    unused_suppressions: tuple[tuple[str, int, str], ...] = ()
    """(path, line, comment) of suppression comments that matched no finding of the rules that ran."""
    notes: tuple[str, ...] = ()
    """What the summary must add (e.g. settings that could not be read)."""

    def count(self, severity: Severity) -> int:
        """How many unsuppressed findings have this severity."""
        return sum(1 for d in self.diagnostics if d.severity is severity)
