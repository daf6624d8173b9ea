"""PF502."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.parse.image_ref import looks_like_image
from preflight.rules.base import Rule
from preflight.rules.dockerfile._images import built_stages, service_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class CopyFromUnknownStage(Rule):
    """`COPY --from=` names no stage, and is probably not meant as an image.

    ## What it does
    Checks each `COPY --from=NAME` (and `RUN --mount=from=NAME`): NAME must be a stage defined
    earlier (names are case-insensitive) or a stage index. A bare word close to a stage name
    (`--from=build` with a stage `builder`) is an error; another bare word is a warning; a
    reference with a registry, path, tag or digest (`ghcr.io/astral-sh/uv:0.9`, `nginx:1.27`)
    is an image and fine.

    ## Why is this bad?
    BuildKit treats an unknown name as an image and tries to pull `docker.io/library/build`,
    failing with `pull access denied` far from the typo.

    ## Example
    ```dockerfile
    FROM python:3.12 AS builder
    FROM python:3.12-slim
    COPY --from=build /venv /venv
    ```

    ## Use instead
    ```dockerfile
    COPY --from=builder /venv /venv
    ```

    ## References
    - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    """

    id = "PF502"
    name = "copy-from-unknown-stage"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """`--from` values that are neither stages nor clear image references."""
        for model, stage in built_stages(project):
            assert model.image is not None  # noqa: S101 - built_stages yields evaluated images
            names = [s.name for s in model.image.stages if s.name]
            refs = [(op.from_image, op.inst) for op in stage.copies if op.from_image is not None]
            refs += [
                (flag_from, run.inst)
                for run in stage.runs
                for flag_from in self._mount_froms(run.inst)
                if flag_from and model.image.stage_by_ref(flag_from, stage.index) is None
            ]
            for ref, inst in refs:
                if looks_like_image(ref) or "$" in ref:
                    continue
                close = difflib.get_close_matches(ref.lower(), names, n=1, cutoff=0.6)
                if ref.isdigit():
                    message = f"`--from={ref}` names no stage: stage {ref} is not defined before this one"
                    yield self.at(inst.span, message, service=service_of(model))
                elif close or ref.lower() in names:
                    target = close[0] if close else ref.lower()
                    yield self.at(
                        inst.span,
                        f"`--from={ref}` names no earlier stage; BuildKit will try to pull an image called `{ref}`",
                        help=f'did you mean "{target}"?',
                        service=service_of(model),
                    )
                else:
                    yield self.at(
                        inst.span,
                        f"`--from={ref}` names no stage, so BuildKit will pull the image `docker.io/library/{ref}`",
                        help="use a stage name, or a full image reference with a tag",
                        service=service_of(model),
                        severity=Severity.WARNING,
                    )

    @staticmethod
    def _mount_froms(inst: object) -> list[str]:
        from preflight.parse.dockerfile import Instruction
        from preflight.parse.dockerfile_words import parse_mount_flag

        assert isinstance(inst, Instruction)  # noqa: S101 - typed by the caller
        froms = []
        for flag in inst.flags_named("mount"):
            try:
                value = parse_mount_flag(flag.value or "").get("from")
            except ValueError:
                continue
            if value:
                froms.append(value)
        return froms
