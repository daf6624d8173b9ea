"""Judge every import a container makes: stdlib, first-party in the image, or installed.

Findings are produced once per project and handed to PF401-PF405 by code.
"""

from __future__ import annotations

import dataclasses
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.diagnostics import Related, Severity, Span
from preflight.model.findings import Finding
from preflight.model.image.filesystem import Presence, image_paths_of

if TYPE_CHECKING:
    from preflight.model.project import Project
    from preflight.model.runtime.container import ServiceRuntime
    from preflight.parse.python import ImportRef, PythonModule

_SETUPTOOLS_MODULES = ("setuptools", "pkg_resources", "distutils")


def _span(module: PythonModule, ref: ImportRef) -> Span:
    return Span(module.path, ref.line, ref.col, ref.end_line, ref.end_col)


def _version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def _applies(ref: ImportRef, python: str | None) -> bool:
    """Imports under `if sys.version_info >= (3, 11):` only count on matching Pythons."""
    if ref.python_version is None or python is None:
        return ref.python_version is None
    op = "".join(c for c in ref.python_version if c in "<>=!")
    bound = _version_tuple(ref.python_version[len(op) :])
    have = _version_tuple(python)
    return {">=": have >= bound, ">": have > bound, "<": have < bound, "<=": have <= bound}.get(op, True)


def check_imports(project: Project) -> list[Finding]:
    """Import findings of every built service (PF401, PF402, PF403, PF405)."""
    findings: list[Finding] = []
    seen: set[tuple[str, int, str, str]] = set()
    undeclared: dict[tuple[str, str], int] = {}  # (service, module) -> index of its one PF403
    for runtime in project.runtimes():
        for module, ref, absolute in runtime.imports:
            finding = _judge(project, runtime, module, ref, absolute)
            if finding is None:
                continue
            key = (finding.span.path, finding.span.line, absolute, finding.code)
            if key in seen:
                continue
            seen.add(key)
            if finding.code == "PF403":  # one undeclared distribution: one finding per service
                top = absolute.split(".")[0]
                first = undeclared.get((runtime.service.name, top))
                if first is not None:
                    earlier = findings[first]
                    note = Related(finding.span, f"`{top}` is also imported here")
                    findings[first] = dataclasses.replace(earlier, related=(*earlier.related, note))
                    continue
                undeclared[(runtime.service.name, top)] = len(findings)
            findings.append(finding)
    return findings


def _judge(
    project: Project, runtime: ServiceRuntime, module: PythonModule, ref: ImportRef, absolute: str
) -> Finding | None:
    from preflight.knowledge import is_stdlib_module, stdlib_modules

    if ref.optional or ref.type_checking or not _applies(ref, runtime.python):
        return None
    top = absolute.split(".")[0]
    python = runtime.python
    provided = runtime.provided
    service = runtime.service.name
    soft = runtime.guessed
    if top == "__future__" or top in ((python and stdlib_modules(python)) or ()):
        return None
    if python is None and is_stdlib_module(top):
        return None
    assert runtime.locator is not None  # noqa: S101 - set by build_runtime
    presence, _hit = runtime.locator.find(top)
    if presence is not Presence.ABSENT:
        return None
    if top in provided.declared or top in provided.transitive or top in provided.broken:
        return None
    if provided.unknown:
        return None  # an install that is not understood may have brought it (a backport too)
    if python is not None and (
        is_stdlib_module(top) or (top in _SETUPTOOLS_MODULES and _version_tuple(python) >= (3, 12))
    ):
        return Finding(
            "PF405",
            Severity.WARNING if soft else Severity.ERROR,
            _span(module, ref),
            f"`{top}` is not in the standard library of Python {python}, the image's Python "
            f"({runtime.stage.base or 'base image'})",
            help="install the backport (e.g. `setuptools`, `tomli`), or pick a base image with a Python that has it",
            related=(),
            service=service,
        )
    local = _in_repository(project, runtime, module, top)
    if local is not None:
        return _not_copied(project, runtime, module, ref, top, local, soft)
    if provided.installs and not provided.closure_known:
        return Finding(
            "PF403",
            Severity.WARNING,
            _span(module, ref),
            f"`{top}` is imported but no requirement of the image declares it; it may only arrive as "
            "a dependency of another package",
            help=f"add the distribution that provides `{top}` to the image's requirements",
            related=(),
            service=service,
        )
    return Finding(
        "PF401",
        Severity.WARNING if soft else Severity.ERROR,
        _span(module, ref),
        f'no module named `{top}` in the image of service "{service}": nothing installs it and it is not in the image',
        help=f"add the distribution that provides `{top}` to the requirements the image installs",
        related=(),
        service=service,
    )


def _in_repository(project: Project, runtime: ServiceRuntime, module: PythonModule, top: str) -> Path | None:
    """The repository copy of a missing module, preferring the one nearest the importing file."""
    candidates = project.repo_modules().get(top, [])
    if not candidates:
        return None
    importer = project.root / module.path

    def distance(path: Path) -> tuple[int, str]:
        common = len(Path(*[a for a, b in zip(path.parts, importer.parts, strict=False) if a == b]).parts)
        return (-common, str(path))

    return sorted(candidates, key=distance)[0]


def _not_copied(
    project: Project, runtime: ServiceRuntime, module: PythonModule, ref: ImportRef, top: str, local: Path, soft: bool
) -> Finding:
    model = runtime.model
    assert model.fs is not None  # noqa: S101 - runtime images are evaluated
    context = model.spec.context
    repo_rel = project.rel(local)
    related = [
        Related(
            Span(repo_rel if local.is_file() else _init_or_dir(project, local), 1, 1),
            f"`{top}` is here in the repository",
        )
    ]
    related.append(Related(model.spec.span, f"build context `{model.context_rel}`"))
    if not (local == context or context in local.parents):
        why = f"it is outside the build context `{model.context_rel}`"
    else:
        ctx_rel = local.relative_to(context).as_posix()
        pattern = model.fs.context.excluded_by(ctx_rel)
        copies = image_paths_of(model.fs, runtime.stage, ctx_rel)
        if pattern is not None and model.dockerignore_rel is not None:
            why = f"`.dockerignore` pattern `{pattern.text}` keeps it out of the build context"
            related.append(Related(Span(model.dockerignore_rel, pattern.line, pattern.col), "excluded here"))
        elif copies:
            why = f"it is copied to `{copies[0]}`, which is not on sys.path ({', '.join(runtime.sys_path)})"
        else:
            why = "no COPY puts it in the image"
            copy_ops = [op for op in runtime.stage.copies if op.from_stage is None]
            if copy_ops:
                related.append(Related(copy_ops[-1].inst.span, "the Dockerfile copies only this"))
    return Finding(
        "PF402",
        Severity.WARNING if soft else Severity.ERROR,
        _span(module, ref),
        f'`{top}` exists in the repository but not in the image of service "{runtime.service.name}": {why}',
        help="COPY it into the image (and keep it on sys.path), or move it into the package the image copies",
        related=tuple(related),
        service=runtime.service.name,
    )


def _init_or_dir(project: Project, folder: Path) -> str:
    init = folder / "__init__.py"
    return project.rel(init) if init.is_file() else posixpath.join(project.rel(folder), "")
