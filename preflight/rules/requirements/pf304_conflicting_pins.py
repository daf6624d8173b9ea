"""PF304."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Related, Severity, Span
from preflight.model.image.pins import satisfiable
from preflight.parse.requirements import Requirement
from preflight.rules.base import Rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.image.requirements import InstallAnalysis
    from preflight.model.project import Project

Pin = tuple[Requirement, Span, bool]


def _pins(analysis: InstallAnalysis) -> dict[str, list[Pin]]:
    """Specifiers per distribution in one install (markers skipped: they may not apply)."""
    result: dict[str, list[Pin]] = {}
    for requirement, origin in analysis.requirements:
        if requirement.canonical_name is None or requirement.marker or not requirement.specifier:
            continue
        span = (
            Span(origin.rel, requirement.line, requirement.col, requirement.line, requirement.end_col)
            if origin is not None
            else analysis.install.run.inst.span
        )
        constraint = origin.constraint if origin is not None else False
        result.setdefault(requirement.canonical_name, []).append((requirement, span, constraint))
    return result


class ConflictingPins(Rule):
    """An image installs a distribution with version specifiers no version satisfies.

    ## What it does
    Collects, for every `pip install` of an image, the specifiers of each distribution across
    all requirements and `-c` constraints files it reads, and checks that some version satisfies
    them all (with packaging's specifier logic). Separate installs in one image that disagree
    are reported as a warning: the later one silently replaces the earlier version.

    ## Why is this bad?
    pip refuses: `Cannot install fastapi==0.110 and fastapi==0.115 because these package
    versions have conflicting dependencies`, or a constraint excludes a pinned requirement.

    ## Example
    `requirements.txt` pins `redis==5.2.1` and `constraints.txt` says `redis<5`.

    ## Use instead
    Keep one pin per distribution, and constraints that admit it.

    ## References
    - [Version specifiers (PEP 440)](https://packaging.python.org/en/latest/specifications/version-specifiers/)
    - [pip: requirements file format](https://pip.pypa.io/en/stable/reference/requirements-file-format/)
    """

    id = "PF304"
    name = "conflicting-pins"
    severity = Severity.ERROR

    def check(self, project: Project) -> Iterator[Diagnostic]:
        """Unsatisfiable specifier sets, per install and per image."""
        by_image: dict[int, dict[str, list[Pin]]] = {}
        reported_by_image: dict[int, set[str]] = {}
        for analysis in project.installs():
            pins = _pins(analysis)
            service = analysis.first_service
            for name, items in pins.items():
                if satisfiable([r.specifier for r, _, _ in items]) is False:
                    yield self._report(name, items, service, Severity.ERROR, "in one install")
            image_pins = by_image.setdefault(id(analysis.model), {})
            reported = reported_by_image.setdefault(id(analysis.model), set())
            for name, items in pins.items():
                earlier = image_pins.setdefault(name, [])
                if (
                    name not in reported
                    and earlier
                    and satisfiable([r.specifier for r, _, _ in earlier + items]) is False
                    and all(satisfiable([r.specifier for r, _, _ in group]) is not False for group in (earlier, items))
                ):
                    reported.add(name)
                    yield self._report(name, earlier + items, service, Severity.WARNING, "across installs of one image")
                earlier.extend(items)

    def _report(self, name: str, items: list[Pin], service: str | None, severity: Severity, scope: str) -> Diagnostic:
        last = items[-1]
        specs = ", ".join(f"`{r.specifier}`" for r, _, _ in items)
        return self.at(
            last[1],
            f"`{name}` is required with specifiers no version satisfies ({specs}) {scope}",
            help="pin one version that every requirements and constraints file admits",
            service=service,
            severity=severity,
            related=[
                Related(span, f"`{name}{r.specifier}`" + (" (constraint)" if constraint else ""))
                for r, span, constraint in items[:-1]
            ],
        )
