"""Meta-tests of the registry (what each rule needs besides its module: tests/test_rule_completeness.py)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import preflight.rules
from preflight.rules.base import Rule
from preflight.rules.registry import ALL_RULES

REPO = Path(__file__).resolve().parent.parent
FAMILY = {
    "0": "inputs",
    "1": "compose",
    "2": "env",
    "3": "requirements",
    "4": "imports",
    "5": "dockerfile",
    "6": "security",
}


def test_ids_and_names_are_unique_and_well_formed() -> None:
    ids = [r.id for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    assert ids == sorted(ids)
    for rule in ALL_RULES:
        assert re.fullmatch(r"PF\d{3}", rule.id)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)


def test_every_rule_module_is_registered_in_its_family() -> None:
    registered = {r.__module__ for r in ALL_RULES}
    found = set()
    for info in pkgutil.walk_packages(preflight.rules.__path__, "preflight.rules."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == info.name
            ):
                found.add(info.name)
                assert value.id[2] in FAMILY
                assert info.name.split(".")[2] == FAMILY[value.id[2]], info.name
                assert info.name.endswith(f"{value.id.lower()}_{value.name.replace('-', '_')}")
    assert found == registered


def test_every_rule_is_silent_without_compose_dockerfiles_or_requirements(tmp_path: Path) -> None:
    """The engine skips the rules when there is nothing they read: this is why it may."""
    from preflight.config import Config
    from preflight.engine import _nothing_to_check
    from preflight.model.build import build_project

    (tmp_path / "app.py").write_text("import missing_module\ndef broken(:\n", encoding="utf-8")
    (tmp_path / ".env").write_text("BROKEN LINE\nKEY=value\n", encoding="utf-8")
    (tmp_path / ".env.example").write_text("OTHER=\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".dockerignore").write_text("[\n", encoding="utf-8")
    project = build_project(tmp_path, Config())
    assert _nothing_to_check(project)
    for rule in ALL_RULES:
        assert list(rule().check(project)) == [], rule.id
    (tmp_path / "requirements-dev.txt").write_text("not a requirement ===\n", encoding="utf-8")
    assert not _nothing_to_check(build_project(tmp_path, Config()))
