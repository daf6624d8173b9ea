"""A finding computed by a whole-project analysis, waiting for the rule that reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.diagnostics import Related, Severity, Span


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of the import or environment analysis; `code` names the rule that reports it."""

    code: str
    severity: Severity
    span: Span
    message: str
    help: str | None
    related: tuple[Related, ...]
    service: str
