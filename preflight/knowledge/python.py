"""Python knowledge (see :mod:`preflight.knowledge`): import names, transitive requirements, stdlib.

The ``import_names.toml`` and ``transitive.toml`` tables are validated with pydantic models by
the test suite (a run trusts the shipped files) and cached, as are the ``stdlib/3.X.txt`` lists.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from preflight.knowledge import tables  # _read_data looked up at call time (replaceable in tests)
from preflight.knowledge.tables import KnowledgeError, _load_toml, _validate

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pydantic import BaseModel

__all__ = [
    "canonicalize_distribution",
    "distributions_for_import",
    "import_names_for",
    "is_stdlib_module",
    "knows_dependencies",
    "stdlib_modules",
    "stdlib_versions",
    "transitive_distributions",
    "transitive_imports",
]

_CANON = re.compile(r"[-_.]+")
_DIST = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?")


def canonicalize_distribution(name: str) -> str:
    """PEP 503 normalisation: lower-case, runs of ``-``, ``_``, ``.`` become ``-``."""
    return _CANON.sub("-", name.strip()).lower()


def _split_requirement(requirement: str) -> tuple[str, tuple[str, ...]]:
    """``"Uvicorn[Standard] >=0.30"`` -> (``"uvicorn"``, (``"standard"``,))."""
    match = _DIST.match(requirement)
    if match is None:
        return canonicalize_distribution(requirement), ()
    extras = tuple(canonicalize_distribution(e) for e in (match.group(2) or "").split(",") if e.strip())
    return canonicalize_distribution(match.group(1)), extras


# -- import_names.toml ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ImportTable:
    names: Mapping[str, tuple[str, ...]]
    prefixes: tuple[tuple[str, tuple[str, ...]], ...]  # longest prefix first


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@functools.cache
def _import_table() -> _ImportTable:
    return _load_import_table(validate=tables.VALIDATE)


def _load_import_table(validate: bool) -> _ImportTable:
    raw = _load_toml("import_names.toml")
    if validate:
        raw = _validate(_import_schema(), raw, "import_names.toml").model_dump()
    prefixes_raw: list[dict[str, Any]] = list(raw.get("prefixes", ()))  # type: ignore[call-overload]
    for p in prefixes_raw:
        if not p["prefix"].endswith("-") or p["prefix"] != canonicalize_distribution(p["prefix"]):
            raise KnowledgeError(f"import_names.toml: prefix {p['prefix']!r} must be canonical, ending in '-'")
        if not all(_IDENTIFIER.match(i) for i in p["imports"]):
            raise KnowledgeError(f"import_names.toml: prefix {p['prefix']!r} has a bad import name")
    prefixes = sorted(((p["prefix"], tuple(p["imports"])) for p in prefixes_raw), key=lambda t: -len(t[0]))
    distributions: dict[str, Any] = raw["distributions"]  # type: ignore[assignment]
    return _ImportTable(MappingProxyType({k: tuple(v) for k, v in distributions.items()}), tuple(prefixes))


def _import_schema() -> type[BaseModel]:
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class Prefix(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        prefix: str = Field(min_length=2)
        imports: tuple[str, ...]
        why: str = Field(min_length=1)

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        schema_version: Literal[1]
        distributions: dict[str, tuple[str, ...]]
        prefixes: tuple[Prefix, ...] = ()

        @field_validator("distributions")
        @classmethod
        def _canonical(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
            for dist, imports in value.items():
                if dist != canonicalize_distribution(dist):
                    raise ValueError(f"distribution key {dist!r} is not canonical")
                if not imports or not all(_IDENTIFIER.match(i) for i in imports):
                    raise ValueError(f"{dist}: import names must be non-empty identifiers")
            return value

    return Table


def import_names_for(distribution: str, overrides: Mapping[str, Sequence[str]] | None = None) -> tuple[str, ...]:
    """Top-level import names a distribution provides.

    ``distribution`` may carry extras and a version specifier (ignored).  Order of precedence:
    ``overrides`` (keys normalised like distribution names), the shipped table, the prefix
    families (longest prefix wins; a family may provide no importable name, like ``types-*``
    stub packages), else the normalised name with ``-`` replaced by ``_``.
    """
    name, _extras = _split_requirement(distribution)
    if overrides:
        for key, imports in overrides.items():
            if canonicalize_distribution(key) == name:
                return tuple(imports)
    table = _import_table()
    if name in table.names:
        return table.names[name]
    for prefix, imports in table.prefixes:
        if name.startswith(prefix) and len(name) > len(prefix):
            return imports
    return (name.replace("-", "_"),)


def distributions_for_import(module: str) -> tuple[str, ...]:
    """Distributions in the shipped table that provide the top-level module of ``module``.

    Only explicit table entries are searched (not prefix families, not the identity rule), so
    ``yaml`` gives ``("pyyaml",)`` and ``requests`` gives ``()``.
    """
    top = module.split(".", 1)[0]
    return tuple(sorted(d for d, imports in _import_table().names.items() if top in imports))


# -- transitive.toml -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Requires:
    requires: tuple[str, ...]
    extras: Mapping[str, tuple[str, ...]]


@functools.cache
def _transitive_table() -> Mapping[str, _Requires]:
    return _load_transitive_table(validate=tables.VALIDATE)


def _load_transitive_table(validate: bool) -> Mapping[str, _Requires]:
    raw = _load_toml("transitive.toml")
    if validate:
        raw = _validate(_transitive_schema(), raw, "transitive.toml").model_dump()
    distributions: dict[str, dict[str, Any]] = raw["distributions"]  # type: ignore[assignment]
    out: dict[str, _Requires] = {}
    for dist, entry in distributions.items():
        requires = tuple(entry.get("requires", ()))
        extras = {k: tuple(v) for k, v in entry.get("extras", {}).items()}
        names = [dist, *requires, *extras]
        for extra_reqs in extras.values():
            names.extend(extra_reqs)
        for n in names:
            if n != canonicalize_distribution(n):
                raise KnowledgeError(f"transitive.toml: {dist}: {n!r} is not a canonical name")
        if dist in requires:
            raise KnowledgeError(f"transitive.toml: {dist} requires itself")
        out[dist] = _Requires(requires, MappingProxyType(extras))
    return MappingProxyType(out)


def _transitive_schema() -> type[BaseModel]:
    from pydantic import BaseModel, ConfigDict, Field

    class Entry(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        requires: tuple[str, ...] = ()
        extras: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        schema_version: Literal[1]
        distributions: dict[str, Entry]

    return Table


def transitive_distributions(distribution: str, extras: Sequence[str] = ()) -> tuple[str, ...]:
    """Every distribution installed along with ``distribution`` (not itself), sorted.

    Extras may be given in ``distribution`` (``"uvicorn[standard]"``) or in ``extras``.  The
    closure follows the table only: a requirement missing from the table contributes itself but
    nothing further.
    """
    name, own_extras = _split_requirement(distribution)
    table = _transitive_table()
    wanted = {canonicalize_distribution(e) for e in (*own_extras, *extras)}
    seen: set[str] = set()
    stack: list[tuple[str, frozenset[str]]] = [(name, frozenset(wanted))]
    while stack:
        current, current_extras = stack.pop()
        entry = table.get(current)
        if entry is None:
            continue
        deps = list(entry.requires)
        for extra in sorted(current_extras):
            deps.extend(entry.extras.get(extra, ()))
        for dep in deps:
            if dep not in seen and dep != name:
                seen.add(dep)
                stack.append((dep, frozenset()))
    return tuple(sorted(seen))


def transitive_imports(
    distribution: str,
    extras: Sequence[str] = (),
    overrides: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, ...]:
    """Top-level modules importable because ``distribution`` (with ``extras``) is installed.

    The import names of :func:`transitive_distributions`, sorted, excluding the distribution's
    own import names; ``()`` for distributions the table does not know.
    """
    own = set(import_names_for(distribution, overrides))
    found: set[str] = set()
    for dep in transitive_distributions(distribution, extras):
        found.update(import_names_for(dep, overrides))
    return tuple(sorted(found - own))


# -- stdlib/3.X.txt ------------------------------------------------------------------------

_STDLIB_VERSIONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
_VERSION = re.compile(r"(\d+)\.(\d+)")


def stdlib_versions() -> tuple[str, ...]:
    """The CPython minor versions with a shipped stdlib list, oldest first."""
    return _STDLIB_VERSIONS


@functools.cache
def _nearest_stdlib_version(python_version: str) -> str:
    match = _VERSION.search(python_version)
    if match is None:
        raise ValueError(f"not a Python version: {python_version!r}")
    wanted = (int(match.group(1)), int(match.group(2)))
    known = [(int(v.split(".")[0]), int(v.split(".")[1])) for v in _STDLIB_VERSIONS]
    if wanted <= known[0]:
        return _STDLIB_VERSIONS[0]
    if wanted >= known[-1]:
        return _STDLIB_VERSIONS[-1]
    best = min(known, key=lambda k: abs(k[1] - wanted[1]) if k[0] == wanted[0] else 1_000)
    return f"{best[0]}.{best[1]}"


@functools.cache
def _stdlib(version: str) -> frozenset[str]:
    text = tables._read_data("stdlib", f"{version}.txt")
    names = frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    bad = sorted(n for n in names if not _IDENTIFIER.match(n))
    if bad or not names:
        raise KnowledgeError(f"stdlib/{version}.txt: bad module names {bad[:5]}")
    return names


def stdlib_modules(python_version: str) -> frozenset[str]:
    """Top-level standard-library module names of a Python version.

    ``python_version`` is any text containing ``X.Y`` (``"3.12"``, ``"3.12.4"``,
    ``"3.12-slim"``); a version without a list maps to the nearest listed one (``3.7`` -> 3.8,
    ``3.15`` -> 3.14).  Raises ValueError when no ``X.Y`` is found.
    """
    return _stdlib(_nearest_stdlib_version(python_version))


def is_stdlib_module(module: str, python_version: str | None = None) -> bool:
    """Whether the top-level module of ``module`` is in the stdlib of ``python_version``.

    With ``python_version`` None: in the stdlib of any listed version.
    """
    top = module.split(".", 1)[0]
    if python_version is not None:
        return top in stdlib_modules(python_version)
    return any(top in _stdlib(v) for v in _STDLIB_VERSIONS)


def knows_dependencies(distribution: str) -> bool:
    """Whether the transitive table lists ``distribution`` (so its closure is known)."""
    return canonicalize_distribution(_split_requirement(distribution)[0]) in _transitive_table()
