"""PF201."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.compose.shell_assigned import shell_assigned_uses
from preflight.model.runtime.compose_time import expanded_at_compose_time
from preflight.parse.interpolate import VarStatus
from preflight.rules.base import Rule
from preflight.rules.issues import interpolation_sources

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class UnsetVariable(Rule):
    """Compose interpolates a variable that has no value and no default.

    ## What it does
    Finds `$VAR` / `${VAR}` references in compose files whose variable is set nowhere compose
    looks (the env files, the process environment when `--use-os-env` is given, `provided-env`
    in the config, an env template's keys when no `.env` exists) and that have no default.

    ## Why is this bad?
    Compose only warns, then substitutes an empty string: `redis-server --requirepass
    ${REDIS_PASSWORD}` silently becomes `redis-server --requirepass`, and the outage starts.

    ## Example
    ```yaml
    services:
      cache:
        image: redis:7
        command: redis-server --requirepass ${REDIS_PASSWORD}
    ```
    with no `REDIS_PASSWORD` in `.env`.

    ## Use instead
    Define it in `.env`, give it a default (`${LOG_LEVEL:-info}`), make it required
    (`${REDIS_PASSWORD:?set REDIS_PASSWORD}`), or declare it in `provided-env` when the
    deployment supplies it.

    ## References
    - [Compose file reference: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    - [Compose: variables and interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    """

    id = "PF201"
    name = "unset-variable"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Unset variables without a default."""
        for compose in project.compose:
            claimed = expanded_at_compose_time(project, compose)
            # PF210's: every reference of a variable that the same shell script assigns
            scripted = {(f.use.service, f.use.path, f.use.name) for f in shell_assigned_uses(compose)}
            for use in compose.var_uses:
                if use.status is not VarStatus.UNSET or not use.evaluated or use.has_fallback or use.required:
                    continue
                if id(use) in claimed or (use.service, use.path, use.name) in scripted:
                    continue  # PF204 / PF210 explain this one better
                yield self.at(
                    use.span,
                    f"variable `{use.name}` is not set; compose substitutes an empty string",
                    help=f"{interpolation_sources(compose.env)}; define it, give a default "
                    f"(`${{{use.name}:-...}}`) or list it in `provided-env`",
                    service=use.service,
                )
