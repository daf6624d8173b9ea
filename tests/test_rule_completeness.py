"""A rule is one module plus fixtures: every piece a rule needs, checked per rule.

CONTRIBUTING.md walks through adding a rule; `missing_pieces` names what a rule still lacks (its
docstring and References, its registry line, its fixtures, its README row, its generated docs
page). The tests below run it over every registered rule, then prove that each check can fail:
on a rule that is only a class, and on a copy of the repository with one piece taken away.
"""

from __future__ import annotations

import re
import shutil
import types
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from preflight.diagnostics import Severity
from preflight.report.rule_docs import render_rule_page
from preflight.rules.base import DOC_SECTIONS, Rule
from preflight.rules.env.pf201_unset_variable import UnsetVariable
from preflight.rules.registry import ALL_RULES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from preflight.diagnostics import Diagnostic
    from preflight.model.project import Project

REPO = Path(__file__).resolve().parent.parent

WITHOUT_REFERENCES = {
    "PF002": "preflight's own reading policy (size, links, encodings): no upstream document says it",
    "PF206": "a convention of .env templates, not a documented behaviour of Compose",
    "PF207": "each image's documentation is cited per variable in preflight/data/images.toml",
}
"""Rules that cite no upstream document, and why. Every other rule has a `## References` section."""

README_ROW = re.compile(r"^\| (PF\d{3}) \| `([a-z0-9-]+)` \| (error|warning|info) \|", re.MULTILINE)
REFERENCE = re.compile(r"- \[[^\]\n]+\]\((?P<url>[^)\s]+)\)")


def references(doc: str) -> list[str] | None:
    """The entries of the docstring's `## References` section (None when it has none)."""
    lines = [line.strip() for line in doc.splitlines()]
    if "## References" not in lines:
        return None
    entries = []
    for line in lines[lines.index("## References") + 1 :]:
        if line.startswith("## "):
            break
        if line:
            entries.append(line)
    return entries


def reference_problems(rule: type[Rule]) -> list[str]:
    """What is wrong with the rule's References: absent, empty, or an entry that is no https link."""
    entries = references(rule.doc())
    if entries is None:
        return [] if rule.id in WITHOUT_REFERENCES else ["docstring has no ## References section"]
    problems = [] if entries else ["## References lists nothing"]
    for entry in entries:
        link = REFERENCE.fullmatch(entry)
        if link is None:
            problems.append(f"References entry is not `- [title](https://...)`: {entry}")
        elif not link["url"].startswith("https://"):
            problems.append(f"References entry is not an https URL: {link['url']}")
    return problems


def missing_pieces(rule: type[Rule], root: Path, registry: Sequence[type[Rule]]) -> list[str]:
    """Everything the rule still lacks in the repository at `root` with this registry (empty: complete)."""
    doc = rule.doc()
    problems = [f"docstring lacks {section}" for section in DOC_SECTIONS if section not in doc]
    problems += reference_problems(rule)
    if rule not in registry:
        problems.append("not registered in ALL_RULES (preflight/rules/registry.py)")
    folder = Path("rules") / f"{rule.id}-{rule.name}"
    for kind in ("positive", "negative"):
        cases = sorted(p for p in (root / folder / kind).glob("*") if p.is_dir())
        if not cases:
            problems.append(f"no {kind} fixture under {(folder / kind).as_posix()}/")
        if kind == "positive":
            problems += [
                f"{(folder / kind / case.name).as_posix()} has no expected.txt"
                for case in cases
                if not (case / "expected.txt").is_file()
            ]
    readme = (root / "README.md").read_text(encoding="utf-8")
    rows = {match[1]: (match[2], match[3]) for match in README_ROW.finditer(readme)}
    if rows.get(rule.id) != (rule.name, rule.severity.value):
        problems.append(f"README's rules table has no row `| {rule.id} | `{rule.name}` | {rule.severity.value} |`")
    page = root / "docs" / "rules" / f"{rule.id}.md"
    if not page.is_file():
        problems.append(f"no docs/rules/{rule.id}.md (run tools/gen_rule_docs.py)")
    elif page.read_text(encoding="utf-8") != render_rule_page(rule):
        problems.append(f"docs/rules/{rule.id}.md is stale (run tools/gen_rule_docs.py)")
    return problems


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_registered_rule_is_complete(rule: type[Rule]) -> None:
    assert missing_pieces(rule, REPO, ALL_RULES) == []


def test_readme_lists_exactly_the_registered_rules_in_order() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [match[1] for match in README_ROW.finditer(readme)] == [r.id for r in ALL_RULES]


def test_exemptions_from_references_name_registered_rules_that_cite_nothing() -> None:
    """An exemption is dropped once its rule cites something, and never outlives its rule."""
    by_id = {r.id: r for r in ALL_RULES}
    for code in WITHOUT_REFERENCES:
        assert code in by_id, code
        assert references(by_id[code].doc()) is None, f"{code} cites documents: drop its exemption"


class _BareRule(Rule):  # no docstring on purpose: it documents nothing
    id = "PF499"
    name = "bare-rule"
    severity = Severity.WARNING

    def check(self, project: Project) -> Iterator[Diagnostic]:
        yield from ()


def test_a_rule_that_is_only_a_class_misses_every_piece() -> None:
    assert missing_pieces(_BareRule, REPO, ALL_RULES) == [
        "docstring lacks ## What it does",
        "docstring lacks ## Why is this bad?",
        "docstring lacks ## Example",
        "docstring lacks ## Use instead",
        "docstring has no ## References section",
        "not registered in ALL_RULES (preflight/rules/registry.py)",
        "no positive fixture under rules/PF499-bare-rule/positive/",
        "no negative fixture under rules/PF499-bare-rule/negative/",
        "README's rules table has no row `| PF499 | `bare-rule` | warning |`",
        "no docs/rules/PF499.md (run tools/gen_rule_docs.py)",
    ]


def _checkout(tmp_path: Path, rule: type[Rule]) -> Path:
    """The pieces of `rule` outside its module, copied to a fresh tree."""
    folder = f"rules/{rule.id}-{rule.name}"
    shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    shutil.copy(REPO / "docs" / "rules" / f"{rule.id}.md", tmp_path / "docs" / "rules")
    shutil.copy(REPO / "README.md", tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PF201 = "rules/PF201-unset-variable"
TAKE_AWAY: dict[str, tuple[Callable[[Path], None], str]] = {
    "positive": (lambda root: shutil.rmtree(root / PF201 / "positive"), f"no positive fixture under {PF201}/positive/"),
    "negative": (lambda root: shutil.rmtree(root / PF201 / "negative"), f"no negative fixture under {PF201}/negative/"),
    "snapshot": (
        lambda root: (root / PF201 / "positive" / "redis-password" / "expected.txt").unlink(),
        f"{PF201}/positive/redis-password has no expected.txt",
    ),
    "readme row": (
        lambda root: _edit(root / "README.md", "`unset-variable` | error |", "`unset-variable` | warning |"),
        "README's rules table has no row `| PF201 | `unset-variable` | error |`",
    ),
    "docs page": (
        lambda root: (root / "docs" / "rules" / "PF201.md").unlink(),
        "no docs/rules/PF201.md (run tools/gen_rule_docs.py)",
    ),
    "fresh docs": (
        lambda root: _edit(root / "docs" / "rules" / "PF201.md", "## Example", "## Examples"),
        "docs/rules/PF201.md is stale (run tools/gen_rule_docs.py)",
    ),
}


@pytest.mark.parametrize("piece", TAKE_AWAY)
def test_taking_one_piece_away_is_reported(tmp_path: Path, piece: str) -> None:
    root = _checkout(tmp_path, UnsetVariable)
    assert missing_pieces(UnsetVariable, root, ALL_RULES) == []
    take_away, problem = TAKE_AWAY[piece]
    take_away(root)
    assert missing_pieces(UnsetVariable, root, ALL_RULES) == [problem]


def test_a_rule_left_out_of_the_registry_is_reported(tmp_path: Path) -> None:
    root = _checkout(tmp_path, UnsetVariable)
    registry = tuple(r for r in ALL_RULES if r is not UnsetVariable)
    assert missing_pieces(UnsetVariable, root, registry) == [
        "not registered in ALL_RULES (preflight/rules/registry.py)"
    ]


@pytest.mark.parametrize(
    ("section", "problems"),
    [
        ("", ["docstring has no ## References section"]),
        ("## References\n", ["## References lists nothing"]),
        (
            "## References\n- [Interpolation](http://docs.docker.com/reference/compose-file/interpolation/)\n",
            ["References entry is not an https URL: http://docs.docker.com/reference/compose-file/interpolation/"],
        ),
        (
            "## References\n- https://docs.docker.com/reference/compose-file/interpolation/\n",
            [
                "References entry is not `- [title](https://...)`: "
                "- https://docs.docker.com/reference/compose-file/interpolation/"
            ],
        ),
        ("## References\n- [Interpolation](https://docs.docker.com/reference/compose-file/interpolation/)\n", []),
    ],
)
def test_references_are_checked(section: str, problems: list[str]) -> None:
    doc = "Summary.\n\n## What it does\n## Why is this bad?\n## Example\n## Use instead\n" + section

    class Documented(_BareRule):
        __doc__ = doc

    assert reference_problems(Documented) == problems


def test_the_example_in_contributing_is_a_working_rule(tmp_path: Path) -> None:
    """CONTRIBUTING.md's worked example runs, and this test names what it still lacks."""
    from preflight.config import Config
    from preflight.model.build import build_project

    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    source = guide.split("````python\n", 1)[1].split("````\n", 1)[0]
    module = types.ModuleType("contributing_example")
    exec(compile(source, "CONTRIBUTING.md", "exec"), module.__dict__)  # noqa: S102 - our own documentation
    rule = module.ContainerNameConflict
    assert missing_pieces(rule, REPO, ALL_RULES) == [
        "not registered in ALL_RULES (preflight/rules/registry.py)",
        "no positive fixture under rules/PF109-container-name-conflict/positive/",
        "no negative fixture under rules/PF109-container-name-conflict/negative/",
        "README's rules table has no row `| PF109 | `container-name-conflict` | error |`",
        "no docs/rules/PF109.md (run tools/gen_rule_docs.py)",
    ]
    compose = "services:\n  api:\n    image: nginx:1.27\n    container_name: app\n"
    compose += "  worker:\n    image: nginx:1.27\n    container_name: app\n"
    (tmp_path / "compose.yaml").write_text(compose, encoding="utf-8")
    found = list(rule().check(build_project(tmp_path, Config())))
    assert [(d.code, d.span.line, d.service) for d in found] == [("PF109", 7, "worker")]
