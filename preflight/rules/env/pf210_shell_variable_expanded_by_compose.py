"""PF210."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.compose.shell_assigned import ShellAssigned, shell_assigned_uses
from preflight.model.runtime.compose_time import expanded_at_compose_time
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class ShellVariableExpandedByCompose(Rule):
    """A shell command uses `${VAR}` after setting `VAR`, but compose has already blanked it.

    ## What it does
    Finds `$VAR` / `${VAR}` (one `$`) in a `command`, `entrypoint` or `healthcheck.test` that
    runs a shell, when the same script assigns `VAR` before it (`export VAR=...`,
    `VAR=$$(...)`, `read VAR`, `for VAR in`) and `VAR` is not set where compose reads the file.
    `${VAR:-default}` is a warning: the program gets the default, only the assignment is lost.

    ## Why is this bad?
    Compose substitutes every single-`$` reference when it reads the file, before the
    container exists: `${VAR}` becomes an empty string, and the value the script computes
    never reaches the program (`--token ${TOKEN}` runs as `--token `).

    ## Example
    ```yaml
    app:
      command: sh -c "export TOKEN=$$(cat /run/secrets/token); exec app --token ${TOKEN}"
    ```

    ## Use instead
    Escape the reference so the container's shell expands it after the assignment:
    `exec app --token $${TOKEN}`.

    ## References
    - [Compose file: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    """

    id = "PF210"
    name = "shell-variable-expanded-by-compose"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """References the script assigns, blanked by compose first."""
        for compose in project.compose:
            claimed = expanded_at_compose_time(project, compose)
            # one finding per assignment made dead, at its first use; the later uses are notes
            groups: dict[tuple[str, str, Span], list[ShellAssigned]] = {}
            for found in shell_assigned_uses(compose):
                if id(found.use) in claimed:
                    continue  # the container has it too: PF204 reports it
                group = groups.setdefault((found.service.name, found.use.name, found.assigned_at), [])
                if all(found.use.span != other.use.span for other in group):
                    group.append(found)
            for group in groups.values():
                # reported at the first use that loses a value (a `${X:-d}` still gets its default)
                found = next((use for use in group if not use.defaulted), group[0])
                later = [use.use.span for use in group if use is not found]
                name = found.use.name
                # with a default the program still gets a value (the default), only the assignment is lost
                gets = "the default it writes" if found.defaulted else "an empty string"
                yield self.at(
                    found.use.span,
                    f"`${name}` is expanded by compose when it reads the file, where it is not set, so the "
                    f'command of "{found.service.name}" receives {gets}; the `{name}` its shell sets '
                    "before this point is never used",
                    help=f"write `$${name}` so the container's shell expands it after the assignment",
                    service=found.service.name,
                    related=[
                        Related(found.assigned_at, f"`{name}` is assigned here, when the container runs"),
                        *(Related(span, f"`${name}` is expanded by compose here too") for span in later),
                    ],
                    severity=Severity.WARNING if found.defaulted else Severity.ERROR,
                )
