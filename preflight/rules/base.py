"""The Rule base class: identity as class attributes, documentation as the docstring."""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, ClassVar, NoReturn

from preflight.diagnostics import Diagnostic, Related, Severity, Span

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from preflight.model.project import Project

if sys.version_info >= (3, 11):
    from typing import assert_never as assert_never
else:  # pragma: no cover - Python 3.10 has no typing.assert_never

    def assert_never(value: NoReturn) -> NoReturn:
        """Mark a branch an exhaustive `match` never reaches (mypy checks it)."""
        raise AssertionError(f"unhandled value: {value!r}")


DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


class Rule:
    """A check over the project model. Subclasses set the ClassVars and implement `check`."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    tags: ClassVar[tuple[str, ...]] = ()
    """Extra SARIF tags; the family (the rule's subpackage: ``compose``, ``env``...) is always one."""
    precision: ClassVar[str] = "high"
    """How often a finding is right, as code scanning ranks it: very-high, high, medium or low."""
    security_severity: ClassVar[float | None] = None
    """CVSS-like 0.0-10.0 for rules that find security problems (code scanning's security alerts)."""
    runs_last: ClassVar[bool] = False
    """It reports what the other rules met while reading files, so it runs after them."""
    env_edge: ClassVar[bool] = False
    """Its findings are a variable that never reaches a service: the stack graph draws each as an
    edge from the env file it names to the service."""

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Yield this rule's findings for the project."""
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation (its docstring, dedented)."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def family(cls) -> str | None:
        """The rule's family: its subpackage under ``preflight.rules`` (``compose``, ``env``...)."""
        parts = cls.__module__.split(".")
        return parts[2] if len(parts) > 3 and parts[:2] == ["preflight", "rules"] else None

    @classmethod
    def summary(cls) -> str:
        """First line of the documentation."""
        return cls.doc().splitlines()[0] if cls.doc() else cls.name

    def at(
        self,
        span: Span,
        message: str,
        *,
        help: str | None = None,
        service: str | None = None,
        related: Iterable[Related] = (),
        severity: Severity | None = None,
    ) -> Diagnostic:
        """Build a diagnostic of this rule at `span`."""
        return Diagnostic(
            code=self.id,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            span=span,
            help=help,
            service=service,
            related=tuple(related),
        )
