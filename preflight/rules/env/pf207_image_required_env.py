"""PF207."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity
from preflight.model.runtime.environment import container_env, container_env_known
from preflight.parse.yaml import YScalar, YSeq
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.knowledge import CommandArgRule
    from preflight.model.compose.project import ComposeProject, Service
    from preflight.model.project import Project


def _argv(service: Service) -> list[str] | None:
    """The service's `command` as argv after interpolation (None when unknown or absent)."""
    node = service.get("command")
    if isinstance(node, YSeq):
        if any(not isinstance(i, YScalar) or i.unknown for i in node.items):
            return None
        return [i.text() for i in node.items if isinstance(i, YScalar)]
    if isinstance(node, YScalar) and not node.unknown and node.value is not None:
        try:
            return shlex.split(node.text())
        except ValueError:
            return None
    return None


class ImageRequiredEnv(Rule):
    """A well-known image is started without the settings it needs.

    ## What it does
    For images preflight knows (postgres, mysql, mariadb, mongo, redis, valkey, minio,
    keycloak, ...), checks the container environment compose gives the service (`environment`,
    `env_file`; a value that interpolates to "" counts as missing) against what the image's
    entrypoint requires, and flags such as `--requirepass` whose value interpolates to nothing.
    As warnings, it also reports variables the image ignores: `MYSQL_PASSWORD` without
    `MYSQL_USER`, or `REDIS_PASSWORD` for the official redis image run with its own command
    (only `bitnami/redis` reads it).

    ## Why is this bad?
    The container exits at start (`Database is uninitialized and superuser password is not
    specified`), or, worse, starts without the password you meant to set.

    ## Example
    ```yaml
    db:
      image: postgres:16
      environment:
        POSTGRES_PASSWORD: ${DB_PASSWORD}   # DB_PASSWORD unset
    ```

    ## Use instead
    Set the variable (or `POSTGRES_PASSWORD_FILE`, or an explicit `POSTGRES_HOST_AUTH_METHOD`).
    """

    id = "PF207"
    name = "image-required-env"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Missing required settings of well-known images."""
        from preflight.knowledge import image_info

        for compose, service in project.services():
            image = service.scalar("image")
            if image is None or image.unknown or service.get("build") is not None:
                continue
            info = image_info(image.text())
            if info is None or not container_env_known(project.tree, service):
                continue  # an env_file that cannot be read (PF002) may set what the image needs
            env_vars = container_env(project.tree, compose, service)
            env = {name: var.value for name, var in env_vars.items()}
            own_command = service.get("command") is not None or service.get("entrypoint") is not None
            for rule in info.env_rules:
                if rule.evaluate(env) is not False or (rule.default_command_only and own_command):
                    continue
                names = ", ".join(f"`{v}`" for v in rule.vars)
                related = [Related(env_vars[v].span, f"`{v}` is given here") for v in rule.vars if v in env_vars]
                yield self.at(
                    image.span,
                    f'service "{service.name}" ({info.key}): {rule.why}',
                    help=f"check {names} in the service's environment; see {rule.docs}",
                    service=service.name,
                    severity=Severity.ERROR if rule.level == "error" else Severity.WARNING,
                    related=related,
                )
            yield from self._command_rules(compose, service, info.command_args)

    def _command_rules(
        self, compose: ComposeProject, service: Service, rules: tuple[CommandArgRule, ...]
    ) -> Iterator[Diagnostic]:
        argv = _argv(service)
        if argv is None:
            return
        for rule in rules:
            for index in rule.violations(argv):
                uses = [u for u in compose.var_uses if u.service == service.name and u.path[2:3] == ("command",)]
                span = uses[0].span if uses else service.span_of("command")
                yield self.at(
                    span,
                    f'service "{service.name}": `{argv[index]}` has no value after interpolation; {rule.why}',
                    help="make sure the variable is set (`${VAR:?message}` makes compose refuse to start without it)",
                    service=service.name,
                )
