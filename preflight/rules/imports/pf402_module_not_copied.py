"""PF402."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.imports import (
    Excluded,
    NeverCopied,
    NotCopied,
    OffSysPath,
    OutsideContext,
    import_resolutions,
)
from preflight.rules.base import Rule, assert_never
from preflight.rules.imports._wording import in_function_note

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class ModuleNotCopied(Rule):
    """A module exists in the repository but not in the image.

    ## What it does
    Reports imports of first-party modules that the repository has but the container will not
    find: outside the build context, excluded by `.dockerignore`, never COPYed, or copied
    somewhere that is not on `sys.path`. The related locations show the module's file, the
    compose build context and the Dockerfile COPY. An import inside a function is a warning:
    the container starts, and fails when the function runs. Code that changes `sys.path`
    itself (`sys.path.insert`, `site.addsitedir`) is not judged: the folders Python searches are
    then not known.

    ## Why is this bad?
    `ModuleNotFoundError: No module named 'config'` at start, although `config.py` is right
    there in the repository: tools that only look at the repository cannot see it.

    ## Example
    ```dockerfile
    COPY src/ /app/src/
    CMD ["uvicorn", "src.main:app"]
    ```
    with `from config import settings` in `src/main.py` and `config.py` beside `src/`.

    ## Use instead
    `COPY config.py /app/` (or move `config` into the `src` package).

    ## References
    - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    - [`.dockerignore` files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    - [Python: the initialization of the `sys.path` module search path](https://docs.python.org/3/library/sys_path_init.html)
    """

    id = "PF402"
    name = "module-not-copied"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Imports resolved to `NotCopied`: why, with the repository copy and the build context."""
        for found in import_resolutions(project):
            match found.resolution:
                case NotCopied() as missing:
                    yield self.at(
                        found.span,
                        _message(found.top, found.service, missing) + in_function_note(found),
                        help=(
                            "put its folder on sys.path (`ENV PYTHONPATH=...`), or move it into the package the "
                            "container imports"
                            if isinstance(missing.why, OffSysPath)
                            else "COPY it into the image (and keep it on sys.path), or move it into the package the "
                            "image copies"
                        ),
                        service=found.service,
                        related=_related(found.top, missing),
                        severity=Severity.ERROR if found.breaks_start else Severity.WARNING,
                    )
                case _:
                    pass


def _message(top: str, service: str, missing: NotCopied) -> str:
    if isinstance(missing.why, OffSysPath):
        return f'`{top}` is in the image of service "{service}" ' + _why(missing)
    return f'`{top}` exists in the repository but not in the image of service "{service}": ' + _why(missing)


def _why(missing: NotCopied) -> str:
    match missing.why:
        case OutsideContext():
            return f"it is outside the build context `{missing.context_rel}`"
        case Excluded(pattern):
            return f"`.dockerignore` pattern `{pattern}` keeps it out of the build context"
        case OffSysPath(copied_to, sys_path):
            on_path = ", ".join(sys_path) or "only the standard library and site-packages"
            return f"(copied to `{copied_to}`), but not on its sys.path ({on_path})"
        case NeverCopied():
            return "no COPY puts it in the image"
        case _:
            assert_never(missing.why)


def _related(top: str, missing: NotCopied) -> list[Related]:
    related = [
        Related(Span(missing.found_at, 1, 1), f"`{top}` is here in the repository"),
        Related(missing.context, f"build context `{missing.context_rel}`"),
    ]
    match missing.why:
        case Excluded(_, at):
            related.append(Related(at, "excluded here"))
        case NeverCopied(last_copy) if last_copy is not None:
            related.append(Related(last_copy, "the Dockerfile copies only this"))
        case _:
            pass
    return related
