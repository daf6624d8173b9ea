"""PF601."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.image.baked_secrets import baked_secrets
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.project import Project


class SecretInImage(Rule):
    """A secret file of the build context is copied into the image.

    ## What it does
    Finds `.env` files that git ignores (so they hold this working copy's values) and give a
    secret-named variable a value, private keys (`id_rsa`, `*.pem`, `*.key` that hold a private
    key) and credentials files (`.pypirc`, `.netrc`, `.git-credentials`, cloud service-account keys) in
    the build context of a service's image that `.dockerignore` does not exclude and a COPY or
    ADD puts into the final stage. Templates (`.env.example`, ...), files only a builder stage
    has, and folders of tests, fixtures and examples are not reported. The file's contents are
    read only to confirm its shape, and never shown.

    ## Why is this bad?
    The file becomes part of an image layer: anyone who can pull the image (a registry, a CI
    cache, a colleague's machine) can read it, and it outlives a later `RUN rm`. A `.env` that
    only exists on the machine that builds also makes the image differ from one built in CI.

    ## Example
    ```dockerfile
    COPY . .
    ```
    with a `.env` (or `deploy/id_rsa`) in the build context and no `.dockerignore` entry for it.

    ## Use instead
    Add the file to `.dockerignore` (`.env`, `*.pem`, `**/id_rsa`), or COPY only what the
    application needs; pass secrets at run time (`env_file:`, compose `secrets:`) or to the
    build with `RUN --mount=type=secret`.

    ## References
    - [Dockerfile: .dockerignore](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    - [Build secrets](https://docs.docker.com/build/building/secrets/)
    """

    id = "PF601"
    name = "secret-in-image"
    severity = Severity.WARNING
    security_severity = 7.5
    tags = ("security",)

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Secret files the final image contains."""
        for found in baked_secrets(project):
            model = found.model
            services = ", ".join(f'"{s.name}"' for s in model.services)
            related = [Related(Span.whole_file(found.repo_path), f"the {found.kind}, in the build context")]
            if model.dockerignore_rel is not None:
                related.append(Related(Span.whole_file(model.dockerignore_rel), "does not exclude it"))
            yield self.at(
                found.copy.inst.span,
                f"this {found.copy.inst.keyword.upper()} puts the {found.kind} "
                f"`{found.repo_path}` into the image of {services} (at {found.image_path}): anyone who can "
                "pull the image can read it",
                help=f"add `{found.context_path}` to .dockerignore (or COPY only what the application needs), "
                "and pass secrets at run time (env_file, compose secrets) or with `RUN --mount=type=secret`",
                service=model.services[0].name,
                related=related,
            )
