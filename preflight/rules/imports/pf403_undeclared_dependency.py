"""PF403."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.rules.base import Rule
from preflight.rules.imports._findings import import_findings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class UndeclaredDependency(Rule):
    """A third-party import that no declared requirement of the image provides.

    ## What it does
    Reports imports of distributions that the image does not declare, when they might still
    arrive as a dependency of something it installs (preflight cannot know every package's
    dependencies, so this is a warning). Modules that well-known frameworks bring
    (`starlette` with `fastapi`, `werkzeug` with `flask`...) count as present.

    ## Why is this bad?
    It works until the package that brought it drops the dependency, then breaks at start.

    ## Example
    `import requests` with only `docker` in the requirements.

    ## Use instead
    Declare every distribution the code imports.

    ## References
    - [pip: requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
    - [`pyproject.toml` specification (PEP 621)](https://packaging.python.org/en/latest/specifications/pyproject-toml/)
    - [Dependency groups (PEP 735)](https://peps.python.org/pep-0735/)
    """

    id = "PF403"
    name = "undeclared-dependency"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Findings of the import analysis for this rule."""
        for f in import_findings(project, self.id):
            yield self.at(f.span, f.message, help=f.help, service=f.service, related=f.related, severity=f.severity)
