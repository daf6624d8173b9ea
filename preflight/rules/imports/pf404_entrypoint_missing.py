"""PF404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project
    from preflight.model.runtime.container import MissingEntry


_HELP = "COPY it into the image, or fix the module path (it is relative to the working directory)"
_HIDDEN_HELP = "mount the folder that holds the code laid out as the image has it, or drop the mount"


def _mount_note(missing: MissingEntry) -> list[Related]:
    mount = missing.mount
    if mount is None or mount.span is None:
        return []
    return [Related(mount.span, f"{mount.what} over `{mount.target}`")]


def _help(missing: MissingEntry) -> str:
    if missing.installed_from is not None:
        return "add the module to the package, or fix the module path (a console script's is in the project's scripts)"
    return _HIDDEN_HELP if missing.mount is not None else _HELP


def _why(missing: MissingEntry) -> str:
    if missing.is_path:
        return f"`{missing.target}` is not in the image"
    module, mount = missing.target, missing.mount
    if mount is not None and missing.in_image is not None:
        return (
            f"module `{module}` is not in the container: {mount.what} replaces `{mount.target}`, where the "
            f"image has `{missing.in_image}`; the mounted folder has no `{missing.in_mount}`"
        )
    if missing.installed_from is not None:
        top = module.split(".")[0]
        return (
            f"module `{module}` is not in the installed package `{top}` (site-packages holds what "
            f"`{missing.installed_from}` has when pip installs it)"
        )
    sys_path = ", ".join(missing.sys_path)
    if mount is not None:
        return (
            f"module `{module}` is not in the container: {mount.what} replaces `{mount.target}` (sys.path: {sys_path})"
        )
    return f"module `{module}` is not in the image (sys.path: {sys_path or '(nothing)'})"


class EntrypointMissing(Rule):
    """The script, module or `module:app` a container runs is not in the image.

    ## What it does
    Works out what each built service runs (the final CMD/ENTRYPOINT with compose's
    `command`/`entrypoint`/`working_dir`, through `sh -c`, wrappers and entrypoint scripts that
    end in `exec "$@"`): `python path/x.py`, `python -m pkg`, `uvicorn pkg.mod:app`,
    `gunicorn`, `celery -A`, `flask --app`, `manage.py`... and checks the image has it on the
    container's `sys.path`, compose's bind mounts included: a mount that shows a folder laid out
    differently from what the image copied there hides the code. Code a local project installs
    into site-packages is read from the package folder pip installs it from, when the wheel's
    contents are certain (a pyproject-only project, a known backend without plugins): a module
    `gunicorn` or a console script names that the package lacks is missing. A command that cannot be
    understood, or whose working directory cannot be known, is reported as info or not at all,
    never guessed into an error.

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

    ## References
    - [Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    - [Dockerfile reference: ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
    - [Compose file reference: `command`](https://docs.docker.com/reference/compose-file/services/#command)
    - [Python: the `-m` option](https://docs.python.org/3/using/cmdline.html#cmdoption-m)
    - [Python: the initialization of the `sys.path` module search path](https://docs.python.org/3/library/sys_path_init.html)
    """

    id = "PF404"
    name = "entrypoint-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Entry points missing from images, and commands that could not be understood."""
        from preflight.model.runtime.container import project_runtimes

        for runtime in project_runtimes(project):
            service = runtime.service.name
            for missing in runtime.missing_entries:
                entry = missing.entry
                yield self.at(
                    runtime.arg_span(entry.source_arg_index),
                    runtime.show(f'service "{service}" starts with {entry.launcher}, but {_why(missing)}'),
                    help=_help(missing),
                    service=service,
                    related=[
                        Related(runtime.model.spec.span, f"build context `{runtime.model.context_rel}`"),
                        *_mount_note(missing),
                    ],
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
