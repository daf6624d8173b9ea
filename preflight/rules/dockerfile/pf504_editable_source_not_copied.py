"""PF504."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.image.local_installs import EditableLeftBehind, local_install_gaps
from preflight.model.runtime.package_needs import gap_needs
from preflight.rules.base import Rule
from preflight.rules.issues import need_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class EditableSourceNotCopied(Rule):
    """The final stage copies a virtual environment with an editable install, but not its source.

    ## What it does
    Finds editable installs of a local project (`pip install -e .`, `uv pip install -e .`,
    `uv sync` without `--no-editable`, `poetry install` without `--no-root`) in a build stage
    other than the final one, into a virtual environment or prefix that the final stage copies
    with `COPY --from`. It reports when the final stage has no copy of the project's package
    source at the absolute path the editable install points at, and the container needs the
    package (an entry point, a console script of the project, or an import).

    ## Why is this bad?
    An editable install puts no code in site-packages: a `.pth` file or an import finder there
    points at the source folder by its absolute path. Copying the environment alone carries the
    pointer without what it points at, so the console script or `python -m pkg` fails at start
    with `ModuleNotFoundError`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN python -m venv /venv
    ENV PATH=/venv/bin:$PATH
    WORKDIR /src
    COPY . .
    RUN pip install -e .

    FROM python:3.12-slim
    COPY --from=builder /venv /venv
    ENV PATH=/venv/bin:$PATH
    CMD ["myapp"]
    ```

    ## Use instead
    Install the project non-editable in the builder (`pip install .`, `uv sync --no-editable`),
    or also copy the source to the same path: `COPY --from=builder /src /src`.

    ## References
    - [pip: editable installs](https://pip.pypa.io/en/stable/topics/local-project-installs/#editable-installs)
    - [PEP 660: editable installs for pyproject.toml based builds](https://peps.python.org/pep-0660/)
    - [uv: building a Docker image with a non-editable install](https://docs.astral.sh/uv/guides/integration/docker/#non-editable-installs)
    - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    """

    id = "PF504"
    name = "editable-source-not-copied"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Editable installs whose environment reaches the final stage without their source."""
        for gap in local_install_gaps(project):
            if not isinstance(gap, EditableLeftBehind):
                continue
            for runtime, need in gap_needs(project, gap):
                service = runtime.service.name
                install = gap.analysis.install
                stage = gap.analysis.stage
                yield self.at(
                    gap.copy.inst.span,
                    f"this COPY brings `{gap.environment}`, where `{_command(install.tool)}` of stage "
                    f"`{stage.name or stage.index}` installed the project in editable mode, but not the source it "
                    f'points at: `{gap.source}` is not in the final stage, and service "{service}" needs '
                    f"`{gap.package}` ({need_text(need)})",
                    help=(
                        "install the project non-editable in the builder (`pip install .`, `uv sync --no-editable`), "
                        "or also copy the source to the same path"
                    ),
                    service=service,
                    related=[
                        Related(install.run.inst.span, "the editable install"),
                        Related(need.span, "the container needs the package here"),
                    ],
                )
                break


def _command(tool: str) -> str:
    return tool if tool.endswith(" install") or tool == "uv sync" else f"{tool} install"
