"""A verdict per service: would it build, would it start, would it become healthy, and why not.

Users think in services ("3 of 6 services would not start"), not in rule ids. The verdict is
derived from the errors of a check (each rule says which step of `docker compose up` its
errors break: :mod:`preflight.rules.stages`) and a few facts of the model per service (does it
build, does it have a health check, what does it wait for). `depends_on` propagates: a service
that waits for a dependency which cannot be created (or, with `service_healthy`, does not
become healthy) is blocked. Nothing here guesses: a step with no deciding error is `ok`, or
`-` when it does not apply (no build, no health check) or is never reached.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.diagnostics import ServiceFacts

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from preflight.diagnostics import Diagnostic, Span
    from preflight.model.project import Project
    from preflight.rules.stages import Stage


class Outcome(enum.Enum):
    """How one step of one service goes."""

    OK = "ok"
    FAIL = "FAIL"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "-"
    """No build (a registry image), no health check, or a step after one that fails."""


def service_facts(project: Project) -> tuple[ServiceFacts, ...]:
    """The facts of every active service, in the model's order."""
    from preflight.model.runtime.healthcheck import has_healthcheck
    from preflight.parse.yaml import YMap, YScalar

    facts: list[ServiceFacts] = []
    for compose, service in project.services():
        depends: list[tuple[str, str]] = []
        for key, spec in service.mapping("depends_on").items:
            condition = spec.get("condition") if isinstance(spec, YMap) else None
            depends.append((key.text(), condition.text() if isinstance(condition, YScalar) else "service_started"))
        health = service.get("healthcheck")
        facts.append(
            ServiceFacts(
                name=service.name,
                project=compose.rel_dir if compose.rel_dir != "." else "",
                builds=service.get("build") is not None,
                healthcheck=has_healthcheck(project, service),
                healthcheck_span=health.span if isinstance(health, YMap) else None,
                depends_on=tuple(depends),
                compose_files=tuple(compose.files),
            )
        )
    return tuple(facts)


@dataclass(frozen=True, slots=True)
class StepVerdict:
    """One step of one service: its outcome and the errors (or dependencies) that decide it."""

    outcome: Outcome
    findings: tuple[Diagnostic, ...] = ()
    blocked_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceVerdict:
    """Would the service build, start and become healthy."""

    name: str
    project: str
    build: StepVerdict
    start: StepVerdict
    healthy: StepVerdict
    other: tuple[Diagnostic, ...] = ()
    """The service's findings that decide no step (warnings, PF201...)."""

    @property
    def up(self) -> bool:
        """Whether the service would be running (and healthy when it has a health check)."""
        return all(s.outcome in (Outcome.OK, Outcome.NOT_APPLICABLE) for s in (self.build, self.start, self.healthy))

    @property
    def starts(self) -> bool:
        """Whether its container would be running at all."""
        return self.build.outcome is not Outcome.FAIL and self.start.outcome is Outcome.OK


@dataclass(frozen=True, slots=True)
class StackVerdict:
    """Every service's verdict, and the findings that stop compose from loading the project."""

    services: tuple[ServiceVerdict, ...] = ()
    refused: tuple[Diagnostic, ...] = field(default_factory=tuple)
    """Errors for which compose refuses the whole project (nothing starts)."""

    def summary(self) -> str:
        """`3 of 6 services would not start` (and how many would not be healthy)."""
        total = len(self.services)
        if not total:
            return "no services"
        noun = "service" if total == 1 else "services"
        down = sum(1 for s in self.services if not s.starts)
        if self.refused:
            codes = ", ".join(sorted({d.code for d in self.refused}))
            which = "the project" if len({s.project for s in self.services}) == 1 else "a project"
            return f"compose would refuse {which} ({codes}): {down} of {total} {noun} would not start"
        unhealthy = sum(1 for s in self.services if s.starts and not s.up)
        if not down and not unhealthy:
            return f"all {total} {noun} would start" + (
                " and become healthy" if any(s.healthy.outcome is Outcome.OK for s in self.services) else ""
            )
        parts = [f"{down} of {total} {noun} would not start"] if down else []
        if unhealthy:
            parts.append(f"{unhealthy} would start but not become healthy")
        return ", ".join(parts) if down else f"{unhealthy} of {total} {noun} would start but not become healthy"


def _inside(span: Span, region: Span | None) -> bool:
    return (
        region is not None
        and span.path == region.path
        and (region.line, region.col) <= (span.line, span.col)
        and span.line <= region.end_line
    )


def _stage(d: Diagnostic, facts: ServiceFacts | None) -> Stage | None:
    from preflight.rules.stages import BREAKS, UNREADABLE_INPUT, Stage

    if d.code in UNREADABLE_INPUT:
        if facts is None:
            return None
        if d.span.path in facts.compose_files:
            return Stage.PROJECT
        return Stage.START if d.span.path.endswith(".py") else Stage.BUILD
    stage = BREAKS.get(d.code)
    if stage is None or facts is None:
        return stage
    if _inside(d.span, facts.healthcheck_span) and stage is Stage.START:
        return Stage.HEALTHY
    if stage is Stage.BUILD and not facts.builds:
        return Stage.START  # a registry image: pulled and created, not built
    return stage


def _belongs(d: Diagnostic, facts: ServiceFacts, projects: int) -> bool:
    if d.service != facts.name:
        return False
    return projects == 1 or not facts.project or d.span.path.startswith(facts.project + "/")


def _refuses(d: Diagnostic, facts: ServiceFacts) -> bool:
    """Whether an error that makes compose refuse a project is about this service's project."""
    return d.span.path in facts.compose_files or any(r.span.path in facts.compose_files for r in d.related)


def stack_verdict(diagnostics: Iterable[Diagnostic], facts: Sequence[ServiceFacts]) -> StackVerdict:
    """Judge every service from the unsuppressed findings of a check."""
    from preflight.diagnostics import Severity
    from preflight.rules.stages import UNREADABLE_INPUT, Stage

    findings = list(diagnostics)
    projects = len({f.project for f in facts})
    compose_files = {path for f in facts for path in f.compose_files}
    refused: list[Diagnostic] = []
    for d in findings:
        if d.severity is not Severity.ERROR:
            continue
        unreadable_compose = d.code in UNREADABLE_INPUT and d.span.path in compose_files
        if unreadable_compose or _stage(d, None) is Stage.PROJECT:
            refused.append(d)
    steps: dict[str, dict[Stage, list[Diagnostic]]] = {}
    other: dict[str, list[Diagnostic]] = {}
    for f in facts:
        key = f"{f.project}/{f.name}"
        steps[key] = {stage: [] for stage in Stage}
        other[key] = []
        for d in findings:
            if d in refused:
                if _refuses(d, f):
                    steps[key][Stage.PROJECT].append(d)
                continue
            if not _belongs(d, f, projects):
                continue
            stage = _stage(d, f) if d.severity is Severity.ERROR else None
            if stage is None or stage is Stage.PROJECT:
                other[key].append(d)
            else:
                steps[key][stage].append(d)
    return StackVerdict(_propagate(facts, steps, other), tuple(refused))


def _propagate(
    facts: Sequence[ServiceFacts], steps: dict[str, dict[Stage, list[Diagnostic]]], other: dict[str, list[Diagnostic]]
) -> tuple[ServiceVerdict, ...]:
    """Verdicts in dependency order: a service waits for what it depends on."""
    from preflight.rules.stages import Stage

    by_key = {f"{f.project}/{f.name}": f for f in facts}
    done: dict[str, ServiceVerdict] = {}

    def judge(key: str, path: tuple[str, ...]) -> ServiceVerdict:
        if key in done:
            return done[key]
        f = by_key[key]
        own = steps[key]
        build = StepVerdict(Outcome.FAIL, tuple(own[Stage.BUILD])) if own[Stage.BUILD] else None
        if build is None:
            build = StepVerdict(Outcome.OK if f.builds else Outcome.NOT_APPLICABLE)
        blocked: list[str] = []
        for name, condition in f.depends_on:
            dep_key = f"{f.project}/{name}"
            if dep_key not in by_key or dep_key in path:
                continue  # undefined (PF102 says so) or a cycle (compose refuses it)
            dep = judge(dep_key, (*path, key))
            if not dep.starts or (condition == "service_healthy" and not dep.up):
                blocked.append(name)
        if own[Stage.PROJECT] or own[Stage.START]:
            # compose refusing the project fails every service's start, whatever else holds
            start = StepVerdict(Outcome.FAIL, tuple(own[Stage.PROJECT] + own[Stage.START]), tuple(blocked))
        elif blocked:
            start = StepVerdict(Outcome.BLOCKED, (), tuple(blocked))
        elif build.outcome is Outcome.FAIL:
            start = StepVerdict(Outcome.NOT_APPLICABLE)
        else:
            start = StepVerdict(Outcome.OK)
        if own[Stage.HEALTHY]:
            healthy = StepVerdict(Outcome.FAIL, tuple(own[Stage.HEALTHY]))
        elif start.outcome is Outcome.OK and f.healthcheck:
            healthy = StepVerdict(Outcome.OK)
        else:
            healthy = StepVerdict(Outcome.NOT_APPLICABLE)
        verdict = ServiceVerdict(f.name, f.project, build, start, healthy, tuple(other[key]))
        done[key] = verdict
        return verdict

    return tuple(judge(f"{f.project}/{f.name}", ()) for f in facts)
