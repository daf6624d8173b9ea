"""PF408."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.runtime.app_objects import packages_without_main
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class PackageMainMissing(Rule):
    """`python -m pkg` names a package that has no `__main__` module.

    ## What it does
    For a container that runs `python -m pkg` where `pkg` is a package found in the image
    (a folder with `__init__.py`), checks that `pkg/__main__.py` is there too. A package whose
    `__init__.py` changes its `__path__`, or a namespace package something installed could
    extend, is not judged.

    ## Why is this bad?
    Python imports the package, finds nothing to run and exits at once:
    `No module named pkg.__main__; 'pkg' is a package and cannot be directly executed`.

    ## Example
    ```dockerfile
    COPY worker/ ./worker/      # worker/__init__.py, worker/tasks.py
    CMD ["python", "-m", "worker"]
    ```

    ## Use instead
    Add `worker/__main__.py` (it may just call the main function), or run the module that has
    the `if __name__ == "__main__":` block: `python -m worker.tasks`.

    ## References
    - [Python: `__main__.py` in Python packages](https://docs.python.org/3/library/__main__.html#main-py-in-python-packages)
    """

    id = "PF408"
    name = "package-main-missing"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """`python -m` of packages without `__main__`."""
        from preflight.model.runtime.container import project_runtimes

        for runtime in project_runtimes(project):
            service = runtime.service.name
            for found in packages_without_main(runtime):
                yield self.at(
                    runtime.arg_span(found.entry.source_arg_index),
                    runtime.show(
                        f'service "{service}" runs `python -m {found.package}`, but `{found.package}` is a package '
                        f"without `__main__.py`: it cannot be directly executed"
                    ),
                    help=_fix(_folder(found.package_span.path), found.runnable),
                    service=service,
                    related=[Related(found.package_span, f"package `{found.package}`")],
                )


def _folder(path: str) -> str:
    """The package's folder in the repository, from its `__init__.py` (or the folder itself)."""
    path = path.rstrip("/")
    return posixpath.dirname(path) if path.endswith("/__init__.py") or path == "__init__.py" else path


def _fix(package: str, runnable: tuple[str, ...]) -> str:
    if runnable:
        return f"run the module that has the main block (`python -m {runnable[0]}`), or add `{package}/__main__.py`"
    return f"add `{package}/__main__.py` (it runs when the package is executed)"
