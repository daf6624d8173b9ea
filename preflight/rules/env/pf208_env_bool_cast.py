"""PF208."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.rules.base import Rule
from preflight.rules.env._findings import env_findings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class EnvBoolCast(Rule):
    """`bool(os.getenv("X"))` is True for "0" and "false".

    ## What it does
    Finds `bool()` applied to an environment variable's value in code a container runs.

    ## Why is this bad?
    Any non-empty string is true: `DEBUG=false` turns debugging on.

    ## Example
    ```python
    DEBUG = bool(os.getenv("DEBUG"))
    ```

    ## Use instead
    ```python
    DEBUG = os.getenv("DEBUG", "").lower() in ("1", "true", "yes")
    ```

    ## References
    - [Python: truth value testing](https://docs.python.org/3/library/stdtypes.html#truth-value-testing)
    - [Python: `os.getenv`](https://docs.python.org/3/library/os.html#os.getenv)
    """

    id = "PF208"
    name = "env-bool-cast"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Bool casts of environment values."""
        for f in env_findings(project, self.id):
            yield self.at(f.span, f.message, help=f.help, service=f.service, related=f.related, severity=f.severity)
