"""Shared by the Dockerfile rules: the stages each image really builds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Related

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.image.build import ImageModel
    from preflight.model.image.stages import Stage
    from preflight.model.project import Project


def built_stages(project: Project) -> Iterator[tuple[ImageModel, Stage]]:
    """(image, stage) for every stage an image's target needs, each Dockerfile once."""
    seen: set[tuple[str, int]] = set()
    for model in project.images:
        if model.image is None:
            continue
        for stage in model.image.needed_stages():
            key = (model.dockerfile_rel, stage.index)
            if key not in seen:
                seen.add(key)
                yield model, stage


def context_note(model: ImageModel) -> list[Related]:
    """A note pointing at the compose build context, when a service builds the image."""
    if not model.services:
        return []
    return [Related(model.spec.span, f'build context `{model.context_rel}` of service "{model.services[0].name}"')]


def service_of(model: ImageModel) -> str | None:
    """The first service that runs the image."""
    return model.services[0].name if model.services else None
