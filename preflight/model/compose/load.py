"""Load a compose project the way Docker Compose v2 does.

Per file: parse, interpolate every value (recording each variable reference), validate against
the compose specification, add the services of `include`d projects, resolve `extends`; then merge
the files in order (`preflight.model.compose.merge`). Relative paths resolve from the project folder (the
first file's); those of extended files and included projects are made absolute first, from their
own folders (`preflight.model.compose.paths`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.files import FileProblem, SourceTree
from preflight.model.compose.merge import clean, compose_file_root, is_null, merge_maps
from preflight.model.compose.paths import rebase_service
from preflight.model.compose.problems import LoadProblem
from preflight.model.compose.problems import LoadProblemKind as Kind
from preflight.model.compose.project import (
    RESOURCE_KINDS,
    ComposeProject,
    Service,
    VarUse,
    is_remote,
)
from preflight.model.compose.unicity import enforce_unicity
from preflight.model.compose.yamlpath import locate, locate_key, ref_span
from preflight.parse.interpolate import Interpolation, interpolate
from preflight.parse.yaml import RESET, YMap, YNode, YScalar, YSeq, parse_yaml, to_plain

if TYPE_CHECKING:
    from preflight.model.compose.env import InterpolationEnv

PathT = tuple[str | int, ...]


@dataclass(slots=True)
class LoadedFile:
    """One compose file after parsing and interpolation."""

    path: Path
    rel: str
    root: YMap | None
    uses: list[VarUse] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


@dataclass(slots=True)
class Loader:
    """Loads the files of one compose project, caching files that `extends` reads again."""

    tree: SourceTree
    env: InterpolationEnv
    whole_project: bool = True
    """False when several files are merged: checks of the merged project are skipped per file."""
    cache: dict[Path, LoadedFile] = field(default_factory=dict)

    def load_file(self, path: Path, base: YMap | None = None) -> LoadedFile:
        """Read, parse, interpolate and validate one compose file (cached).

        `base` is what the files before it merged to: compose validates the merged result, so a
        null value that only keeps an earlier file's value is no error.
        """
        path = Path(path)
        if path in self.cache:
            return self.cache[path]
        rel = self.tree.rel(path)
        loaded = LoadedFile(path, rel, None)
        self.cache[path] = loaded
        source = self.tree.read_text(path)
        if isinstance(source, FileProblem):
            span = Span(rel, source.line, source.col)
            loaded.problems.append(LoadProblem(Kind.UNREADABLE, span, detail=source.message))
            return loaded
        document = parse_yaml(source.text, rel)
        for problem in document.problems:
            span = Span(rel, problem.line, problem.col)
            loaded.problems.append(LoadProblem(Kind.UNPARSABLE, span, detail=problem.message))
        root = compose_file_root(document)
        if root is None:
            if not document.problems:
                loaded.root = YMap((), Span(rel))
            return loaded
        if not isinstance(root, YMap):
            loaded.problems.append(LoadProblem(Kind.NOT_A_MAPPING, root.span))
            return loaded
        interpolated = self._interpolate(root, (), loaded)
        assert isinstance(interpolated, YMap)  # noqa: S101 - interpolation keeps node kinds
        loaded.root = interpolated
        self._validate(loaded, base)
        return loaded

    def _interpolate(self, node: YNode, path: PathT, loaded: LoadedFile) -> YNode:
        if node.tag == RESET:
            return node  # compose drops it before interpolating: its variables are never looked up
        if isinstance(node, YMap):
            items = tuple((k, self._interpolate(v, (*path, k.text()), loaded)) for k, v in node.items)
            return YMap(items, node.span, node.tag)
        if isinstance(node, YSeq):
            items_seq = tuple(self._interpolate(v, (*path, i), loaded) for i, v in enumerate(node.items))
            return YSeq(items_seq, node.span, node.tag)
        if not isinstance(node.value, str) or "$" not in node.value:
            return node
        result = interpolate(node.value, self.env.lookup, lazy_operands=True)
        self._record(node, path, result, loaded)
        if result.value is None:
            return replace(node, unknown=True, raw=node.value)
        return replace(node, value=_cast(path, result.value), quoted=True, raw=node.value)

    def _record(self, node: YScalar, path: PathT, result: Interpolation, loaded: LoadedFile) -> None:
        service = str(path[1]) if len(path) >= 2 and path[0] == "services" else None
        template = node.value if isinstance(node.value, str) else ""
        for ref in result.refs:
            span = ref_span(node, ref.start, ref.end)
            operator = ref.operator.name
            loaded.uses.append(
                VarUse(
                    name=ref.name,
                    span=span,
                    status=ref.status,
                    evaluated=ref.evaluated,
                    has_fallback=operator.startswith(("DEFAULT", "ALT")),
                    required=operator.startswith("REQUIRED"),
                    service=service,
                    path=path,
                    template=template,
                    lines=node.lines,
                )
            )
        if result.required_error is not None:
            span = next(
                (ref_span(node, r.start, r.end) for r in result.refs if r.name == result.required_error.name),
                node.span,
            )
            missing = result.required_error
            problem = LoadProblem(Kind.REQUIRED_VARIABLE, span, missing.name, missing.reason, service)
            loaded.problems.append(problem)
        if result.error is not None:
            dotted = ".".join(str(p) for p in path)
            loaded.problems.append(LoadProblem(Kind.INVALID_INTERPOLATION, node.span, dotted, service=service))

    def _validate(self, loaded: LoadedFile, base: YMap | None) -> None:
        from preflight.model.compose.schema import validate_compose

        assert loaded.root is not None  # noqa: S101 - only called with a root
        plain = to_plain(loaded.root)
        assert isinstance(plain, dict)  # noqa: S101 - root is a mapping
        for problem in validate_compose(plain, whole_project=self.whole_project):
            target = locate(loaded.root, problem.path)
            if isinstance(target, YScalar) and target.unknown:
                continue  # the value is supplied at deploy time; it cannot be judged now
            if base is not None and target is not None and is_null(target) and _has_value(base, problem.path):
                continue  # a null override keeps the earlier files' value
            key = locate_key(loaded.root, problem.path)
            span = key.span if key is not None else (target.span if target is not None else loaded.root.span)
            service = str(problem.path[1]) if len(problem.path) > 1 and problem.path[0] == "services" else None
            loaded.problems.append(LoadProblem(Kind.SCHEMA, span, detail=problem.message, service=service))


def _has_value(root: YMap, path: PathT) -> bool:
    """Whether `path` leads to a value that is neither null nor reset."""
    node: YNode = root
    for part in path:
        child = node.get(str(part)) if isinstance(node, YMap) else None
        if child is None or child.tag == RESET:
            return False
        node = child
    return not is_null(node)


def _cast(path: PathT, value: str) -> str | int | float | bool | None:
    from preflight.model.compose.cast import cast_interpolated

    cast = cast_interpolated(path, value)
    return cast if isinstance(cast, str | int | float | bool) or cast is None else value


def load_project(
    tree: SourceTree,
    directory: Path,
    files: list[Path],
    env: InterpolationEnv,
    profiles: tuple[str, ...],
) -> ComposeProject:
    """Load, interpolate, validate and merge a compose project's files."""
    project = ComposeProject(directory, tree.rel(directory) if directory != tree.root else ".", [], env)
    loader = Loader(tree, env, whole_project=len(files) == 1)
    merged = _load_files(loader, project, directory, files, ())
    project.files.extend(loader.cache[Path(path)].rel for path in files if Path(path) in loader.cache)
    _collect(loader, project)
    if merged is None:
        return project
    if files and not any(merged.get(key) is not None for key in _CONTENT_KEYS):
        first = project.files[0] if project.files else tree.rel(files[0])
        project.problems.append(LoadProblem(Kind.EMPTY, Span(first)))
        return project
    name = merged.get("name")
    project.name = name.text() if isinstance(name, YScalar) else None
    _add_services(project, merged, directory, profiles)
    for kind in RESOURCE_KINDS:
        node = merged.get(kind)
        if isinstance(node, YMap):
            project.resources[kind] = node
    return project


def _collect(loader: Loader, project: ComposeProject) -> None:
    for loaded in loader.cache.values():
        project.var_uses.extend(loaded.uses)
        project.problems.extend(loaded.problems)


def _load_files(
    loader: Loader, project: ComposeProject, directory: Path, files: list[Path], chain: tuple[Path, ...]
) -> YMap | None:
    """The merged tree of `files`, as compose builds it: per file, `include`, then `extends`, then merge."""
    merged: YMap | None = None
    for path in files:
        loaded = loader.load_file(path, merged)
        if loaded.root is None:
            continue
        root = _with_includes(loader, project, loaded.root, directory, (*chain, Path(path)))
        root = _resolve_extends(loader, loaded, root, directory, project)
        merged = root if merged is None else merge_maps(merged, root, ())
    return None if merged is None else _clean_root(merged)


def _clean_root(root: YMap) -> YMap:
    cleaned = clean(root)
    assert isinstance(cleaned, YMap)  # noqa: S101 - cleaning keeps node kinds
    return cleaned


_CONTENT_KEYS = ("services", "include", "networks", "volumes", "secrets", "configs", "models")


def _add_services(project: ComposeProject, root: YMap, base_dir: Path, profiles: tuple[str, ...]) -> None:
    services = root.get("services")
    if not isinstance(services, YMap):
        return
    for key, node in services.items:
        if not isinstance(node, YMap):
            continue  # the schema check reports it; nothing else can be said of such a service
        service = Service(key.text(), enforce_unicity(node, ("services", key.text())), key.span, base_dir)
        active = not profiles or not service.profiles or bool(set(service.profiles) & set(profiles))
        (project.services if active else project.inactive)[service.name] = service


def _include_paths(entry: YNode) -> list[YScalar]:
    if isinstance(entry, YScalar):
        return [entry]
    target = entry.get("path") if isinstance(entry, YMap) else None
    if isinstance(target, YScalar):
        return [target]
    return [p for p in (target.items if isinstance(target, YSeq) else ()) if isinstance(p, YScalar)]


def _with_includes(
    loader: Loader, project: ComposeProject, root: YMap, directory: Path, chain: tuple[Path, ...]
) -> YMap:
    """The file's tree with the services and resources of its `include`d projects added.

    Like compose, an included project loads on its own (from its own folder), before this file's
    `extends` and before it merges with the other files, so that both can refer to its services.
    """
    include = root.get("include")
    if not isinstance(include, YSeq):
        return root
    for entry in include.items:
        paths = _include_paths(entry)
        if any(is_remote(p.text()) for p in paths):
            project.remote.add("*")  # a remote project may define any service
            paths = [p for p in paths if not is_remote(p.text())]
        files = [
            (directory / p.text()).resolve() if not Path(p.text()).is_absolute() else Path(p.text()) for p in paths
        ]
        for scalar, file in zip(paths, files, strict=False):
            if not file.is_file():
                project.problems.append(LoadProblem(Kind.INCLUDE_MISSING, scalar.span, scalar.text()))
        existing = [f for f in files if f.is_file()]
        if not existing:
            continue
        if existing[0] in chain:
            project.problems.append(LoadProblem(Kind.INCLUDE_CYCLE, paths[0].span, paths[0].text()))
            continue
        sub_loader = Loader(loader.tree, project.env, whole_project=len(existing) == 1)
        sub = _load_files(sub_loader, project, existing[0].parent, existing, chain)
        _collect(sub_loader, project)
        if sub is not None:
            root = _import(project, root, sub, existing[0].parent)
    return root


def _import(project: ComposeProject, root: YMap, sub: YMap, sub_dir: Path) -> YMap:
    """Add an included project's services (paths resolved from its folder) and resources."""
    for kind in ("services", *RESOURCE_KINDS):
        imported = sub.get(kind)
        if not isinstance(imported, YMap):
            continue
        local = root.get(kind)
        target = local if isinstance(local, YMap) else YMap((), imported.span)
        items = list(target.items)
        for key, node in imported.items:
            if kind == "services" and isinstance(node, YMap):
                node = rebase_service(node, sub_dir, default_context=True)
            existing = target.get(key.text())
            if existing is None:
                items.append((key, node))
            elif kind == "services" and to_plain(existing) != to_plain(node):
                conflict = LoadProblem(Kind.INCLUDED_SERVICE_CONFLICT, key.span, key.text(), service=key.text())
                project.problems.append(conflict)
        root = _replace(root, kind, YMap(tuple(items), target.span, target.tag))
    return root


def _replace(root: YMap, key: str, value: YNode) -> YMap:
    """`root` with `key` set to `value` (added at the end when missing)."""
    if root.get(key) is None:
        return YMap((*root.items, (YScalar(key, value.span), value)), root.span, root.tag)
    return YMap(tuple((k, value if k.text() == key else v) for k, v in root.items), root.span, root.tag)


def _resolve_extends(loader: Loader, loaded: LoadedFile, root: YMap, directory: Path, project: ComposeProject) -> YMap:
    """Apply every `extends` of the file's services (recursively, other files too)."""
    services = root.get("services")
    if not isinstance(services, YMap):
        return root
    items = []
    for key, node in services.items:
        if isinstance(node, YMap) and node.get("extends") is not None:
            node = _extended(loader, _Source(loaded, services, directory), key.text(), node, project, [])
        items.append((key, node))
    return _replace(root, "services", YMap(tuple(items), services.span, services.tag))


@dataclass(frozen=True, slots=True)
class _Source:
    """Where `extends` looks: a file, its services, and the folder its `extends.file` is relative to."""

    file: LoadedFile
    services: YMap | None
    folder: Path


def _extended(
    loader: Loader,
    source: _Source,
    name: str,
    node: YMap,
    project: ComposeProject,
    chain: list[tuple[Path, str]],
) -> YMap:
    spec = node.get("extends")
    without = YMap(tuple((k, v) for k, v in node.items if k.text() != "extends"), node.span, node.tag)
    if spec is None:
        return without
    target = source
    base_name: YScalar | None = None
    if isinstance(spec, YScalar):
        base_name = spec
    elif isinstance(spec, YMap):
        service_node = spec.get("service")
        base_name = service_node if isinstance(service_node, YScalar) else None
        file_node = spec.get("file")
        if isinstance(file_node, YScalar) and is_remote(file_node.text()):
            project.remote.add(name)  # what the remote base defines is not known
            return without
        if isinstance(file_node, YScalar):
            # a project file's `extends.file` is relative to the project folder, an extended file's to its own
            other = (source.folder / file_node.text()).resolve()
            if not other.is_file():
                missing = LoadProblem(Kind.EXTENDS_MISSING, file_node.span, file_node.text(), service=name)
                project.problems.append(missing)
                return without
            loaded = loader.load_file(other)
            services = loaded.root.get("services") if loaded.root is not None else None
            target = _Source(loaded, services if isinstance(services, YMap) else None, other.parent)
    if base_name is None or target.file.root is None:
        return without
    key = (target.file.path, base_name.text())
    if key in chain:
        project.problems.append(LoadProblem(Kind.EXTENDS_CYCLE, base_name.span, base_name.text(), service=name))
        return without
    base = target.services.get(base_name.text()) if target.services is not None else None
    if not isinstance(base, YMap):
        kind, file = Kind.UNDEFINED_BASE_SERVICE, target.file.rel
        project.problems.append(LoadProblem(kind, base_name.span, base_name.text(), service=name, in_file=file))
        return without
    base = _extended(loader, target, base_name.text(), base, project, [*chain, key])
    if target.file is not source.file:
        base = rebase_service(base, target.file.path.parent)
    # the base's own `!reset`/`!override` concern its file, not this service
    return merge_maps(_clean_root(base), without, ("services", name))
