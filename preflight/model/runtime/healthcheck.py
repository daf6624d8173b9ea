"""Whether a service's container has a health check: compose, Dockerfile, or its image."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from preflight.model.compose.project import Service
    from preflight.model.project import Project


def compose_healthcheck(service: Service) -> bool | None:
    """True/False when compose defines or disables one; None when compose says nothing."""
    node = service.get("healthcheck")
    if not isinstance(node, YMap):
        return None
    disable = node.get("disable")
    if isinstance(disable, YScalar) and disable.value is True:
        return False
    test = node.get("test")
    first = test.items[0] if isinstance(test, YSeq) and test.items else test
    if isinstance(first, YScalar) and first.text().upper() == "NONE":
        return False
    return True if test is not None else None


def image_declares_healthcheck(image: str) -> bool | None:
    """What the knowledge tables say about an image's own HEALTHCHECK (None: unknown)."""
    from preflight.knowledge import image_info

    info = image_info(image)
    return None if info is None else info.declares_healthcheck


def has_healthcheck(project: Project, service: Service) -> bool | None:
    """Whether the service's container will have a health check; None when it cannot be known."""
    own = compose_healthcheck(service)
    if own is not None:
        return own
    if service.get("build") is not None:
        model = project.image_of(service)
        if model is None or model.image is None or model.image.final is None:
            return None
        final = model.image.final
        if final.healthcheck is not None:  # inherited from the stages it is built FROM too
            args = final.healthcheck.args
            return not (args and args[0].upper() == "NONE")
        base = model.image.chain(final)[-1].base
        return image_declares_healthcheck(base) if base is not None else None
    image = service.scalar("image")
    if image is None or image.unknown:
        return None
    return image_declares_healthcheck(image.text())
