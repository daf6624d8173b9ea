"""Run the selected rules over the model, then apply severities, suppressions and ordering."""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Diagnostic, Report, printable_diagnostic
from preflight.errors import InternalError
from preflight.files import SourceText, SourceTree, files_read, read_paths

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from preflight.cache import CheckCache
    from preflight.config import Config
    from preflight.model.project import Project
    from preflight.rules.base import Rule

_SUPPRESSION = re.compile(r"#\s*preflight:\s*ignore(?P<file>-file)?(?![-\w])(?:\[(?P<codes>[A-Za-z0-9,\s]*)\])?")


@dataclass(frozen=True, slots=True)
class Suppression:
    """A `# preflight: ignore[...]` comment (its line and the next), or `ignore-file[...]` (the file)."""

    path: str
    line: int
    codes: tuple[str, ...] | None
    """The ids or prefixes it names; None for a bare `ignore`, which suppresses every rule."""
    whole_file: bool

    def covers(self, diag: Diagnostic) -> bool:
        """Whether this comment suppresses the finding."""
        if diag.span.path != self.path:
            return False
        if not self.whole_file and diag.span.line not in (self.line, self.line + 1):
            return False
        return self.codes is None or _matches(diag.code, self.codes)

    def describe(self) -> str:
        """The comment as written (normalised), for messages."""
        kind = "ignore-file" if self.whole_file else "ignore"
        return f"# preflight: {kind}" + (f"[{','.join(self.codes)}]" if self.codes is not None else "")


def _matches(code: str, patterns: Sequence[str]) -> bool:
    return any(code.startswith(p.strip().upper()) for p in patterns if p.strip())


def select_rules(config: Config, rules: Sequence[type[Rule]] | None = None) -> list[type[Rule]]:
    """Rules chosen by `select`/`ignore` (ids or prefixes such as `PF2`), from every rule by default."""
    if rules is None:
        from preflight.rules.registry import ALL_RULES

        rules = ALL_RULES
    chosen = [
        r for r in rules if not config.select or _matches(r.id, config.select) or _matches(r.id, config.extend_select)
    ]
    return [r for r in chosen if not _matches(r.id, config.ignore)]


def check(root: Path, config: Config, cwd: Path | None = None, cache: CheckCache | None = None) -> Report:
    """Check the repository at `root` and return the report (Python facts from `cache` when given)."""
    from preflight.model.build import build_project

    try:
        project = build_project(root, config, cwd, python_facts=cache)
    except Exception as err:
        raise InternalError("loading the project model", err) from err
    try:
        return _check(project, config)
    finally:
        if cache is not None and _looked_beyond(project, cache):
            cache.note_outside_root()


def _looked_beyond(project: Project, cache: CheckCache) -> bool:
    """Whether the check read files or build contexts the cache's fingerprint does not watch."""
    return (
        not all(cache.watches(rel) for rel in project.tree._cache)
        or not all(cache.watches(model.context_rel) for model in project.images)
        or not all(cache.watches(project.tree.rel(compose.directory)) for compose in project.compose)
    )


def _check(project: Project, config: Config) -> Report:
    """Run the selected rules over the model."""
    from preflight.verdict import service_facts

    found: list[Diagnostic] = []
    # with nothing any rule reads, every rule is silent (a test proves it): the rules and the
    # model behind them are not even imported
    for rule_class in [] if _nothing_to_check(project) else sorted(select_rules(config), key=lambda r: r.runs_last):
        rule = rule_class()
        try:
            found.extend(rule.check(project))
        except Exception as err:
            raise InternalError(f"rule {rule.id} ({rule.name})", err) from err
    report = finish(found, config, project.tree)
    report.services = service_facts(project) if project.compose or project.images else ()
    report.targets = tuple(", ".join(c.files) or c.rel_dir for c in project.compose) + tuple(
        m.dockerfile_rel for m in project.images if not m.services
    )
    report.read_files = read_paths(project.tree)
    return report


def _nothing_to_check(project: Project) -> bool:
    """No compose project, no image and no requirements file: nothing any rule reads."""
    from preflight.discover import looks_like_requirements

    return (
        not project.compose
        and not project.images
        and not any(looks_like_requirements(folder.path / name) for folder in project.folders for name in folder.files)
    )


def finish(found: list[Diagnostic], config: Config, tree: SourceTree) -> Report:
    """Apply severity overrides, per-path ignores and inline suppressions; dedupe and sort."""
    report = Report(files_checked=files_read(tree))
    comments = _suppressions(tree)
    used: set[Suppression] = set()
    if config.unread is not None:
        report.notes = (f"[tool.preflight] in {config.unread.path} could not be read: the defaults applied",)
    seen: set[tuple[object, ...]] = set()
    for diag in sorted(found, key=Diagnostic.sort_key):
        key = (diag.code, diag.span, diag.message)
        if key in seen:
            continue
        seen.add(key)
        diag = dataclasses.replace(diag, severity=config.severity_for(diag.code, diag.severity))
        covering = [c for c in comments.get(diag.span.path, ()) if c.covers(diag)]
        used.update(covering)
        suppressed = _path_ignored(diag, config) or bool(covering)
        diag = printable_diagnostic(diag)  # after reading the file by its real name
        if suppressed:
            report.suppressed.append(dataclasses.replace(diag, suppressed=True))
        else:
            report.diagnostics.append(diag)
    if not comments:
        return report
    from preflight.rules.registry import ALL_RULES

    ran = [r.id for r in select_rules(config)]
    every_rule_ran = len(ran) == len(ALL_RULES)
    report.unused_suppressions = tuple(
        (c.path, c.line, c.describe())
        for path in sorted(comments)
        for c in comments[path]
        if c not in used and _could_have_matched(c, ran, every_rule_ran)
    )
    return report


def _could_have_matched(comment: Suppression, ran: Sequence[str], every_rule_ran: bool) -> bool:
    """Whether a comment that suppressed nothing is stale, not merely about rules that did not run."""
    if comment.codes is None:
        return every_rule_ran
    return all(any(_matches(code, (named,)) for code in ran) for named in comment.codes)


def _suppressions(tree: SourceTree) -> dict[str, list[Suppression]]:
    """Every suppression comment in the files the check read, by root-relative path."""
    found: dict[str, list[Suppression]] = {}
    for rel in read_paths(tree):
        source = tree.read_text(tree.root / rel)
        if not isinstance(source, SourceText) or "preflight:" not in source.text:
            continue
        for number, line in enumerate(source.text.splitlines(), start=1):
            for match in _SUPPRESSION.finditer(line):
                codes = match.group("codes")
                named = tuple(c.strip().upper() for c in codes.split(",") if c.strip()) if codes is not None else None
                found.setdefault(rel, []).append(Suppression(rel, number, named, bool(match.group("file"))))
    return found


def _path_ignored(diag: Diagnostic, config: Config) -> bool:
    return any(
        fnmatch.fnmatchcase(diag.span.path, pattern) and _matches(diag.code, codes)
        for pattern, codes in config.per_path_ignores
    )
