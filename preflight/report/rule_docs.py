"""A documentation page per rule (`docs/rules/PF402.md`), rendered from the rule's docstring.

The pages are generated (`python tools/gen_rule_docs.py`) and a test checks they are up to
date, so the docs cannot drift from the code; SARIF's `helpUri` points at them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from preflight.rules.base import Rule

GENERATED = "<!-- generated from the rule's docstring by tools/gen_rule_docs.py: edit the docstring -->"


def _source_path(rule: type[Rule]) -> str:
    return rule.__module__.replace(".", "/") + ".py"


def render_rule_page(rule: type[Rule]) -> str:
    """The markdown page of one rule."""
    doc = rule.doc()
    summary, _, body = doc.partition("\n")
    lines = [
        GENERATED,
        f"# {rule.id} `{rule.name}`",
        "",
        summary.strip() or rule.name,
        "",
        f"- Default severity: **{rule.severity.value}** (change it under `[tool.preflight.severity]`)",
        f"- Family: `{rule.family() or 'other'}`",
        f"- Suppress one finding: `# preflight: ignore[{rule.id}]` on its line or the line above",
        f"- Source: [`{_source_path(rule)}`](../../{_source_path(rule)})",
        "",
        body.strip(),
        "",
    ]
    return "\n".join(lines)


def render_index(rules: Sequence[type[Rule]]) -> str:
    """`docs/rules/README.md`: every rule with its summary, linking to its page."""
    lines = [GENERATED, "# Rules", "", "| Code | Name | Default | Summary |", "|---|---|---|---|"]
    for r in rules:
        summary = r.summary().replace("|", "\\|")
        lines.append(f"| [{r.id}]({r.id}.md) | `{r.name}` | {r.severity.value} | {summary} |")
    return "\n".join(lines) + "\n"


def rule_pages(rules: Sequence[type[Rule]]) -> dict[str, str]:
    """File name -> content for every page of `docs/rules/`, the index included."""
    pages = {f"{r.id}.md": render_rule_page(r) for r in rules}
    pages["README.md"] = render_index(rules)
    return pages
