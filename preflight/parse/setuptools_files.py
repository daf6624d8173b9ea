"""A project's ``setup.cfg`` and ``setup.py`` read statically (``setup.py`` by ``ast`` only, never run),
into :class:`Declared`, what the project's files declare (:mod:`preflight.parse.pyproject` fills it too).
"""

from __future__ import annotations

import ast
import configparser
from dataclasses import dataclass, field

from preflight.diagnostics import ParseProblem
from preflight.parse.pyproject_packages import Find, SetuptoolsConfig, Tree, string_list


@dataclass(slots=True)
class Declared:
    """What the project's files declare, as they are read (a later file fills only what is unset)."""

    name: str | None = None
    dependencies: list[str] | None = None
    extras: list[tuple[str, tuple[str, ...]]] | None = None
    python_requires: str | None = None
    setuptools: SetuptoolsConfig = field(default_factory=SetuptoolsConfig)
    problems: list[tuple[str, ParseProblem]] = field(default_factory=list)


def _cfg_list(text: str, *, semicolons: bool = False) -> list[str]:
    lines = [line.split(" #", 1)[0].strip() for line in text.splitlines()]
    if semicolons or len([line for line in lines if line]) > 1:
        return [line for line in lines if line and not line.startswith("#")]
    return [item.strip() for item in ",".join(lines).split(",") if item.strip()]


def read_setup_cfg(tree: Tree, found: Declared) -> None:
    """Add what ``setup.cfg`` declares (its problems too)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(tree.read_text("setup.cfg") or "", source="setup.cfg")
    except configparser.Error as exc:
        found.problems.extend(("setup.cfg", problem) for problem in _cfg_problems(exc))
        return
    get = parser.get
    if found.name is None and parser.has_option("metadata", "name"):
        found.name = get("metadata", "name").strip()
    if found.dependencies is None and parser.has_option("options", "install_requires"):
        found.dependencies = _cfg_list(get("options", "install_requires"), semicolons=True)
    if found.extras is None and parser.has_section("options.extras_require"):
        extras = parser.items("options.extras_require")
        found.extras = [(k, tuple(_cfg_list(v, semicolons=True))) for k, v in extras]
    if found.python_requires is None and parser.has_option("options", "python_requires"):
        found.python_requires = get("options", "python_requires").strip()
    config = found.setuptools
    if not config.package_dir and parser.has_option("options", "package_dir"):
        pairs = (item.partition("=") for item in _cfg_list(get("options", "package_dir")))
        config.package_dir = {k.strip(): v.strip() for k, _, v in pairs}
    if config.packages is None and not config.unknown and parser.has_option("options", "packages"):
        value = get("options", "packages").strip()
        if value in ("find:", "find_namespace:"):
            section = "options.packages.find"

            def opt(key: str) -> list[str] | None:
                return _cfg_list(get(section, key)) if parser.has_option(section, key) else None

            where = opt("where") or ["."]  # not package_dir: a classic cause of empty wheels
            config.packages = Find(
                (where[0],), tuple(opt("include") or ("*",)), tuple(opt("exclude") or ()), value != "find:"
            )
        else:
            config.packages = _cfg_list(value)
    if config.py_modules is None and parser.has_option("options", "py_modules"):
        config.py_modules = _cfg_list(get("options", "py_modules"))


def _cfg_problems(exc: configparser.Error) -> list[ParseProblem]:
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return [ParseProblem("File contains no section headers.", exc.lineno)]
    if isinstance(exc, configparser.ParsingError):
        errors = getattr(exc, "errors", [])
        return [ParseProblem(f"Source contains a parsing error: {_unrepr(line)!r}", int(n)) for n, line in errors]
    if isinstance(exc, configparser.DuplicateOptionError):
        message = f"option {exc.option!r} in section {exc.section!r} already exists"
        return [ParseProblem(message, exc.lineno or 1)]
    if isinstance(exc, configparser.DuplicateSectionError):
        return [ParseProblem(f"section {exc.section!r} already exists", exc.lineno or 1)]
    return [ParseProblem(str(exc).splitlines()[0] if str(exc) else "invalid setup.cfg")]


def _unrepr(text: object) -> str:
    try:
        value = ast.literal_eval(str(text))
    except (ValueError, SyntaxError):
        value = text
    return str(value).strip()


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return SetuptoolsConfig  # a marker: present but not a literal


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _find_call(node: ast.expr) -> Find | None:
    if not isinstance(node, ast.Call):
        return None
    kind = _call_name(node.func)
    if kind not in ("find_packages", "find_namespace_packages"):
        return None
    args = dict(zip(("where", "exclude", "include"), node.args, strict=False))
    args.update({kw.arg: kw.value for kw in node.keywords if kw.arg})
    values = {key: _literal(value) for key, value in args.items()}
    where = values.get("where", ".")
    if not isinstance(where, str):
        return None
    include, exclude = string_list(values.get("include", ["*"])), string_list(values.get("exclude", []))
    if include is None or exclude is None:
        return None
    return Find((where,), tuple(include), tuple(exclude), kind == "find_namespace_packages")


def read_setup_py(tree: Tree, found: Declared) -> None:
    """Add what the literal arguments of ``setup()`` in ``setup.py`` declare."""
    try:
        module = ast.parse(tree.read_text("setup.py") or "", filename="setup.py")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line, col = getattr(exc, "lineno", None) or 1, getattr(exc, "offset", None) or 1
        message = getattr(exc, "msg", "") or str(exc) or "source is nested too deeply to parse"
        found.problems.append(("setup.py", ParseProblem(message, line, col)))
        return
    calls = [n for n in ast.walk(module) if isinstance(n, ast.Call) and _call_name(n.func) == "setup"]
    if not calls:
        return
    keywords = {kw.arg: kw.value for kw in calls[0].keywords if kw.arg}
    values = {key: _literal(node) for key, node in keywords.items()}
    config = found.setuptools
    if isinstance(values.get("name"), str) and found.name is None:
        found.name = str(values["name"])
    if found.dependencies is None and (deps := string_list(values.get("install_requires"))) is not None:
        found.dependencies = deps
    extras = values.get("extras_require")
    if found.extras is None and isinstance(extras, dict):
        found.extras = [(str(k), tuple(string_list(v) or ())) for k, v in extras.items()]
    if isinstance(values.get("python_requires"), str) and found.python_requires is None:
        found.python_requires = str(values["python_requires"])
    package_dir = values.get("package_dir")
    if isinstance(package_dir, dict):
        config.package_dir = {str(k): str(v) for k, v in package_dir.items()}
    if "packages" in keywords:
        finder = _find_call(keywords["packages"])
        config.packages = finder or string_list(values["packages"])
        config.unknown = config.packages is None
    if "py_modules" in keywords:
        config.py_modules = string_list(values["py_modules"]) or []
    if any(not kw.arg for kw in calls[0].keywords):  # setup(**kwargs): nothing is certain
        config.unknown = config.unknown or (config.packages is None and config.py_modules is None)
