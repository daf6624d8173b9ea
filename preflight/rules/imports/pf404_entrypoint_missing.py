"""PF404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class EntrypointMissing(Rule):
    """The script, module or `module:app` a container runs is not in the image.

    ## What it does
    Works out what each built service runs (the final CMD/ENTRYPOINT with compose's
    `command`/`entrypoint`/`working_dir`, through `sh -c`, wrappers and entrypoint scripts that
    end in `exec "$@"`): `python path/x.py`, `python -m pkg`, `uvicorn pkg.mod:app`,
    `gunicorn`, `celery -A`, `flask --app`, `manage.py`... and checks the image has it on the
    container's `sys.path`. A command that cannot be understood is reported as info, never
    guessed into an error.

    ## Why is this bad?
    `Error loading ASGI app. Could not import module "main"` or `can't open file
    '/app/manage.py'`: the container restarts forever.

    ## Example
    ```dockerfile
    WORKDIR /app
    COPY src/ ./src/
    CMD ["uvicorn", "main:app"]
    ```

    ## Use instead
    `CMD ["uvicorn", "src.main:app"]`.
    """

    id = "PF404"
    name = "entrypoint-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Entry points missing from images, and commands that could not be understood."""
        for runtime in project.runtimes():
            service = runtime.service.name
            for entry, why in runtime.missing_entries:
                yield self.at(
                    runtime.arg_span(entry.source_arg_index),
                    runtime.show(f'service "{service}" starts with {entry.launcher}, but {why}'),
                    help="COPY it into the image, or fix the module path (it is relative to the working directory)",
                    service=service,
                    related=[Related(runtime.model.spec.span, f"build context `{runtime.model.context_rel}`")],
                )
            analysis = runtime.analysis
            runs_python = runtime.python is not None or runtime.provided.installs > 0
            if analysis is not None and analysis.unknown and not runtime.entries and runs_python:
                reasons = "; ".join(analysis.unknown)
                yield self.at(
                    runtime.arg_span(0),
                    runtime.show(f'could not tell which Python code service "{service}" runs: {reasons}'),
                    help="its imports and environment reads are not checked; name the entry point in `command:`",
                    service=service,
                    severity=Severity.INFO,
                )
