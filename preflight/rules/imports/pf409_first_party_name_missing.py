"""PF409."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.runtime.first_party import Missing, MissingFirstParty, missing_first_party
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class FirstPartyNameMissing(Rule):
    """An import names a submodule or name that a first-party package in the image does not have.

    ## What it does
    For every import the container's code makes into the project's own packages (found in the
    image on the container's `sys.path`), checks each dotted part and each name of
    `from pkg import name`: a submodule must exist in the package, and a name that is not a
    submodule must be bound by the package's `__init__.py` (or the module). A package that may
    change its `__path__`, bind names no statement shows (`from x import *`, `__getattr__`),
    hold a compiled extension of that name, or be extended by something installed, is not judged;
    neither is a folder that a `RUN` step or a mount may fill. A submodule the repository has but a
    `.dockerignore` pattern keeps out of the build context (`**/build` also matches `app/build`)
    is reported with that pattern.

    ## Why is this bad?
    The package is there, so the image builds and the top-level import looks fine, but the
    container dies at start with `ModuleNotFoundError: No module named
    'app.services.search_index'` or `ImportError: cannot import name 'indexer' from
    'app.services'`: typically after a module was renamed and one import was left behind.

    ## Example
    ```python
    # app/main.py; app/services/ holds __init__.py and search.py
    from app.services.search_index import search
    ```

    ## Use instead
    `from app.services.search import search`.

    ## References
    - [Python: the import system, submodules](https://docs.python.org/3/reference/import.html#submodules)
    """

    id = "PF409"
    name = "first-party-name-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Imports that fail inside first-party packages of the image."""
        seen: set[tuple[str, int, int, str]] = set()
        from preflight.model.runtime.container import project_runtimes

        for runtime in project_runtimes(project):
            service = runtime.service.name
            for found in missing_first_party(runtime):
                ref = found.ref
                key = (found.importer.path, ref.line, ref.col, f"{found.parent}.{found.name}")
                if key in seen:
                    continue  # services built from one image import the same code
                seen.add(key)
                yield self.at(
                    Span(found.importer.path, ref.line, ref.col, ref.end_line, ref.end_col),
                    f'{_what(found)} (in the image of service "{service}")',
                    help=_fix(found),
                    service=service,
                    related=[Related(found.parent_span, f"`{found.parent}` is here")]
                    + ([Related(found.excluded.at, "excluded here")] if found.excluded is not None else []),
                    # inside a function, the import fails when the function runs, not at start
                    severity=Severity.WARNING if ref.in_function else Severity.ERROR,
                )


def _what(found: MissingFirstParty) -> str:
    parent, name = found.parent, found.name
    if found.namespace:
        folder = found.parent_span.path
        lacks = f"`{folder}` is a folder without `__init__.py` that holds no `{name}`, and nothing installs `{parent}`"
        if found.missing is Missing.NAME:
            return f"cannot import name `{name}` from `{parent}` (unknown location): {lacks}"
        return f"no module named `{parent}.{name}`: {lacks}"
    if found.excluded is not None:
        kept_out = f"`.dockerignore` pattern `{found.excluded.pattern}` keeps it out of the build context"
        return f"no module named `{parent}.{name}`: {kept_out}"
    if found.missing is Missing.SUBMODULE:
        return f"no module named `{parent}.{name}`: the package `{parent}` has no submodule `{name}`"
    if found.missing is Missing.NOT_A_PACKAGE:
        return f"no module named `{parent}.{name}`: `{parent}` is a module, not a package"
    return (
        f"cannot import name `{name}` from `{parent}`: it is neither a submodule nor a name "
        f"`{found.parent_span.path}` binds"
    )


def _fix(found: MissingFirstParty) -> str:
    if found.excluded is not None:
        folder = f"{found.parent.replace('.', '/')}/{found.name}"
        return f"narrow the `.dockerignore` pattern `{found.excluded.pattern}`, or add the exception `!{folder}`"
    if found.missing is Missing.NOT_A_PACKAGE:
        return f"import the module itself (`import {found.parent}`), or make `{found.parent}` a package folder"
    close = difflib.get_close_matches(found.name, found.nearby, n=1, cutoff=0.5)
    if found.namespace and not close:
        return (
            f"install the distribution that provides `{found.parent}`, or put the module in the image "
            f"(a folder of the same name without `__init__.py` is imported instead)"
        )
    if close:
        return f"fix the import: did you mean `{found.parent}.{close[0]}`?"
    return f"fix the import, or add `{found.name}` to `{found.parent}`"
