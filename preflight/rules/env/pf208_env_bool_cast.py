"""PF208."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Severity, Span
from preflight.model.env_reads import container_code
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class EnvBoolCast(Rule):
    """`bool(os.getenv("X"))` is True for "0" and "false".

    ## What it does
    Finds `bool()` applied to an environment variable's value in code a container runs,
    including the Django settings module it loads: the one `DJANGO_SETTINGS_MODULE` names in
    the container's environment, else the one its own code selects with
    `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")` (`manage.py`, the
    `wsgi.py`/`asgi.py` a server imports, a Celery app module).

    ## Why is this bad?
    Any non-empty string is true: `DEBUG=false` turns debugging on.

    ## Example
    ```python
    DEBUG = bool(os.getenv("DEBUG"))
    ```

    ## Use instead
    ```python
    DEBUG = os.getenv("DEBUG", "").lower() in ("1", "true", "yes")
    ```

    ## References
    - [Python: truth value testing](https://docs.python.org/3/library/stdtypes.html#truth-value-testing)
    - [Python: `os.getenv`](https://docs.python.org/3/library/os.html#os.getenv)
    - [Django: designating the settings](https://docs.djangoproject.com/en/stable/topics/settings/#designating-the-settings)
    """

    id = "PF208"
    name = "env-bool-cast"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Bool casts of environment values."""
        seen: set[tuple[str, int, int]] = set()
        # the containers whose environment is known (as PF203 reads them); the others are not judged
        for code in project.derived(container_code):
            for module in code.modules:
                for cast in module.bool_casts:
                    if (module.path, cast.line, cast.col) in seen:
                        continue  # services that share an image share their code: one finding
                    seen.add((module.path, cast.line, cast.col))
                    instead = f'os.getenv("{cast.name}", "").lower() in ("1", "true", "yes")'
                    yield self.at(
                        Span(module.path, cast.line, cast.col, cast.end_line, cast.end_col),
                        f'`bool(...)` of `{cast.name}` is True for any non-empty value, including "0" and "false"',
                        help=f"compare the text instead: `{instead}`",
                        service=code.runtime.service.name,
                    )
