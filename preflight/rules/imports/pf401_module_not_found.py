"""PF401."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity
from preflight.model.imports import Missing, import_resolutions
from preflight.rules.base import Rule
from preflight.rules.imports._wording import in_function_note

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class ModuleNotFound(Rule):
    """A module the container imports is provided by nothing in the image.

    ## What it does
    Follows the imports of each service's code from its entry point through the image model
    (files really COPYed, on the container's `sys.path`) and reports a third-party import that
    no requirement the image installs provides, when every installed distribution's dependencies
    are known (otherwise PF403 warns instead). Imports guarded by `try/except ImportError` or
    `if TYPE_CHECKING:` are optional and never reported; an import inside a function is a
    warning (the container starts, and fails when the function runs).

    ## Why is this bad?
    The container dies at start with `ModuleNotFoundError: No module named 'yaml'`.

    ## Example
    `import yaml` in `app/main.py`, with no `PyYAML` in the image's requirements.

    ## Use instead
    Add the distribution (`PyYAML`) to the requirements file the Dockerfile installs.

    ## References
    - [Python: the import system](https://docs.python.org/3/reference/import.html)
    - [Python: the initialization of the `sys.path` module search path](https://docs.python.org/3/library/sys_path_init.html)
    """

    id = "PF401"
    name = "module-not-found"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Imports resolved to `Missing`."""
        for found in import_resolutions(project):
            match found.resolution:
                case Missing():
                    yield self.at(
                        found.span,
                        f'no module named `{found.top}` in the image of service "{found.service}": '
                        "nothing installs it and it is not in the image" + in_function_note(found),
                        help=f"add the distribution that provides `{found.top}` to the requirements the image installs",
                        service=found.service,
                        severity=Severity.ERROR if found.breaks_start else Severity.WARNING,
                    )
                case _:
                    pass
