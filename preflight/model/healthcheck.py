"""Whether a service's container has a health check: compose, Dockerfile, or its image."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from preflight.files import SourceText
from preflight.model.build_paths import build_paths
from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from preflight.model.compose import Service
    from preflight.model.project import Project

_HEALTHCHECK = re.compile(r"^\s*HEALTHCHECK\s+(?P<rest>.*)$", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)", re.IGNORECASE | re.MULTILINE)


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
    paths = build_paths(service)
    if paths is not None:
        if paths.dockerfile is None or not paths.dockerfile.is_file():
            return None
        source = project.tree.read_text(paths.dockerfile)
        if not isinstance(source, SourceText):
            return None
        checks = list(_HEALTHCHECK.finditer(source.text))
        if checks:
            return not checks[-1].group("rest").strip().upper().startswith("NONE")
        bases = _FROM.findall(source.text)
        return image_declares_healthcheck(bases[-1]) if bases else None
    if service.get("build") is not None:
        return None
    image = service.scalar("image")
    if image is None or image.unknown:
        return None
    return image_declares_healthcheck(image.text())
