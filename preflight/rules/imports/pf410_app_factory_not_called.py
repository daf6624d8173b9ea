"""PF410."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.runtime.app_objects import factories_called_per_request
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class AppFactoryNotCalled(Rule):
    """gunicorn is given an app factory as if it were the WSGI app.

    ## What it does
    For `gunicorn module:name` without a call (`name()`), with a WSGI worker (the default
    `sync`, `gthread`, `gevent`, `eventlet`) and no configuration file that could name another,
    checks whether `name` is a plain function of the module that cannot take the two arguments
    of a WSGI call (`def create_app():`, `def create_app(config=None):`).

    ## Why is this bad?
    gunicorn starts and reports its workers booted, but it calls `create_app(environ,
    start_response)` on every request: each one fails with `TypeError: create_app() takes 0
    positional arguments but 2 were given`, and health checks fail with 500s. (uvicorn and
    uvicorn workers detect a factory and call it once, with a warning.)

    ## Example
    ```yaml
    command: gunicorn --bind 0.0.0.0:8000 app:create_app
    ```

    ## Use instead
    `gunicorn --bind 0.0.0.0:8000 'app:create_app()'`, or `app = create_app()` in the module
    and `gunicorn app:app`.

    ## References
    - [gunicorn: running (factory calls `$(MODULE_NAME):$(VARIABLE_NAME)()`)](https://docs.gunicorn.org/en/stable/run.html)
    """

    id = "PF410"
    name = "app-factory-not-called"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Factories gunicorn would call per request as the WSGI app."""
        from preflight.model.runtime.container import project_runtimes

        for runtime in project_runtimes(project):
            service = runtime.service.name
            for found in factories_called_per_request(runtime):
                app, function = found.app, found.function
                path = app.module_span.path
                yield self.at(
                    runtime.arg_span(app.entry.source_arg_index),
                    runtime.show(
                        f'service "{service}" gives gunicorn the function `{app.module}:{function.name}` as its WSGI '
                        f"app: each request calls `{function.name}(environ, start_response)` and fails with a TypeError"
                    ),
                    help=f"call the factory once: `{app.module}:{function.name}()`",
                    service=service,
                    related=[Related(Span(path, function.line, function.col), f"`{function.name}()` is defined here")],
                )
