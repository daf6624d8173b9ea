"""PF407."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.runtime.app_objects import AppAttribute, app_attributes, celery_apps_not_found
from preflight.model.runtime.command.entrypoint import EntryKind
from preflight.parse.python import Binding
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project

# How each launcher is told that the attribute is a factory to call.
_CALLED = frozenset({"gunicorn", "hypercorn", "flask"})
_FACTORY_FLAG = frozenset({"uvicorn", "granian"})
# Names apps are usually bound to, offered when the module binds one of them instead.
_APP_NAMES = ("app", "application", "api", "celery_app", "celery", "asgi_app", "wsgi_app", "server")


class AppAttributeMissing(Rule):
    """The module a server imports has no attribute of the app's name.

    ## What it does
    For `gunicorn mod:app`, `uvicorn mod:app`, `hypercorn`, `daphne`, `granian`,
    `celery -A mod:app`, `flask --app mod:app` and the FastAPI CLI's `--app`, finds the module
    in the image and checks that it binds the attribute at module level: an assignment, a
    `def`/`class`, an import (`from .factory import app`), a `global` declaration. A module
    that may bind names no statement shows (`from x import *`, a module-level `__getattr__`,
    `globals()`, `setattr`, `exec`) or that does not parse is not judged. A console script of
    a local project the image installs (`[project.scripts] shop-serve = "shop.cli:main"`, run as
    `command: shop-serve`) is checked the same way: its module must bind the function it calls.
    For `celery -A pkg` (no attribute), Celery searches `pkg.app`, `pkg.celery`, the module
    `pkg.celery` and any Celery instance the package binds: reported when `pkg/__init__.py`
    binds nothing and `pkg/celery.py` does not exist.

    ## Why is this bad?
    The module imports, then the server stops: `Failed to find attribute 'app' in 'api'`
    (gunicorn), `Error loading ASGI app. Attribute "app" not found in module "api"` (uvicorn),
    `Module 'api' has no attribute 'app'` (celery). Often the object is `APP`, or the module
    only defines `create_app()`.

    ## Example
    ```python
    # api.py
    def create_app():
        return Flask(__name__)
    ```
    ```yaml
    command: gunicorn api:app
    ```

    ## Use instead
    `gunicorn 'api:create_app()'` (uvicorn and granian: `--factory api:create_app`), or bind
    the object at module level: `app = create_app()`.

    ## References
    - [gunicorn: running (`$(MODULE_NAME):$(VARIABLE_NAME)`, factory calls)](https://docs.gunicorn.org/en/stable/run.html)
    - [uvicorn: application factories (`--factory`)](https://www.uvicorn.org/settings/#application)
    """

    id = "PF407"
    name = "app-attribute-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """App attributes their modules do not bind."""
        from preflight.model.runtime.container import project_runtimes

        for runtime in project_runtimes(project):
            service = runtime.service.name
            for found in app_attributes(runtime):
                if found.binding is not Binding.UNBOUND:
                    continue
                fix, related = _script_fix(found) if _is_script(found) else _fix(found)
                path = found.module_span.path
                what = (
                    f"the console script `{found.entry.launcher}`, which calls `{found.attribute}` of"
                    if _is_script(found)
                    else f"{found.entry.launcher} with the app `{found.attribute}` of"
                )
                yield self.at(
                    runtime.arg_span(found.entry.source_arg_index),
                    runtime.show(
                        f'service "{service}" starts {what} module `{found.module}`, but `{path}` binds no '
                        f"`{found.attribute}` at module level"
                    ),
                    help=fix,
                    service=service,
                    related=[Related(found.module_span, f"module `{found.module}`"), *related],
                )
            for search in celery_apps_not_found(runtime):
                package, path = search.package, search.package_span.path
                yield self.at(
                    runtime.arg_span(search.entry.source_arg_index),
                    runtime.show(
                        f'service "{service}" starts celery with the app `{package}`, but Celery finds no app in '
                        f"the package: `{path}` binds neither `app` nor `celery`, and there is no module "
                        f"`{package}.celery`"
                    ),
                    help=(
                        f"name the module that creates the app: `-A {search.holders[0]}`"
                        if search.holders
                        else f"create the app in `{package}/celery.py`, or bind it as `app` in `{path}`"
                    ),
                    service=service,
                    related=[Related(search.package_span, f"package `{package}`")],
                )


def _is_script(found: AppAttribute) -> bool:
    return found.entry.kind is EntryKind.CONSOLE_SCRIPT


def _script_fix(found: AppAttribute) -> tuple[str, list[Related]]:
    """A console script calls a function: the fix is in the project's `[project.scripts]` or the module."""
    functions = [n for n in found.names.names if found.names.function(n) is not None]
    script = found.entry.launcher
    if functions:
        return (
            f"the module defines `{functions[0]}`: point `{script}` at it in the project's scripts "
            f'(`{script} = "{found.module}:{functions[0]}"`), or define `{found.attribute}`',
            [],
        )
    return f"define `{found.attribute}` in `{found.module_span.path}`, or point `{script}` at a function it has", []


def _fix(found: AppAttribute) -> tuple[str, list[Related]]:
    """The help line for one missing attribute, and the location of what it suggests."""
    attribute, module, names = found.attribute, found.module, found.names
    path = found.module_span.path

    def name_it(other: str) -> str:
        # the FastAPI CLI names it with `--app` or `--entrypoint module:name`
        return f"`{other}`" if found.entry.launcher == "fastapi" else f"`{module}:{other}`"

    # `APP` for `app`, but not a class such as `Celery` for `celery`
    same = [n for n in names.names if n.lower() == attribute.lower() and (n.isupper() or n.islower())]
    if same:
        return f"the module binds `{same[0]}`: name it ({name_it(same[0])})", []
    wanted = (f"create_{attribute}", f"make_{attribute}", f"get_{attribute}", "create_app", "make_app")
    factory = next(
        (f for name in wanted if (f := names.function(name)) is not None and f.required_positional == 0), None
    )
    if factory is None:
        usual = [n for n in _APP_NAMES if n in names.names and n != attribute]
        if usual:
            return f"the module binds `{usual[0]}`: name it ({name_it(usual[0])}), or bind `{attribute}`", []
        return f"bind `{attribute}` at module level in `{path}`, or name an object the module binds", []
    launcher = found.entry.launcher
    if launcher in _CALLED:
        how = f"call the factory: `{module}:{factory.name}()`"
    elif launcher in _FACTORY_FLAG:
        how = f"call the factory: `--factory {module}:{factory.name}`"
    else:
        how = f"bind the app: `{attribute} = {factory.name}()` in `{path}`"
    where = Span(path, factory.line, factory.col)
    return how, [Related(where, f"`{factory.name}()` is defined here")]
