"""PF403."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.imports import Undeclared, import_resolutions
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class UndeclaredDependency(Rule):
    """A third-party import that no declared requirement of the image provides.

    ## What it does
    Reports imports of distributions that the image does not declare, when they might still
    arrive as a dependency of something it installs (preflight cannot know every package's
    dependencies, so this is a warning). Modules that well-known frameworks bring
    (`starlette` with `fastapi`, `werkzeug` with `flask`...) count as present.

    ## Why is this bad?
    It works until the package that brought it drops the dependency, then breaks at start.

    ## Example
    `import requests` with only `docker` in the requirements.

    ## Use instead
    Declare every distribution the code imports.

    ## References
    - [pip: requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
    - [`pyproject.toml` specification (PEP 621)](https://packaging.python.org/en/latest/specifications/pyproject-toml/)
    - [Dependency groups (PEP 735)](https://peps.python.org/pep-0735/)
    """

    id = "PF403"
    name = "undeclared-dependency"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Imports resolved to `Undeclared`: one finding per service and module, at its first import."""
        found_by_module: dict[tuple[str, str], Diagnostic] = {}
        for found in import_resolutions(project):
            match found.resolution:
                case Undeclared():
                    key = (found.service, found.top)
                    first = found_by_module.get(key)
                    if first is not None:
                        also = Related(found.span, f"`{found.top}` is also imported here")
                        found_by_module[key] = dataclasses.replace(first, related=(*first.related, also))
                        continue
                    found_by_module[key] = self.at(
                        found.span,
                        f"`{found.top}` is imported but no requirement of the image declares it; it may only arrive "
                        "as a dependency of another package",
                        help=f"add the distribution that provides `{found.top}` to the image's requirements",
                        service=found.service,
                    )
                case _:
                    pass
        yield from found_by_module.values()
