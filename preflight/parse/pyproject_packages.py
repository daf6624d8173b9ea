"""Where the import packages of a local Python project live, by each build backend's own rules.

Package discovery for :mod:`preflight.parse.pyproject`: :func:`package_roots` tells which top-level
import names a wheel of the project provides and where their sources live, following the discovery
rules of setuptools, hatchling, poetry, flit, pdm and uv, along with the refusals the backend would
raise while building (no package found, several top-level packages in a flat layout), in the
backend's words. Nothing is executed. The file system is read through :class:`Tree`, which never
leaves its root (paths that resolve outside it, through ``..`` or symlinks, look absent).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

__all__ = ["BackendKind", "Find", "SetuptoolsConfig", "Tree", "package_roots", "string_list", "sub_table"]

_MAX_BYTES = 2_000_000
_MAX_DIRS = 2_000


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


class Tree:
    """Read-only access to the files under one root, refusing anything that resolves outside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.problems: list[tuple[str, ParseProblem]] = []
        """Files that exist but could not be read, and why."""

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
        """A file's text under the shared reading policy, or None (the reason is in ``problems``)."""
        from preflight.files import NOT_FOUND, SourceText, read_source

        real = self._real(rel)
        if real is None:
            return None
        source = read_source(real, rel, _MAX_BYTES)
        if isinstance(source, SourceText):
            return source.text
        if source.message != NOT_FOUND:
            self.problems.append((rel, ParseProblem(source.message, source.line, source.col)))
        return None


def _join(*parts: str) -> str:
    joined = PurePosixPath(*[part.strip("/") for part in parts if part.strip("/") not in ("", ".")])
    return "" if str(joined) == "." else str(joined)


@dataclass(frozen=True, slots=True)
class Find:
    """The arguments of setuptools' find_packages / find_namespace_packages (``namespaces``)."""

    where: tuple[str, ...] = (".",)
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    namespaces: bool = True


@dataclass(slots=True)
class SetuptoolsConfig:
    """packages / py_modules / package_dir from whichever setuptools configuration gives them."""

    packages: list[str] | Find | None = None
    py_modules: list[str] | None = None
    package_dir: dict[str, str] = field(default_factory=dict)
    unknown: bool = False  # setup.py computed packages= in a way ast cannot read


def sub_table(data: object, key: str) -> dict[str, object]:
    """``data[key]`` when both are tables, else an empty table."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def string_list(value: object) -> list[str] | None:
    """A string or a list of strings as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


_Roots = tuple[list[tuple[str, str]], list[str]]


def package_roots(
    kind: BackendKind, tree: Tree, name: str | None, setuptools: SetuptoolsConfig, tool: dict[str, object]
) -> _Roots:
    """(import name, source path) of each top-level package a wheel ships, and the backend's build errors.

    ``name`` is the project's declared name, ``setuptools`` its setuptools configuration and
    ``tool`` the ``[tool]`` table of pyproject.toml.
    """
    if kind is BackendKind.SETUPTOOLS:
        return _setuptools_roots(tree, setuptools)
    if kind is BackendKind.HATCHLING:
        return _hatch_roots(tree, name, sub_table(sub_table(tool, "hatch"), "build"))
    if kind is BackendKind.POETRY:
        return _poetry_roots(tree, name, sub_table(tool, "poetry"))
    if kind is BackendKind.FLIT:
        module = sub_table(sub_table(tool, "flit"), "module").get("name")
        return _flit_roots(tree, module if isinstance(module, str) else (name or "").replace("-", "_"))
    if kind is BackendKind.PDM:
        return _pdm_roots(tree, sub_table(sub_table(tool, "pdm"), "build"))
    if kind is BackendKind.UV:
        return _uv_roots(tree, name, sub_table(sub_table(tool, "uv"), "build-backend"))
    return [], []


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def _dirs(tree: Tree, rel: str, keep: Callable[[str], bool]) -> list[str]:
    return [e for e in tree.list_dir(rel) if "." not in e and keep(e) and tree.is_dir(_join(rel, e))]


def _modules(tree: Tree, rel: str, exclude: Iterable[str] = ()) -> list[str]:
    names = [e[:-3] for e in tree.list_dir(rel) if e.endswith(".py") and tree.is_file(_join(rel, e))]
    return [n for n in names if n.isidentifier() and not _matches(n, exclude)]


def _find_packages(tree: Tree, where: str, find: Find) -> list[str]:
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


def _setuptools_roots(tree: Tree, config: SetuptoolsConfig) -> _Roots:
    package_dir = config.package_dir
    packages = config.packages
    if config.unknown:  # computed by code: guess the regular packages at the root
        packages = Find(exclude=("test", "test.*", "tests", "tests.*"), namespaces=False)
    roots: list[tuple[str, str]] = []
    if isinstance(packages, Find):
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


def _hatch_roots(tree: Tree, name: str | None, build: dict[str, object]) -> _Roots:
    target = sub_table(sub_table(build, "targets"), "wheel")

    def option(key: str) -> list[str]:
        return string_list(target.get(key, build.get(key))) or []

    if packages := option("packages"):
        return [(PurePosixPath(p.strip("/")).name, _join(p)) for p in packages], []
    if selected := option("only-include") + option("include"):
        raw = target.get("sources", build.get("sources"))
        sources = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        sources.update(dict.fromkeys(string_list(raw) or [], ""))
        found = [_import_root(_literal_prefix(p), sources) for p in selected]
        return [root for root in found if root is not None], []
    if not name:
        return [], []
    names = list(dict.fromkeys(re.sub(r"[^\w\d.]+", "_", n) for n in (name, str(_canonical_name(name)))))
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


def _poetry_roots(tree: Tree, name: str | None, poetry: dict[str, object]) -> _Roots:
    if poetry.get("package-mode") is False:
        return [], []
    packages = poetry.get("packages")
    if isinstance(packages, list) and packages:
        roots: list[tuple[str, str]] = []
        for item in packages:
            include = item.get("include") if isinstance(item, dict) else None
            formats = string_list(item.get("format")) if isinstance(item, dict) else None
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
    module = str(_canonical_name(name)).replace("-", "_")
    for base in ("", "src"):
        directory, file = _join(base, module), _join(base, module + ".py")
        if tree.is_dir(directory) and tree.is_file(file):
            return [], [f"Both {directory} and {file} exist"]
        if tree.is_dir(directory) or tree.is_file(file):
            return [(module, directory if tree.is_dir(directory) else file)], []
    return [], [f"No file/folder found for package {name}"]


def _flit_roots(tree: Tree, module: str) -> _Roots:
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


def _pdm_roots(tree: Tree, build: dict[str, object]) -> _Roots:
    configured = build.get("package-dir")
    package_dir = str(configured).strip("/") if isinstance(configured, str) else "src" * tree.is_dir("src")
    if includes := string_list(build.get("includes")):
        sources = {package_dir: ""} if package_dir else {}
        found = [_import_root(_literal_prefix(p), sources) for p in includes]
        return [root for root in found if root is not None], []
    tops = _dirs(tree, package_dir, lambda e: tree.is_file(_join(package_dir, e, "__init__.py")))
    if tops:
        return [(t, _join(package_dir, t)) for t in tops], []
    return [(m, _join(package_dir, m + ".py")) for m in _modules(tree, package_dir)], []


def _uv_roots(tree: Tree, name: str | None, backend: dict[str, object]) -> _Roots:
    root = backend.get("module-root", "src")
    module_root = root.strip("/") if isinstance(root, str) else "src"
    default = [str(_canonical_name(name)).replace("-", "_")] if name else []
    modules = string_list(backend.get("module-name")) or default
    roots: list[tuple[str, str]] = []
    for module in modules:
        path = _join(module_root, module.replace(".", "/"))
        if not tree.is_file(_join(path, "__init__.py")) and not (
            backend.get("namespace") is True and tree.is_dir(path)
        ):
            return [], [f"Expected a Python module at: {_join(path, '__init__.py')}"]
        roots.append((module.split(".")[0], _join(module_root, module.split(".")[0])))
    return roots, []


def _canonical_name(name: str) -> str:
    """PEP 503 normalisation (packaging loads only when a pyproject.toml is read)."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
