"""The values a container's argv is made of: the image's CMD/ENTRYPOINT and compose's overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.runtime.command.entrypoint import Argv, compose_argv
from preflight.parse.yaml import YScalar, YSeq

if TYPE_CHECKING:
    from preflight.model.compose.project import Service
    from preflight.model.image.stages import Command


def argv_of(command: Command | None) -> Argv | None:
    """A Dockerfile CMD/ENTRYPOINT as an `Argv` (None when the stage has none)."""
    return None if command is None else Argv(command.args, shell_form=command.shell_form)


def compose_value(service: Service, attr: str) -> Argv | None:
    """Compose's `command`/`entrypoint` of a service as an `Argv` (None when absent or interpolated to an unknown)."""
    node = service.get(attr)
    if node is None:
        return None
    if isinstance(node, YSeq):
        items = [i for i in node.items if isinstance(i, YScalar)]
        return None if any(i.unknown for i in items) else compose_argv([i.text() for i in items])
    if isinstance(node, YScalar):
        return None if node.unknown else compose_argv(node.text() if node.value is not None else None)
    return None
