"""PF209."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.runtime.exec_dollar import literal_dollars
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class UnexpandedVariable(Rule):
    """A `$$VAR` in an exec-form command reaches the program as the literal text `$VAR`.

    ## What it does
    Finds `$$NAME` or `$${NAME}` in a `command` or `entrypoint` written as a list (exec form)
    whose program is not a shell, when the container's environment sets `NAME`. Lists that run
    a shell (`["sh", "-c", "..."]`), programs that give `$NAME` a meaning of their own (perl,
    awk, envsubst, jq...), scripts of the image, and an image ENTRYPOINT (other than the official
    redis 6.x/7.x one, which runs its arguments as they are) that cannot be known are not judged.

    ## Why is this bad?
    Compose turns `$$` into `$` when it reads the file, and a list is started without a shell,
    so nothing expands the variable: `["celery", "-A", "app", "worker", "--concurrency", "$$N"]`
    passes the four characters `$N`, and the worker exits with an invalid-value error (or, for a
    password, runs with the wrong one).

    ## Example
    ```yaml
    worker:
      environment:
        N: "4"
      command: ["celery", "-A", "app", "worker", "--concurrency", "$$N"]
    ```

    ## Use instead
    Run it through a shell, which expands the container's variable:
    `command: ["sh", "-c", "exec celery -A app worker --concurrency \\"$$N\\""]`; or let compose
    substitute a variable of its own environment (`.env`) when it reads the file: `"${N}"`.

    ## References
    - [Compose file: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    - [Dockerfile: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    """

    id = "PF209"
    name = "unexpanded-variable"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Escaped variables that no shell will expand."""
        for found in literal_dollars(project):
            fix = f'run it through a shell (`["sh", "-c", "exec {found.program} ... $${found.name}"]`)'
            if found.compose_has:
                fix += ", or write `${" + found.name + "}` so compose substitutes its own value"
            related = []
            if found.container_set_at is not None:
                related.append(Related(found.container_set_at, f"`{found.name}` is set for the container here"))
            yield self.at(
                found.span,
                f'service "{found.service.name}" receives the literal text `{found.received}` in its {found.attr}: '
                f"compose turns `$$` into `$` and the list runs `{found.program}` without a shell, "
                f"so the container's `{found.name}` is never used",
                help=fix,
                service=found.service.name,
                related=related,
            )
