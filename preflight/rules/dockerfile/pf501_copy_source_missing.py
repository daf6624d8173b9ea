"""PF501."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.parse.gomatch import has_glob
from preflight.rules.base import Rule
from preflight.rules.dockerfile._images import built_stages, context_note, service_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.image.stages import CopyOp
    from preflight.model.project import Project


class CopySourceMissing(Rule):
    """A COPY/ADD source is not in the build context (or `.dockerignore` excludes it).

    ## What it does
    Checks every COPY/ADD source of the stages an image builds against the build context seen
    through `.dockerignore` (a leading `/` means the context root). A wildcard that matches
    nothing is not reported: BuildKit accepts it (`COPY pyproject.toml uv.lock* ./`).

    ## Why is this bad?
    The build fails with `failed to compute cache key: "/config.py": not found`; when
    `.dockerignore` is the cause, the file is right there in the repository, which makes it
    hard to see.

    ## Example
    ```dockerfile
    COPY config.py .
    ```
    with `*.py` in `.dockerignore`.

    ## Use instead
    Add an exception (`!config.py`) to `.dockerignore`, or fix the path.

    ## References
    - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    - [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
    - [`.dockerignore` files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    """

    id = "PF501"
    name = "copy-source-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """COPY/ADD sources missing from the context."""
        for model, stage in built_stages(project):
            assert model.fs is not None  # noqa: S101 - built_stages yields evaluated images
            if not model.fs.context.known:
                continue  # nobody is seen building this Dockerfile: its context is unknown
            for op in stage.copies:
                if not self._local(op) or op.sources is None:
                    continue
                for source in op.sources:
                    if has_glob(source) or "$" in source:
                        continue
                    rel = posixpath.normpath("/" + source).lstrip("/") or "."
                    kind = model.fs.context.kind(rel)
                    if kind is None:
                        yield self.at(
                            op.inst.span,
                            f"COPY source `{source}` does not exist in the build context `{model.context_rel}`",
                            help="paths are relative to the build context, not to the Dockerfile",
                            service=service_of(model),
                            related=context_note(model),
                        )
                        continue
                    pattern = model.fs.context.excluded_by(rel)
                    if pattern is not None and model.dockerignore_rel is not None:
                        yield self.at(
                            op.inst.span,
                            f"COPY source `{source}` is excluded by `.dockerignore` pattern `{pattern.text}`",
                            help=f"add `!{rel}` to the .dockerignore, after `{pattern.text}`",
                            service=service_of(model),
                            related=[
                                Related(Span(model.dockerignore_rel, pattern.line, pattern.col), "excluded here"),
                                *context_note(model),
                            ],
                        )

    @staticmethod
    def _local(op: CopyOp) -> bool:
        return (
            op.from_stage is None
            and op.from_image is None
            and op.from_context is None
            and not (op.heredoc or op.remote)
        )
