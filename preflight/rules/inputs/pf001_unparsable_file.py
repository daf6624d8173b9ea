"""PF001."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.compose.problems import LoadProblemKind as Kind
from preflight.model.image.built_projects import broken_build_configs
from preflight.rules.base import Rule, assert_never
from preflight.rules.issues import load_problems

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.problems import LoadProblem
    from preflight.model.project import Project


class UnparsableFile(Rule):
    """A file preflight needs cannot be parsed.

    ## What it does
    Reports YAML, TOML, `.env`, Dockerfile and `.dockerignore` syntax errors, and syntax errors
    in the Python modules a container loads, at the line and column the parser stopped, for
    every file the deployment reads (requirements files have their own rule, PF301). Nesting
    deeper than Compose accepts is one of them. A root `pyproject.toml` that is not valid TOML
    is reported here and the check goes on with the default settings (its `[tool.preflight]`
    cannot be read). So is the `pyproject.toml` of a local project an image's pip builds
    (`pip install ./libs/shared`, `pip install .`, a path line in a requirements file), with the
    RUN that builds it. Messages never quote the file: a broken `.env` line may hold a secret.

    ## Why is this bad?
    Docker Compose, pip and BuildKit refuse the whole file; nothing else in it is checked by
    them, and nothing else in it can be checked by preflight either.

    ## Example
    ```yaml
    services:
      web:
        image: nginx
        image: nginx:1.27   # duplicate key
    ```

    ## Use instead
    Fix the syntax error the message points at.

    ## References
    - [YAML 1.2.2 specification](https://yaml.org/spec/1.2.2/)
    - [TOML v1.0.0](https://toml.io/en/v1.0.0)
    - [Compose: `.env` file syntax](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax)
    - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    - [`.dockerignore` files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    """

    id = "PF001"
    name = "unparsable-file"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Syntax errors collected while loading."""
        unread = project.config.unread
        if unread is not None and unread.syntax:
            problem = unread.problem
            yield self.at(
                Span(unread.path, problem.line, problem.col),
                f"invalid TOML: {problem.message}",
                help="its [tool.preflight] settings (if any) could not be read: the defaults apply",
            )
        for broken in broken_build_configs(project):
            if unread is not None and unread.syntax and unread.path == broken.path:
                continue  # reported above, as the config file it also is
            yield self.at(
                Span(broken.path, broken.problem.line, broken.problem.col),
                f"invalid TOML: {broken.problem.message}",
                help="pip reads this file to build the project and stops with this error: fix the TOML",
                service=broken.service,
                related=[Related(broken.installed_by, "pip builds the project here")],
            )
        for _, loading in load_problems(project):
            message = _message(loading)
            if message is not None:
                yield self.at(loading.span, message, service=loading.service)
        for compose in project.compose:
            for path, problem in compose.env.problems:
                yield self.at(Span(path, problem.line, problem.col), problem.message)
        for model in project.images:
            service = model.services[0].name if model.services else None
            for path, problem in model.problems:
                yield self.at(Span(path, problem.line, problem.col), problem.message, service=service)
        from preflight.model.runtime.container import project_runtimes

        for runtime in project_runtimes(project):
            for reached in runtime.reached.values():
                source = reached.source
                if source is None or not runtime.syntax_error_certain(source):
                    continue  # e.g. `except A, B:`, valid on the image's Python 3.14
                for problem in source.problems:
                    yield self.at(
                        Span(source.path, problem.line, problem.col),
                        f"Python syntax error: {problem.message}",
                        help="the container imports this module at start and would fail here",
                        service=runtime.service.name,
                    )


def _message(problem: LoadProblem) -> str | None:
    """The message for a compose file that is not YAML (the other kinds belong to other rules)."""
    match problem.kind:
        case Kind.UNPARSABLE:
            return problem.detail
        case (
            Kind.UNREADABLE
            | Kind.NOT_A_MAPPING
            | Kind.EMPTY
            | Kind.INVALID_INTERPOLATION
            | Kind.SCHEMA
            | Kind.REQUIRED_VARIABLE
            | Kind.INCLUDE_MISSING
            | Kind.INCLUDE_CYCLE
            | Kind.INCLUDED_SERVICE_CONFLICT
            | Kind.EXTENDS_MISSING
            | Kind.EXTENDS_CYCLE
            | Kind.UNDEFINED_BASE_SERVICE
        ):
            return None
        case _:
            assert_never(problem.kind)
