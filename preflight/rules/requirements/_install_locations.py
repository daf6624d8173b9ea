"""Where an install is, as the related locations of the findings about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Related

if TYPE_CHECKING:
    from preflight.model.image.requirements import InstallAnalysis


def install_locations(analysis: InstallAnalysis, *, with_run: bool) -> list[Related]:
    """The RUN that installs (when the finding is not already at it) and the image's build context."""
    model = analysis.model
    related = [Related(analysis.install.run.inst.span, "installed by this RUN")] if with_run else []
    if model.services:
        related.append(Related(model.spec.span, f'build context of service "{model.services[0].name}"'))
    return related
