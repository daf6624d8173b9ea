"""`${VAR:?err}` whose only source is an env template that leaves `VAR` empty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.compose.env import EnvSource
from preflight.model.compose.var_refs import use_refs
from preflight.parse.interpolate import Operator

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.project import ComposeProject, VarUse


@dataclass(frozen=True, slots=True)
class EmptyInTemplate:
    """A `:?` reference that a `.env` copied from the template would leave empty."""

    use: VarUse
    template: str
    """The template's path (root-relative)."""
    line: int


def empty_in_template(compose: ComposeProject) -> Iterator[EmptyInTemplate]:
    """`${VAR:?...}` uses (evaluated) whose variable only the template supplies, with no value."""
    env = compose.env
    if not env.template_empty:
        return
    for use, ref in use_refs(compose, lambda u: u.required and u.name in env.template_empty):
        value = env.values.get(use.name)
        if (
            ref.operator is Operator.REQUIRED_UNSET_OR_EMPTY
            and ref.evaluated
            and value is not None
            and value.source is EnvSource.TEMPLATE
            and value.origin is not None
            and use.name in env.template_empty
        ):
            yield EmptyInTemplate(use, value.origin, env.template_empty[use.name])
