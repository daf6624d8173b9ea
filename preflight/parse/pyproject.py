"""Static reader of a local Python project: pyproject.toml, setup.cfg and (by ``ast`` only) setup.py.

Nothing is executed. The file system is read through
:class:`~preflight.parse.pyproject_packages.Tree`, which never leaves ``root`` (paths that resolve
outside it, through ``..`` or symlinks, look absent). ``package_roots`` tells which top-level import
names a wheel of the project provides and where their sources live, following each build backend's
own discovery rules (see :mod:`preflight.parse.pyproject_packages`); ``build_errors`` holds the
refusals the backend would raise while building (no package found, several top-level packages in a
flat layout), in the backend's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from preflight.diagnostics import ParseProblem
from preflight.parse.pyproject_packages import (
    BackendKind,
    Find,
    SetuptoolsConfig,
    Tree,
    package_roots,
    string_list,
    sub_table,
)
from preflight.parse.setuptools_files import Declared, read_setup_cfg, read_setup_py
from preflight.parse.toml import parse_toml

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["BackendKind", "LocalProject", "read_local_project"]


_BACKENDS = (
    ("setuptools", BackendKind.SETUPTOOLS),
    ("hatchling", BackendKind.HATCHLING),
    ("poetry", BackendKind.POETRY),
    ("flit", BackendKind.FLIT),
    ("pdm", BackendKind.PDM),
    ("uv_build", BackendKind.UV),
)


@dataclass(frozen=True, slots=True)
class LocalProject:
    """What a local project declares; paths are POSIX and relative to ``root``.

    ``problems`` are syntax errors of its files; ``problem_files`` names the file of each one.
    """

    root: Path
    name: str | None = None
    canonical_name: str | None = None
    build_backend: str | None = None
    backend_kind: BackendKind = BackendKind.SETUPTOOLS
    dependencies: tuple[str, ...] = ()
    optional_dependencies: tuple[tuple[str, tuple[str, ...]], ...] = ()
    python_requires: str | None = None
    dependency_files: tuple[str, ...] = ()  # setuptools' dynamic dependencies = {file = [...]}
    package_roots: tuple[tuple[str, str], ...] = ()
    build_errors: tuple[str, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    problem_files: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Dependency groups: PEP 735 ``[dependency-groups]``, poetry's ``[tool.poetry.group.X]``,
    pdm's ``dev-dependencies``; ``optional_groups`` names the poetry groups marked optional."""
    optional_groups: tuple[str, ...] = ()
    default_groups: tuple[str, ...] | None = None
    """``[tool.uv] default-groups`` when set (uv installs ``dev`` by default)."""
    workspace_members: tuple[str, ...] = ()
    """``[tool.uv.workspace] members`` globs; ``workspace_exclude`` the excluded ones."""
    workspace_exclude: tuple[str, ...] = ()
    has_project_table: bool = False
    scripts: tuple[tuple[str, str], ...] = ()
    """Console scripts: (name, `module:attribute`) from ``[project.scripts]`` or ``[tool.poetry.scripts]``."""
    uv_package: bool | None = None
    """``[tool.uv] package`` when set (False: uv never installs the project itself)."""
    setuptools_base: str | None = None
    """setuptools' ``package_dir[""]`` when configured (``where`` of a single-folder find)."""
    build_requires: tuple[str, ...] | None = None
    """``[build-system] requires`` as written; None when pyproject.toml does not say it."""
    setuptools_package_dir: tuple[tuple[str, str], ...] = ()
    """setuptools' ``package_dir`` as configured (``packages.find.where`` sets its ``""`` key)."""
    setuptools_explicit: bool = False
    """setuptools is told ``packages`` or ``py_modules`` (no automatic discovery)."""
    wheel_options: tuple[str, ...] = ()
    """Backend options that put into the wheel what the package folders do not hold (build
    hooks, force-included or renamed sources, extension modules...), as dotted ``[tool]`` keys."""


def read_local_project(root: Path, tree: Tree | None = None) -> LocalProject | None:
    """Read the project at ``root`` statically; None when it has no pyproject.toml/setup.py/setup.cfg.

    ``tree`` is a view of ``root`` to read instead of the folder as it is on disk (the files an
    image holds at one step of its build).
    """
    tree = tree or Tree(root)
    files = tuple(f for f in ("pyproject.toml", "setup.cfg", "setup.py") if tree.is_file(f))
    if not files:
        return None
    found = Declared()
    data = _read_toml(tree, found) if "pyproject.toml" in files else {}
    project, tool = sub_table(data, "project"), sub_table(data, "tool")
    poetry = sub_table(tool, "poetry")
    _read_pep621(project, found)
    _read_poetry(poetry, found)
    if "setup.py" in files:
        read_setup_py(tree, found)
    if "setup.cfg" in files:
        read_setup_cfg(tree, found)
    _read_tool_setuptools(sub_table(tool, "setuptools"), found.setuptools)
    backend = sub_table(data, "build-system").get("build-backend")
    backend = backend if isinstance(backend, str) else None
    kind = BackendKind.SETUPTOOLS
    if backend is not None:
        kind = next((k for prefix, k in _BACKENDS if backend.startswith(prefix)), BackendKind.OTHER)
    roots, errors = package_roots(kind, tree, found.name, found.setuptools, tool)
    requires = string_list(sub_table(data, "build-system").get("requires"))
    found.problems.extend(tree.problems)
    return LocalProject(
        root=root,
        name=found.name,
        canonical_name=None if found.name is None else str(_canonical_name(found.name)),
        build_backend=backend,
        backend_kind=kind,
        dependencies=tuple(found.dependencies or ()),
        optional_dependencies=tuple(found.extras or ()),
        python_requires=found.python_requires,
        dependency_files=tuple(string_list(_dynamic_files(tool)) or ()),
        package_roots=tuple(dict.fromkeys(roots)),
        build_errors=tuple(errors),
        problems=tuple(problem for _, problem in found.problems),
        problem_files=tuple(path for path, _ in found.problems),
        files=files,
        scripts=_scripts(data),
        setuptools_base=found.setuptools.package_dir.get(""),
        uv_package=_uv_package(data),
        build_requires=None if requires is None else tuple(requires),
        setuptools_package_dir=tuple(found.setuptools.package_dir.items()),
        setuptools_explicit=found.setuptools.packages is not None or found.setuptools.py_modules is not None,
        wheel_options=tuple(".".join(path) for path in _WHEEL_OPTIONS if _has_key(tool, path)),
        **_groups_and_workspace(data),
    )


# `[tool]` keys by which a backend adds, renames or generates files of the wheel
_WHEEL_OPTIONS: tuple[tuple[str, ...], ...] = (
    ("setuptools", "ext-modules"),
    ("setuptools", "data-files"),
    ("hatch", "build", "hooks"),
    ("hatch", "build", "force-include"),
    ("hatch", "build", "sources"),
    ("hatch", "build", "dev-mode-dirs"),
    ("hatch", "build", "targets", "wheel", "hooks"),
    ("hatch", "build", "targets", "wheel", "force-include"),
    ("hatch", "build", "targets", "wheel", "sources"),
    ("poetry", "build"),
    ("poetry", "include"),
    ("pdm", "build", "custom-hook"),
    ("pdm", "build", "run-setuptools"),
    ("flit", "external-data"),
)


def _has_key(table: dict[str, object], path: tuple[str, ...]) -> bool:
    """Whether the nested tables of `table` hold the key `path` (with any value)."""
    *tables, last = path
    for key in tables:
        table = sub_table(table, key)
    return last in table


def _groups_and_workspace(data: dict[str, object]) -> dict[str, Any]:
    """Dependency groups of every tool and the uv workspace table, as LocalProject fields."""
    tool = sub_table(data, "tool")
    groups: dict[str, list[str]] = {}
    for name, items in sub_table(data, "dependency-groups").items():
        if isinstance(items, list):  # `{include-group = ...}` entries are left out
            groups.setdefault(name, []).extend(i for i in items if isinstance(i, str))
    optional: list[str] = []
    for name, table in sub_table(sub_table(tool, "poetry"), "group").items():
        deps = sub_table(table, "dependencies")
        groups.setdefault(name, []).extend(d for k, v in deps.items() if (d := _poetry_dependency(k, v)))
        if isinstance(table, dict) and table.get("optional") is True:
            optional.append(name)
    for name, items in sub_table(sub_table(tool, "pdm"), "dev-dependencies").items():
        groups.setdefault(name, []).extend(string_list(items) or ())
    uv = sub_table(tool, "uv")
    workspace = sub_table(uv, "workspace")
    defaults = string_list(uv.get("default-groups"))
    return {
        "groups": tuple((k, tuple(v)) for k, v in groups.items()),
        "optional_groups": tuple(optional),
        "default_groups": None if defaults is None else tuple(defaults),
        "workspace_members": tuple(string_list(workspace.get("members")) or ()),
        "workspace_exclude": tuple(string_list(workspace.get("exclude")) or ()),
        "has_project_table": "project" in data or "name" in sub_table(tool, "poetry"),
    }


def _scripts(data: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """Console scripts the project declares (a poetry script may be a table with `reference`)."""
    found: dict[str, str] = {}
    tables = (sub_table(sub_table(data, "project"), "scripts"), sub_table(sub_table(data, "tool"), "poetry"))
    for name, value in tables[0].items():
        if isinstance(value, str):
            found.setdefault(name, value)
    for name, value in sub_table(tables[1], "scripts").items():
        console = isinstance(value, dict) and value.get("type", "console") == "console"
        target = value.get("reference") if isinstance(value, dict) and console else value
        if isinstance(target, str):
            found.setdefault(name, target)
    return tuple(found.items())


def _uv_package(data: dict[str, object]) -> bool | None:
    value = sub_table(sub_table(data, "tool"), "uv").get("package")
    return value if isinstance(value, bool) else None


def _dynamic_files(tool: dict[str, object]) -> object:
    return sub_table(sub_table(sub_table(tool, "setuptools"), "dynamic"), "dependencies").get("file")


def _read_toml(tree: Tree, found: Declared) -> dict[str, object]:
    text = tree.read_text("pyproject.toml")
    if text is None:
        return {}  # unreadable: the reason is in tree.problems
    parsed = parse_toml(text)
    if isinstance(parsed, ParseProblem):
        found.problems.append(("pyproject.toml", parsed))
        return {}
    return parsed


def _read_pep621(project: dict[str, object], found: Declared) -> None:
    dynamic = string_list(project.get("dynamic")) or []
    if isinstance(project.get("name"), str):
        found.name = str(project["name"])
    if "dependencies" not in dynamic and (deps := string_list(project.get("dependencies"))) is not None:
        found.dependencies = deps
    extras = sub_table(project, "optional-dependencies")
    if extras and "optional-dependencies" not in dynamic:
        found.extras = [(k, tuple(string_list(v) or ())) for k, v in extras.items()]
    if isinstance(project.get("requires-python"), str):
        found.python_requires = str(project["requires-python"])


def _poetry_constraint(text: str) -> str | None:
    """A poetry version constraint as a PEP 440 specifier, or None when it is not a simple one."""
    specs: list[str] = []
    for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", text.strip()):
        match = re.fullmatch(r"(\^|~(?!=)|~=|==|!=|<=|>=|<|>|=)?\s*(\d+(?:\.\d+)*)(\.\*)?", part)
        if part in ("*", ""):
            continue
        if match is None or "|" in part:
            return None
        op, version, star = match[1] or "==", match[2], match[3] or ""
        nums = [int(n) for n in version.split(".")]
        if op in ("^", "~"):
            keep = next((i for i, n in enumerate(nums) if n), len(nums) - 1) if op == "^" else 1 if len(nums) > 1 else 0
            upper = [*nums[:keep], nums[keep] + 1]
            specs += [f">={version}", f"<{'.'.join(map(str, upper))}"]
        else:
            specs.append(f"{'==' if op == '=' else op}{version}{star}")
    return ",".join(specs)


def _poetry_dependency(name: str, spec: object) -> str | None:
    if name.lower() == "python":
        return None
    table = spec if isinstance(spec, dict) else {"version": spec}
    version = table.get("version")
    specifier = _poetry_constraint(version) if isinstance(version, str) else ""
    extras = string_list(table.get("extras")) or []
    text = name + (f"[{','.join(extras)}]" if extras else "") + (specifier or "")
    markers = table.get("markers")
    return f"{text}; {markers}" if isinstance(markers, str) else text


def _read_poetry(poetry: dict[str, object], found: Declared) -> None:
    if found.name is None and isinstance(poetry.get("name"), str):
        found.name = str(poetry["name"])
    deps = sub_table(poetry, "dependencies")
    python = deps.get("python")
    if found.python_requires is None and isinstance(python, str):
        found.python_requires = _poetry_constraint(python) or python
    converted = {k: _poetry_dependency(k, v) for k, v in deps.items()}
    if found.dependencies is None and deps:
        optional = {k for k, v in deps.items() if isinstance(v, dict) and v.get("optional") is True}
        found.dependencies = [d for k, d in converted.items() if d and k not in optional]
    extras = sub_table(poetry, "extras")
    if found.extras is None and extras:
        lookup = {_canonical_name(k): d for k, d in converted.items() if d}
        found.extras = [
            (extra, tuple(lookup.get(_canonical_name(n), n) for n in string_list(names) or ()))
            for extra, names in extras.items()
        ]


def _read_tool_setuptools(table: dict[str, object], config: SetuptoolsConfig) -> None:
    package_dir = sub_table(table, "package-dir")
    if package_dir:
        config.package_dir = {k: str(v) for k, v in package_dir.items()}
    packages = table.get("packages")
    if isinstance(packages, list):
        config.packages, config.unknown = string_list(packages) or [], False
    elif isinstance(packages, dict):
        find = sub_table(packages, "find")
        where = string_list(find.get("where")) or ["."]
        include, exclude = string_list(find.get("include")) or ["*"], string_list(find.get("exclude")) or []
        config.packages = Find(tuple(where), tuple(include), tuple(exclude), find.get("namespaces") is not False)
        config.unknown = False
        if len(where) == 1 and where[0] != ".":
            config.package_dir.setdefault("", where[0])
    if (modules := string_list(table.get("py-modules"))) is not None:
        config.py_modules = modules


def _canonical_name(name: str) -> str:
    """PEP 503 normalisation (packaging loads only when a pyproject.toml is read)."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
