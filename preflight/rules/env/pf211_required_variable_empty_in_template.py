"""PF211."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.compose.template_required import empty_in_template
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class RequiredVariableEmptyInTemplate(Rule):
    """`${VAR:?err}` requires a value that the env template leaves empty, and no `.env` exists.

    ## What it does
    With no `.env`, preflight takes the keys of the env template (`.env.example`, ...) as the
    ones the operator supplies. It reports `${VAR:?message}` (with the colon) when the template
    gives `VAR` an empty value.

    ## Why is this bad?
    Compose never reads the template. Without a `.env` it stops with `required variable VAR is
    missing a value`; with a `.env` copied from the template it stops the same way, because
    `:?` rejects an empty value as well as an unset one. Nothing starts until someone fills it in.

    ## Example
    ```dotenv
    # .env.example
    SECRET_KEY=
    ```
    ```yaml
    environment:
      SECRET_KEY: ${SECRET_KEY:?set SECRET_KEY in .env}
    ```

    ## Use instead
    Create the `.env` with a value for `SECRET_KEY` before deploying (or give the template a
    usable development value, or a default `${SECRET_KEY:-...}` if an empty one will do).

    ## References
    - [Compose file: interpolation](https://docs.docker.com/reference/compose-file/interpolation/)
    """

    id = "PF211"
    name = "required-variable-empty-in-template"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Required variables the template leaves empty."""
        for compose in project.compose:
            for found in empty_in_template(compose):
                name = found.use.name
                yield self.at(
                    found.use.span,
                    f"`${{{name}:?...}}` needs a non-empty value, but no .env exists and the template "
                    f"{found.template} leaves `{name}` empty: compose stops with `required variable {name} is "
                    "missing a value`, also with a .env copied from the template",
                    help=f"create .env with a value for `{name}` before deploying",
                    service=found.use.service,
                    related=[Related(Span(found.template, found.line, 1, found.line, 1), f"`{name}` is empty here")],
                )
