"""Run the selected rules over the model, then apply severities, suppressions and ordering."""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Report
from preflight.errors import InternalError
from preflight.files import SourceText, SourceTree, files_read
from preflight.rules import ALL_RULES

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from preflight.config import Config
    from preflight.rules.base import Rule

_SUPPRESSION = re.compile(r"#\s*preflight:\s*ignore(?:\[(?P<codes>[A-Za-z0-9,\s]*)\])?")


def _matches(code: str, patterns: Sequence[str]) -> bool:
    return any(code.startswith(p.strip().upper()) for p in patterns if p.strip())


def select_rules(config: Config, rules: Sequence[type[Rule]] = ALL_RULES) -> list[type[Rule]]:
    """Rules chosen by `select`/`ignore` (ids or prefixes such as `PF2`)."""
    chosen = [r for r in rules if not config.select or _matches(r.id, config.select)]
    return [r for r in chosen if not _matches(r.id, config.ignore)]


def check(root: Path, config: Config, cwd: Path | None = None) -> Report:
    """Check the repository at `root` and return the report."""
    from preflight.model.build import build_project
    from preflight.verdict import service_facts

    try:
        project = build_project(root, config, cwd)
    except Exception as err:
        raise InternalError("loading the project model", err) from err
    found: list[Diagnostic] = []
    for rule_class in select_rules(config):
        rule = rule_class()
        try:
            found.extend(rule.check(project))
        except Exception as err:
            raise InternalError(f"rule {rule.id} ({rule.name})", err) from err
    report = finish(found, config, project.tree)
    report.services = service_facts(project)
    return report


def finish(found: list[Diagnostic], config: Config, tree: SourceTree) -> Report:
    """Apply severity overrides, per-path ignores and inline suppressions; dedupe and sort."""
    report = Report(files_checked=files_read(tree))
    seen: set[tuple[object, ...]] = set()
    for diag in sorted(found, key=Diagnostic.sort_key):
        key = (diag.code, diag.span, diag.message)
        if key in seen:
            continue
        seen.add(key)
        diag = dataclasses.replace(diag, severity=config.severity_for(diag.code, diag.severity))
        if _path_ignored(diag, config) or _inline_suppressed(diag, tree):
            report.suppressed.append(dataclasses.replace(diag, suppressed=True))
        else:
            report.diagnostics.append(diag)
    return report


def _path_ignored(diag: Diagnostic, config: Config) -> bool:
    return any(
        fnmatch.fnmatchcase(diag.span.path, pattern) and _matches(diag.code, codes)
        for pattern, codes in config.per_path_ignores
    )


def _inline_suppressed(diag: Diagnostic, tree: SourceTree) -> bool:
    """`# preflight: ignore[PF201]` (or a bare `ignore`) on the line or the line above."""
    source = tree.read_text(tree.root / diag.span.path)
    if not isinstance(source, SourceText):
        return False
    lines = source.text.splitlines()
    for number in (diag.span.line, diag.span.line - 1):
        if 1 <= number <= len(lines):
            match = _SUPPRESSION.search(lines[number - 1])
            if match is None:
                continue
            codes = match.group("codes")
            if codes is None or _matches(diag.code, codes.split(",")):
                return True
    return False
