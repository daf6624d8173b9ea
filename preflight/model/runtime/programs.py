"""Programs a container runs (command, entrypoint, health check) and whether its image has them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.model.runtime.command.entrypoint import ProgramUse, healthcheck_programs
from preflight.parse.yaml import YMap, YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.diagnostics import Span
    from preflight.model.compose.project import Service
    from preflight.model.image.build import ImageModel
    from preflight.model.image.stages import Stage
    from preflight.model.project import Project
    from preflight.parse.dockerfile import Instruction

_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.=:~*-]*$")
_INSTALL = re.compile(r"\b(apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^;&|]*\b(install|add)\b(?P<args>[^;&|]*)")


@dataclass(frozen=True, slots=True)
class ProgramCheck:
    """A program the service runs that its image does not have."""

    service: Service
    program: str
    span: Span
    context: str
    image: str


# OS packages whose programs differ from their name; any other package (libraries aside) may
# provide programs we do not know of, which makes a missing program unknown, not absent
_PACKAGE_PROGRAMS: dict[str, frozenset[str]] = {
    "build-essential": frozenset({"make", "gcc", "g++", "cc", "c++", "cpp", "dpkg-buildpackage"}),
    "build-base": frozenset({"make", "gcc", "g++", "cc", "c++"}),
    "procps": frozenset({"ps", "pgrep", "pkill", "top", "free", "kill", "watch", "uptime"}),
    "procps-ng": frozenset({"ps", "pgrep", "pkill", "top", "free", "kill", "watch", "uptime"}),
    "netcat-openbsd": frozenset({"nc", "netcat"}),
    "netcat-traditional": frozenset({"nc", "netcat"}),
    "postgresql-client": frozenset({"psql", "pg_isready", "pg_dump", "pg_restore"}),
    "default-mysql-client": frozenset({"mysql", "mysqladmin", "mysqldump"}),
    "mariadb-client": frozenset({"mysql", "mysqladmin", "mysqldump", "mariadb"}),
    "redis-tools": frozenset({"redis-cli", "redis-benchmark"}),
    "iputils-ping": frozenset({"ping"}),
    "dnsutils": frozenset({"dig", "nslookup", "host"}),
    "bind-tools": frozenset({"dig", "nslookup", "host"}),
    "ca-certificates": frozenset({"update-ca-certificates"}),
    "gettext": frozenset({"msgfmt", "msgmerge", "xgettext", "envsubst", "gettext"}),
    "gettext-base": frozenset({"envsubst", "gettext"}),
    "tzdata": frozenset(),
    "locales": frozenset({"locale-gen", "localedef"}),
}


def _package_provides(package: str, program: str) -> bool | None:
    """Whether an OS package provides `program`: True, False, or None when we cannot tell."""
    package = package.split("=")[0]
    if package == program or package.startswith(program):
        return True
    known = _PACKAGE_PROGRAMS.get(package)
    if known is not None:
        return program in known
    if package.startswith("lib"):
        return False if not program.endswith("-config") else None
    return None


def _installed_by_run(stages: list[Stage], program: str) -> bool:
    """Whether the image may have `program` from its RUNs: an OS package that (maybe) provides it,
    a COPY of it, or a RUN whose effects are not known (a script, a download)."""
    from preflight.model.image.run_effects import may_create

    for stage in stages:
        for run in stage.runs:
            for match in _INSTALL.finditer(run.command):
                packages = [w for w in match.group("args").split() if _PACKAGE.match(w)]
                if any(_package_provides(p, program) is not False for p in packages):
                    return True
            if may_create(run) is not None:
                return True
        for op in stage.copies:
            if op.dest is not None and (op.dest.rsplit("/", 1)[-1] == program or op.from_image is not None):
                return True
    return False


def _healthcheck(service: Service) -> tuple[list[str] | str | None, Span | None]:
    health = service.get("healthcheck")
    test = health.get("test") if isinstance(health, YMap) else None
    if isinstance(test, YSeq):
        items = [i for i in test.items if isinstance(i, YScalar)]
        if any(i.unknown for i in items):
            return None, None
        return [i.text() for i in items], test.span
    if isinstance(test, YScalar) and not test.unknown and test.value:
        return test.text(), test.span
    return None, None


def _dockerfile_healthcheck(inst: Instruction) -> list[tuple[ProgramUse, Span]]:
    """Programs of a Dockerfile `HEALTHCHECK CMD ...` (exec or shell form)."""
    if not inst.args or inst.args[0].upper() != "CMD":
        return []
    test: list[str] | str = ["CMD", *inst.args[1:]] if inst.json_form else " ".join(inst.args[1:])
    return [(use, inst.span) for use in healthcheck_programs(test)]


def missing_programs(project: Project) -> Iterator[ProgramCheck]:
    """Programs in health checks and commands that the image is known not to have."""
    from preflight.knowledge import has_program
    from preflight.model.runtime.container import project_runtimes

    runtimes = {id(r.service): r for r in project_runtimes(project)}
    for _compose, service in project.services():
        model: ImageModel | None = project.image_of(service)
        stages: list[Stage] = []
        base: str | None = None
        if model is not None and model.image is not None and model.image.final is not None:
            chain = model.image.chain(model.image.final)
            stages = chain
            base = chain[-1].base
        elif service.get("build") is None:
            image = service.scalar("image")
            base = image.text() if image is not None and not image.unknown else None
        if base is None:
            continue
        uses: list[tuple[ProgramUse, Span]] = []
        test, test_span = _healthcheck(service)
        if test is not None and test_span is not None:
            uses.extend((use, test_span) for use in healthcheck_programs(test))
        elif service.get("healthcheck") is None and stages and stages[0].healthcheck is not None:
            uses.extend(_dockerfile_healthcheck(stages[0].healthcheck))
        runtime = runtimes.get(id(service))
        if runtime is not None and runtime.analysis is not None:
            uses.extend(
                (use, runtime.arg_span(use.arg_index)) for use in runtime.analysis.programs if not use.conditional
            )
        for use, span in uses:
            if use.managed_by is not None:
                continue
            name = use.path or use.name
            if has_program(base, name) is not False or _installed_by_run(stages, use.name.rsplit("/", 1)[-1]):
                continue
            yield ProgramCheck(service, use.name, span, use.context, base)
