"""PF402."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.rules.base import Rule
from preflight.rules.imports._findings import import_findings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class ModuleNotCopied(Rule):
    """A module exists in the repository but not in the image.

    ## What it does
    Reports imports of first-party modules that the repository has but the container will not
    find: outside the build context, excluded by `.dockerignore`, never COPYed, or copied
    somewhere that is not on `sys.path`. The related locations show the module's file, the
    compose build context and the Dockerfile COPY.

    ## Why is this bad?
    `ModuleNotFoundError: No module named 'config'` at start, although `config.py` is right
    there in the repository: tools that only look at the repository cannot see it.

    ## Example
    ```dockerfile
    COPY src/ /app/src/
    CMD ["uvicorn", "src.main:app"]
    ```
    with `from config import settings` in `src/main.py` and `config.py` beside `src/`.

    ## Use instead
    `COPY config.py /app/` (or move `config` into the `src` package).

    ## References
    - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    - [`.dockerignore` files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    - [Python: the initialization of the `sys.path` module search path](https://docs.python.org/3/library/sys_path_init.html)
    """

    id = "PF402"
    name = "module-not-copied"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Findings of the import analysis for this rule."""
        for f in import_findings(project, self.id):
            yield self.at(f.span, f.message, help=f.help, service=f.service, related=f.related, severity=f.severity)
