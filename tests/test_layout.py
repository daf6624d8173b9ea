"""Meta-tests of the package's shape: no import cycles, a small `model/` top level, small files.

The import graph is read statically (`ast`) from every module of `preflight`, counting every
import statement wherever it stands: at the top, inside functions, under `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "preflight"
MAX_LINES = 400
MAX_MODEL_MODULES = 12

OVER_MAX_LINES: dict[str, str] = {}
"""Package files still over MAX_LINES (path relative to the package -> the work that shrinks it);
drop an entry once its file is under the limit."""


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The package's modules that `module` imports, each with the line of its first import."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    targets: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            # `from pkg import sub` imports the module pkg.sub; `from pkg import name`, pkg itself
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for name in names:
            target = known(name) if name.split(".")[0] == "preflight" else None
            if target is not None and target != module:
                targets.setdefault(target, node.lineno)
    return targets


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _loop_through(start: str, graph: dict[str, dict[str, int]], members: set[str]) -> list[str]:
    """A shortest import path from `start` back to itself inside one cycle's modules."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target in members and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return [start]


def test_the_package_has_no_import_cycle() -> None:
    modules = _modules()
    graph = {name: _imported(name, path, modules) for name, path in modules.items()}
    assert len(graph) > 100  # the walk found the package
    assert "preflight.parse.yaml" in graph["preflight.model.compose.merge"]  # and reads imports
    problems = []
    for component in _cycles(graph):
        loop = _loop_through(component[0], graph, set(component))
        ties = [f"  {a} -> {b} (line {graph[a][b]})" for a, b in itertools.pairwise(loop)]
        problems.append(f"{len(component)} modules import each other, for instance:\n" + "\n".join(ties))
    assert not problems, "\n".join(problems)


def test_model_holds_subject_folders_and_few_modules() -> None:
    model = PACKAGE / "model"
    modules = sorted(p.name for p in model.glob("*.py") if p.name != "__init__.py")
    assert len(modules) <= MAX_MODEL_MODULES, modules
    assert {"compose", "image", "runtime"} <= {p.name for p in model.iterdir() if (p / "__init__.py").is_file()}


def test_no_package_file_is_over_the_size_limit() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    over = {name: lines for name, lines in sizes.items() if lines > MAX_LINES and name not in OVER_MAX_LINES}
    assert not over, f"split these along a real seam (at most {MAX_LINES} lines): {over}"
