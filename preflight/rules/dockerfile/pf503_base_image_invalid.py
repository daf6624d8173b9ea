"""PF503."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.parse.image_ref import reference_problem
from preflight.rules.base import Rule
from preflight.rules.dockerfile._images import built_stages, service_of
from preflight.rules.issues import service_list, services_by_span

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project
    from preflight.parse.yaml import YScalar


class BaseImageInvalid(Rule):
    """A `FROM` or compose `image:` is not a valid image reference.

    ## What it does
    Validates, after ARG/variable substitution, every `FROM` of the stages an image builds and
    every compose `image:` against Docker's reference grammar (`[registry/]name[:tag][@digest]`,
    lowercase repository names). Values that depend on unknown variables are not judged.

    ## Why is this bad?
    The build or pull fails with `invalid reference format` (compose `config` even accepts
    some of these, so the failure comes late).

    ## Example
    ```yaml
    image: apache/airflow:|version|
    ```

    ## Use instead
    ```yaml
    image: apache/airflow:2.10.4
    ```

    ## References
    - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    - [Compose file reference: `image`](https://docs.docker.com/reference/compose-file/services/#image)
    - [The image reference grammar (distribution/reference)](https://github.com/distribution/reference/blob/main/reference.go)
    """

    id = "PF503"
    name = "base-image-invalid"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Invalid references in FROM and `image:`."""
        for model, stage in built_stages(project):
            assert model.image is not None  # noqa: S101 - built_stages yields evaluated images
            base = stage.base
            if base is None or base == "scratch" or stage.base_stage is not None:
                continue
            problem = reference_problem(base)
            if problem is not None:
                written = stage.from_inst.args[0] if stage.from_inst.args else base
                shown = f"`{written}`" if written == base else f"`{written}` (after substitution)"
                yield self.at(
                    stage.from_inst.span,
                    f"base image {shown} is not a valid image reference: {problem}",
                    service=service_of(model),
                )
        invalid: dict[Span, tuple[YScalar, str]] = {}
        pairs = []
        for _compose, service in project.services():
            image = service.scalar("image")
            if image is None or image.unknown or image.value is None:
                continue
            problem = reference_problem(image.text())
            if problem is not None:
                invalid[image.span] = (image, problem)
                pairs.append((image.span, service.name))
        for span, names in services_by_span(pairs).items():
            image, problem = invalid[span]
            yield self.at(
                span,
                f"image `{image.as_written()}` of {service_list(names)} is not a valid image reference"
                + (f": {problem}" if image.raw is None else f" once interpolated: {problem}"),
                service=names[0],
            )
