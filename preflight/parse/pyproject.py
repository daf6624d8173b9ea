"""Static reader of a local Python project: pyproject.toml, setup.cfg and (by ``ast`` only) setup.py.

Nothing is executed. The file system is read through :class:`_Tree`, which never leaves ``root``
(paths that resolve outside it, through ``..`` or symlinks, look absent). ``package_roots`` tells
which top-level import names a wheel of the project provides and where their sources live,
following each build backend's own discovery rules; ``build_errors`` holds the refusals the
backend would raise while building (no package found, several top-level packages in a flat
layout), in the backend's words.
"""

from __future__ import annotations

import ast
import configparser
import enum
import re
import sys
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from preflight.diagnostics import ParseProblem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["BackendKind", "LocalProject", "read_local_project"]

_MAX_BYTES = 2_000_000
_MAX_DIRS = 2_000
_TOML_POS_RE = re.compile(r" \(at line (\d+), column (\d+)\)$")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# setuptools' reserved names for flat-layout discovery (setuptools/discovery.py).
_FLAT_EXCLUDE = _words(
    "ci bin debian doc docs documentation manpages news newsfragments changelog test tests unit_test "
    "unit_tests example examples scripts tools util utils python build dist venv env requirements tasks "
    "fabfile site_scons benchmark benchmarks exercise exercises htmlcov [._]*"
)
_FLAT_MODULE_EXCLUDE = _words(
    "setup conftest test tests example examples build toxfile noxfile pavement dodo tasks fabfile "
    "[Ss][Cc]onstruct conanfile manage benchmark benchmarks exercise exercises [._]*"
)
_ALWAYS_EXCLUDE = ("ez_setup", "*__pycache__")


class BackendKind(enum.Enum):
    """The family of a PEP 517 build backend (setuptools when none is declared)."""

    SETUPTOOLS = "setuptools"
    HATCHLING = "hatchling"
    POETRY = "poetry"
    FLIT = "flit"
    PDM = "pdm"
    UV = "uv"
    OTHER = "other"


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


class _Tree:
    """Read-only access to the files under one root, refusing anything that resolves outside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _real(self, rel: str) -> Path | None:
        try:
            real = (self.root / rel).resolve()
        except (OSError, RuntimeError):
            return None
        return real if real == self.root or self.root in real.parents else None

    def is_file(self, rel: str) -> bool:
        real = self._real(rel)
        return real is not None and real.is_file()

    def is_dir(self, rel: str) -> bool:
        real = self._real(rel)
        return real is not None and real.is_dir()

    def list_dir(self, rel: str) -> list[str]:
        real = self._real(rel)
        if real is None or not real.is_dir():
            return []
        try:
            names = sorted(entry.name for entry in real.iterdir())
        except OSError:
            return []
        return [name for name in names if self._real(_join(rel, name)) is not None]

    def read_text(self, rel: str) -> str | None:
        real = self._real(rel)
        try:
            if real is None or not real.is_file() or real.stat().st_size > _MAX_BYTES:
                return None
            return real.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None


def _join(*parts: str) -> str:
    joined = PurePosixPath(*[part.strip("/") for part in parts if part.strip("/") not in ("", ".")])
    return "" if str(joined) == "." else str(joined)


@dataclass(frozen=True, slots=True)
class _Find:
    where: tuple[str, ...] = (".",)
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    namespaces: bool = True


@dataclass(slots=True)
class _Setuptools:
    """packages / py_modules / package_dir from whichever setuptools configuration gives them."""

    packages: list[str] | _Find | None = None
    py_modules: list[str] | None = None
    package_dir: dict[str, str] = field(default_factory=dict)
    unknown: bool = False  # setup.py computed packages= in a way ast cannot read


@dataclass(slots=True)
class _Found:
    name: str | None = None
    dependencies: list[str] | None = None
    extras: list[tuple[str, tuple[str, ...]]] | None = None
    python_requires: str | None = None
    setuptools: _Setuptools = field(default_factory=_Setuptools)
    problems: list[tuple[str, ParseProblem]] = field(default_factory=list)


def read_local_project(root: Path) -> LocalProject | None:
    """Read the project at ``root`` statically; None when it has no pyproject.toml/setup.py/setup.cfg."""
    tree = _Tree(root)
    files = tuple(f for f in ("pyproject.toml", "setup.cfg", "setup.py") if tree.is_file(f))
    if not files:
        return None
    found = _Found()
    data = _read_toml(tree, found) if "pyproject.toml" in files else {}
    project, tool = _table(data, "project"), _table(data, "tool")
    poetry = _table(tool, "poetry")
    _read_pep621(project, found)
    _read_poetry(poetry, found)
    if "setup.py" in files:
        _read_setup_py(tree, found)
    if "setup.cfg" in files:
        _read_setup_cfg(tree, found)
    _read_tool_setuptools(_table(tool, "setuptools"), found.setuptools)
    backend = _table(data, "build-system").get("build-backend")
    backend = backend if isinstance(backend, str) else None
    kind = BackendKind.SETUPTOOLS
    if backend is not None:
        kind = next((k for prefix, k in _BACKENDS if backend.startswith(prefix)), BackendKind.OTHER)
    roots, errors = _package_roots(kind, tree, found, tool)
    return LocalProject(
        root=root,
        name=found.name,
        canonical_name=None if found.name is None else str(canonicalize_name(found.name)),
        build_backend=backend,
        backend_kind=kind,
        dependencies=tuple(found.dependencies or ()),
        optional_dependencies=tuple(found.extras or ()),
        python_requires=found.python_requires,
        dependency_files=tuple(_strings(_dynamic_files(tool)) or ()),
        package_roots=tuple(dict.fromkeys(roots)),
        build_errors=tuple(errors),
        problems=tuple(problem for _, problem in found.problems),
        problem_files=tuple(path for path, _ in found.problems),
        files=files,
    )


def _dynamic_files(tool: dict[str, object]) -> object:
    return _table(_table(_table(tool, "setuptools"), "dynamic"), "dependencies").get("file")


def _table(data: object, key: str) -> dict[str, object]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _read_toml(tree: _Tree, found: _Found) -> dict[str, object]:
    text = tree.read_text("pyproject.toml") or ""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid TOML"
        where = _TOML_POS_RE.search(message)
        if where is not None:
            problem = ParseProblem(message[: where.start()], int(where[1]), int(where[2]))
        else:
            lines = text.splitlines() or [""]
            problem = ParseProblem(message.replace(" (at end of document)", ""), len(lines), len(lines[-1]) + 1)
        found.problems.append(("pyproject.toml", problem))
        return {}


def _read_pep621(project: dict[str, object], found: _Found) -> None:
    dynamic = _strings(project.get("dynamic")) or []
    if isinstance(project.get("name"), str):
        found.name = str(project["name"])
    if "dependencies" not in dynamic and (deps := _strings(project.get("dependencies"))) is not None:
        found.dependencies = deps
    extras = _table(project, "optional-dependencies")
    if extras and "optional-dependencies" not in dynamic:
        found.extras = [(k, tuple(_strings(v) or ())) for k, v in extras.items()]
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
    extras = _strings(table.get("extras")) or []
    text = name + (f"[{','.join(extras)}]" if extras else "") + (specifier or "")
    markers = table.get("markers")
    return f"{text}; {markers}" if isinstance(markers, str) else text


def _read_poetry(poetry: dict[str, object], found: _Found) -> None:
    if found.name is None and isinstance(poetry.get("name"), str):
        found.name = str(poetry["name"])
    deps = _table(poetry, "dependencies")
    python = deps.get("python")
    if found.python_requires is None and isinstance(python, str):
        found.python_requires = _poetry_constraint(python) or python
    converted = {k: _poetry_dependency(k, v) for k, v in deps.items()}
    if found.dependencies is None and deps:
        optional = {k for k, v in deps.items() if isinstance(v, dict) and v.get("optional") is True}
        found.dependencies = [d for k, d in converted.items() if d and k not in optional]
    extras = _table(poetry, "extras")
    if found.extras is None and extras:
        lookup = {canonicalize_name(k): d for k, d in converted.items() if d}
        found.extras = [
            (extra, tuple(lookup.get(canonicalize_name(n), n) for n in _strings(names) or ()))
            for extra, names in extras.items()
        ]


def _cfg_list(text: str, *, semicolons: bool = False) -> list[str]:
    lines = [line.split(" #", 1)[0].strip() for line in text.splitlines()]
    if semicolons or len([line for line in lines if line]) > 1:
        return [line for line in lines if line and not line.startswith("#")]
    return [item.strip() for item in ",".join(lines).split(",") if item.strip()]


def _read_setup_cfg(tree: _Tree, found: _Found) -> None:
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
            config.packages = _Find(
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
        return _Setuptools  # a marker: present but not a literal


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _find_call(node: ast.expr) -> _Find | None:
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
    include, exclude = _strings(values.get("include", ["*"])), _strings(values.get("exclude", []))
    if include is None or exclude is None:
        return None
    return _Find((where,), tuple(include), tuple(exclude), kind == "find_namespace_packages")


def _read_setup_py(tree: _Tree, found: _Found) -> None:
    try:
        module = ast.parse(tree.read_text("setup.py") or "", filename="setup.py")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line, col = getattr(exc, "lineno", None) or 1, getattr(exc, "offset", None) or 1
        found.problems.append(("setup.py", ParseProblem(getattr(exc, "msg", str(exc)), line, col)))
        return
    calls = [n for n in ast.walk(module) if isinstance(n, ast.Call) and _call_name(n.func) == "setup"]
    if not calls:
        return
    keywords = {kw.arg: kw.value for kw in calls[0].keywords if kw.arg}
    values = {key: _literal(node) for key, node in keywords.items()}
    config = found.setuptools
    if isinstance(values.get("name"), str) and found.name is None:
        found.name = str(values["name"])
    if found.dependencies is None and (deps := _strings(values.get("install_requires"))) is not None:
        found.dependencies = deps
    extras = values.get("extras_require")
    if found.extras is None and isinstance(extras, dict):
        found.extras = [(str(k), tuple(_strings(v) or ())) for k, v in extras.items()]
    if isinstance(values.get("python_requires"), str) and found.python_requires is None:
        found.python_requires = str(values["python_requires"])
    package_dir = values.get("package_dir")
    if isinstance(package_dir, dict):
        config.package_dir = {str(k): str(v) for k, v in package_dir.items()}
    if "packages" in keywords:
        finder = _find_call(keywords["packages"])
        config.packages = finder or _strings(values["packages"])
        config.unknown = config.packages is None
    if "py_modules" in keywords:
        config.py_modules = _strings(values["py_modules"]) or []
    if any(not kw.arg for kw in calls[0].keywords):  # setup(**kwargs): nothing is certain
        config.unknown = config.unknown or (config.packages is None and config.py_modules is None)


def _read_tool_setuptools(table: dict[str, object], config: _Setuptools) -> None:
    package_dir = _table(table, "package-dir")
    if package_dir:
        config.package_dir = {k: str(v) for k, v in package_dir.items()}
    packages = table.get("packages")
    if isinstance(packages, list):
        config.packages, config.unknown = _strings(packages) or [], False
    elif isinstance(packages, dict):
        find = _table(packages, "find")
        where = _strings(find.get("where")) or ["."]
        include, exclude = _strings(find.get("include")) or ["*"], _strings(find.get("exclude")) or []
        config.packages = _Find(tuple(where), tuple(include), tuple(exclude), find.get("namespaces") is not False)
        config.unknown = False
        if len(where) == 1 and where[0] != ".":
            config.package_dir.setdefault("", where[0])
    if (modules := _strings(table.get("py-modules"))) is not None:
        config.py_modules = modules


_Roots = tuple[list[tuple[str, str]], list[str]]


def _package_roots(kind: BackendKind, tree: _Tree, found: _Found, tool: dict[str, object]) -> _Roots:
    name = found.name
    if kind is BackendKind.SETUPTOOLS:
        return _setuptools_roots(tree, found.setuptools)
    if kind is BackendKind.HATCHLING:
        return _hatch_roots(tree, name, _table(_table(tool, "hatch"), "build"))
    if kind is BackendKind.POETRY:
        return _poetry_roots(tree, name, _table(tool, "poetry"))
    if kind is BackendKind.FLIT:
        module = _table(_table(tool, "flit"), "module").get("name")
        return _flit_roots(tree, module if isinstance(module, str) else (name or "").replace("-", "_"))
    if kind is BackendKind.PDM:
        return _pdm_roots(tree, _table(_table(tool, "pdm"), "build"))
    if kind is BackendKind.UV:
        return _uv_roots(tree, name, _table(_table(tool, "uv"), "build-backend"))
    return [], []


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def _dirs(tree: _Tree, rel: str, keep: Callable[[str], bool]) -> list[str]:
    return [e for e in tree.list_dir(rel) if "." not in e and keep(e) and tree.is_dir(_join(rel, e))]


def _modules(tree: _Tree, rel: str, exclude: Iterable[str] = ()) -> list[str]:
    names = [e[:-3] for e in tree.list_dir(rel) if e.endswith(".py") and tree.is_file(_join(rel, e))]
    return [n for n in names if n.isidentifier() and not _matches(n, exclude)]


def _find_packages(tree: _Tree, where: str, find: _Find) -> list[str]:
    """setuptools' find_packages / find_namespace_packages: dotted names of packages under where."""
    found: list[str] = []
    queue, budget = [("", where)], _MAX_DIRS
    while queue and budget > 0:
        prefix, rel = queue.pop(0)
        for entry in _dirs(tree, rel, lambda _: True):
            budget -= 1
            package, path = prefix + entry, _join(rel, entry)
            if not find.namespaces and not tree.is_file(_join(path, "__init__.py")):
                continue
            if _matches(package, find.include) and not _matches(package, (*_ALWAYS_EXCLUDE, *find.exclude)):
                found.append(package)
            if f"{package}*" not in find.exclude and f"{package}.*" not in find.exclude:
                queue.append((package + ".", path))
    return found


def _setuptools_roots(tree: _Tree, config: _Setuptools) -> _Roots:
    package_dir = config.package_dir
    packages = config.packages
    if config.unknown:  # computed by code: guess the regular packages at the root
        packages = _Find(exclude=("test", "test.*", "tests", "tests.*"), namespaces=False)
    roots: list[tuple[str, str]] = []
    if isinstance(packages, _Find):
        for where in packages.where:
            roots += [(p.split(".")[0], _join(where, p.split(".")[0])) for p in _find_packages(tree, where, packages)]
    elif packages is not None:
        for package in packages:
            top = package.split(".")[0]
            roots.append((top, _join(package_dir[top]) if top in package_dir else _join(package_dir.get("", ""), top)))
    for module in config.py_modules or []:
        top = module.split(".")[0]
        roots.append((top, _join(package_dir.get("", ""), top) + ("" if "." in module else ".py")))
    if packages is not None or config.py_modules is not None:
        return roots, []
    explicit = {k: v for k, v in package_dir.items() if k and "." not in k}
    if explicit:  # setuptools' "explicit layout"
        return [(k, _join(v)) for k, v in explicit.items()], []
    src = package_dir.get("", "src")
    if tree.is_dir(src):  # "src layout": everything under it
        tops = _dirs(tree, src, lambda e: not _matches(e, _ALWAYS_EXCLUDE))
        return [(t, _join(src, t)) for t in tops] + [(m, _join(src, m + ".py")) for m in _modules(tree, src)], []
    flat = _dirs(tree, "", lambda e: e.isidentifier() and not _matches(e, (*_FLAT_EXCLUDE, *_ALWAYS_EXCLUDE)))
    if len(flat) > 1:
        return [], [f"Multiple top-level packages discovered in a flat-layout: {flat}."]
    if flat:
        return [(flat[0], flat[0])], []
    modules = _modules(tree, "", _FLAT_MODULE_EXCLUDE)
    if len(modules) > 1:
        return [], [f"Multiple top-level modules discovered in a flat-layout: {modules}."]
    return [(m, m + ".py") for m in modules], []


def _literal_prefix(pattern: str) -> str:
    """The directory part of a path or glob that is spelled out literally."""
    return re.split(r"[*?\[]", pattern.strip().lstrip("/"), maxsplit=1)[0].rstrip("/")


def _import_root(path: str, sources: dict[str, str]) -> tuple[str, str] | None:
    """(import name, source path) of a shipped path after hatch's ``sources`` rewriting."""
    for prefix, replacement in sorted(sources.items(), key=lambda item: -len(item[0])):
        prefix = prefix.strip("/")
        if prefix and path != prefix and not path.startswith(prefix + "/"):
            continue
        rest = path[len(prefix) :].strip("/")
        if replacement.strip("/"):
            return replacement.strip("/").split("/")[0], _join(prefix)
        if rest:
            top = rest.split("/")[0]
            return top.removesuffix(".py"), _join(prefix, top)
    top = path.split("/")[0]
    return (top.removesuffix(".py"), top) if top else None


def _hatch_roots(tree: _Tree, name: str | None, build: dict[str, object]) -> _Roots:
    target = _table(_table(build, "targets"), "wheel")

    def option(key: str) -> list[str]:
        return _strings(target.get(key, build.get(key))) or []

    if packages := option("packages"):
        return [(PurePosixPath(p.strip("/")).name, _join(p)) for p in packages], []
    if selected := option("only-include") + option("include"):
        raw = target.get("sources", build.get("sources"))
        sources = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        sources.update(dict.fromkeys(_strings(raw) or [], ""))
        found = [_import_root(_literal_prefix(p), sources) for p in selected]
        return [root for root in found if root is not None], []
    if not name:
        return [], []
    names = list(dict.fromkeys(re.sub(r"[^\w\d.]+", "_", n) for n in (name, str(canonicalize_name(name)))))
    for n in names:
        if tree.is_file(f"{n}/__init__.py"):
            return [(n, n)], []
        if tree.is_file(f"src/{n}/__init__.py"):
            return [(n, f"src/{n}")], []
        if tree.is_file(f"{n}.py"):
            return [(n, f"{n}.py")], []
        namespaces = [d for d in tree.list_dir("") if not d.startswith(".") and tree.is_file(f"{d}/{n}/__init__.py")]
        if len(namespaces) == 1:
            return [(namespaces[0], namespaces[0])], []
    if target.get("bypass-selection") is True or target.get("force-include") or build.get("force-include"):
        return [], []
    return [], [
        "Unable to determine which files to ship inside the wheel using the following heuristics: "
        "https://hatch.pypa.io/latest/plugins/builder/wheel/#default-file-selection; the most likely cause "
        "is that there is no directory that matches the name of your project "
        f"({' or '.join(sorted(names))})"
    ]


def _poetry_roots(tree: _Tree, name: str | None, poetry: dict[str, object]) -> _Roots:
    if poetry.get("package-mode") is False:
        return [], []
    packages = poetry.get("packages")
    if isinstance(packages, list) and packages:
        roots: list[tuple[str, str]] = []
        for item in packages:
            include = item.get("include") if isinstance(item, dict) else None
            formats = _strings(item.get("format")) if isinstance(item, dict) else None
            if not isinstance(include, str) or (formats is not None and "wheel" not in formats):
                continue
            base = item.get("from") if isinstance(item.get("from"), str) else ""
            top = _literal_prefix(include).split("/")[0]
            to = item.get("to")
            import_name = _literal_prefix(to).split("/")[0] if isinstance(to, str) and to else top
            roots.append((import_name.removesuffix(".py"), _join(str(base), top)))
        return roots, []
    if not name:
        return [], []
    module = str(canonicalize_name(name)).replace("-", "_")
    for base in ("", "src"):
        directory, file = _join(base, module), _join(base, module + ".py")
        if tree.is_dir(directory) and tree.is_file(file):
            return [], [f"Both {directory} and {file} exist"]
        if tree.is_dir(directory) or tree.is_file(file):
            return [(module, directory if tree.is_dir(directory) else file)], []
    return [], [f"No file/folder found for package {name}"]


def _flit_roots(tree: _Tree, module: str) -> _Roots:
    if not module:
        return [], []
    top, as_path = module.split(".")[0], module.replace(".", "/")
    existing: list[tuple[str, str]] = []
    for base in ("", "src"):
        if tree.is_dir(_join(base, as_path)):
            existing.append((_join(base, as_path), _join(base, top)))
        elif tree.is_file(_join(base, as_path + ".py")):
            existing.append((_join(base, as_path + ".py"), _join(base, top if "." in module else top + ".py")))
    if len(existing) > 1:
        return [], [f"Multiple files or folders could be module {module}: {', '.join(p for p, _ in existing)}"]
    if not existing:
        return [], [f"No file/folder found for module {module}"]
    return [(top, existing[0][1])], []


def _pdm_roots(tree: _Tree, build: dict[str, object]) -> _Roots:
    configured = build.get("package-dir")
    package_dir = str(configured).strip("/") if isinstance(configured, str) else "src" * tree.is_dir("src")
    if includes := _strings(build.get("includes")):
        sources = {package_dir: ""} if package_dir else {}
        found = [_import_root(_literal_prefix(p), sources) for p in includes]
        return [root for root in found if root is not None], []
    tops = _dirs(tree, package_dir, lambda e: tree.is_file(_join(package_dir, e, "__init__.py")))
    if tops:
        return [(t, _join(package_dir, t)) for t in tops], []
    return [(m, _join(package_dir, m + ".py")) for m in _modules(tree, package_dir)], []


def _uv_roots(tree: _Tree, name: str | None, backend: dict[str, object]) -> _Roots:
    root = backend.get("module-root", "src")
    module_root = root.strip("/") if isinstance(root, str) else "src"
    default = [str(canonicalize_name(name)).replace("-", "_")] if name else []
    modules = _strings(backend.get("module-name")) or default
    roots: list[tuple[str, str]] = []
    for module in modules:
        path = _join(module_root, module.replace(".", "/"))
        if not tree.is_file(_join(path, "__init__.py")) and not (
            backend.get("namespace") is True and tree.is_dir(path)
        ):
            return [], [f"Expected a Python module at: {_join(path, '__init__.py')}"]
        roots.append((module.split(".")[0], _join(module_root, module.split(".")[0])))
    return roots, []
