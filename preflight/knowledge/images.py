"""The ``images.toml`` knowledge table and the lookups over it (see :mod:`preflight.knowledge`).

The table is validated with pydantic models by the test suite (a run trusts the shipped file), resolved
(``inherits`` chains, ``file_env`` pairs, aliases) into tag-scoped entries and cached;
:func:`image_info` resolves an entry for one reference's tag.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from preflight.knowledge import tables
from preflight.knowledge.image_types import (
    CommandArgRule,
    EnvRule,
    ImageInfo,
)
from preflight.knowledge.tables import KnowledgeError, _load_toml, _validate
from preflight.parse.image_ref import parse_image_ref

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


__all__ = ["has_program", "image_info", "known_images", "python_version_of"]


def _tag_matches(tag: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(tag, pattern) for pattern in patterns)


@dataclass(frozen=True, slots=True)
class _Scoped:
    """A tag-scoped item: applies when the tag matches ``tags`` and not ``not_tags``."""

    tags: tuple[str, ...]
    not_tags: tuple[str, ...]

    def matches(self, tag: str) -> bool:
        return _tag_matches(tag, self.tags) and not _tag_matches(tag, self.not_tags)

    @property
    def universal(self) -> bool:
        return "*" in self.tags and not self.not_tags


@dataclass(frozen=True, slots=True)
class _ScopedRule:
    scope: _Scoped
    rule: EnvRule


@dataclass(frozen=True, slots=True)
class _EnvSet:
    scope: _Scoped
    vars: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class _Programs:
    scope: _Scoped
    present: frozenset[str]
    absent: frozenset[str]


@dataclass(frozen=True, slots=True)
class _TagEnv:
    var: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Image:
    key: str
    docs: str
    declares_healthcheck: bool | None
    env_rules: tuple[_ScopedRule, ...]
    command_args: tuple[CommandArgRule, ...]
    env: tuple[_EnvSet, ...]
    tag_env: tuple[_TagEnv, ...]
    programs: tuple[_Programs, ...]
    python_version_regex: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _ImageTable:
    images: Mapping[str, _Image]
    index: Mapping[str, str]  # lookup name -> key


def _lookup_name(reference: str) -> str:
    ref = parse_image_ref(reference)
    if ref is None or ref.tag is not None or ref.digest is not None or ref.tag_unknown:
        raise KnowledgeError(f"images.toml: {reference!r} is not a plain repository name")
    return ref.name


@functools.cache
def _image_table() -> _ImageTable:
    return _load_image_table(validate=tables.VALIDATE)


def _load_image_table(validate: bool) -> _ImageTable:
    """The resolved table; ``validate`` checks it with pydantic first (the test suite does this
    for the shipped file, so a run trusts it and never imports pydantic for it)."""
    raw = _load_toml("images.toml")
    if validate:
        from preflight.knowledge.image_schema import image_schema

        raw = _validate(image_schema(), raw, "images.toml").model_dump()
    return _resolve_table(raw)


_INHERITED = (
    "declares_healthcheck",
    "file_env",
    "env_rules",
    "command_args",
    "env",
    "tag_env",
    "programs",
    "python_version_regex",
)


def _strs(entry: Mapping[str, Any], key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(entry.get(key, default))


def _str_map(entry: Mapping[str, Any], key: str) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in entry.get(key, {}).items()})


def _resolve_table(table: Mapping[str, Any]) -> _ImageTable:
    """Entries with ``inherits`` chains, ``file_env`` pairs and aliases resolved; the defaults
    of missing keys are the schema's (a test compares this with the validated table)."""
    entries: Mapping[str, Mapping[str, Any]] = table["images"]

    def resolved(key: str, seen: tuple[str, ...] = ()) -> Mapping[str, Any]:
        """The entry with inherited fields filled in from its parent chain."""
        entry = entries[key]
        parent_key = entry.get("inherits")
        if parent_key is None:
            return entry
        if parent_key not in entries or parent_key in (*seen, key):
            raise KnowledgeError(f"images.toml: {key}: bad inherits {parent_key!r}")
        parent = resolved(parent_key, (*seen, key))
        updates = {name: parent.get(name) for name in _INHERITED if entry.get(name) is None}
        return {**entry, **updates}

    images: dict[str, _Image] = {}
    index: dict[str, str] = {}
    for key in entries:
        model = resolved(key)
        rules = [
            _ScopedRule(
                _Scoped(_strs(r, "tags", ("*",)), _strs(r, "not_tags")),
                EnvRule(
                    kind=r["kind"],
                    vars=tuple(r["vars"]),
                    why=r["why"],
                    docs=r["docs"],
                    values=_strs(r, "values"),
                    min_length=r.get("min_length", 0),
                    when_set=_strs(r, "when_set"),
                    when_equals=_str_map(r, "when_equals"),
                    unless_equals=_str_map(r, "unless_equals"),
                    ignore_case=r.get("ignore_case", False),
                    level=r.get("level", "error"),
                    default_command_only=r.get("default_command_only", False),
                ),
            )
            for r in model.get("env_rules") or ()
        ]
        for var in model.get("file_env") or ():
            rules.append(
                _ScopedRule(
                    _Scoped(("*",), ()),
                    EnvRule(
                        kind="exclusive",
                        vars=(var, f"{var}_FILE"),
                        why=(
                            f"The entrypoint reads {var} from the file named by {var}_FILE and "
                            f"exits with an error when both are set (they are exclusive)."
                        ),
                        docs=model["docs"],
                    ),
                )
            )
        regex = model.get("python_version_regex")
        images[key] = _Image(
            key=key,
            docs=model["docs"],
            declares_healthcheck=model.get("declares_healthcheck"),
            env_rules=tuple(rules),
            command_args=tuple(
                CommandArgRule(a["flag"], a["requires_value"], a["why"], a["docs"])
                for a in model.get("command_args") or ()
            ),
            env=tuple(
                _EnvSet(_Scoped(_strs(e, "tags", ("*",)), _strs(e, "not_tags")), MappingProxyType(dict(e["vars"])))
                for e in model.get("env") or ()
            ),
            tag_env=tuple(_TagEnv(t["var"], re.compile(t["regex"])) for t in model.get("tag_env") or ()),
            programs=tuple(
                _Programs(
                    _Scoped(_strs(p, "tags", ("*",)), _strs(p, "not_tags")),
                    frozenset(p.get("present", ())),
                    frozenset(p.get("absent", ())),
                )
                for p in model.get("programs") or ()
            ),
            python_version_regex=re.compile(regex) if regex else None,
        )
        for name in (key, *_strs(model, "aliases")):
            lookup = _lookup_name(name)
            if index.get(lookup, key) != key:
                raise KnowledgeError(f"images.toml: {name!r} names both {index[lookup]} and {key}")
            index[lookup] = key
    return _ImageTable(MappingProxyType(images), MappingProxyType(index))


def known_images() -> tuple[str, ...]:
    """The table keys of every image the tables describe, sorted."""
    return tuple(sorted(_image_table().images))


def _resolve_programs(image: _Image, tag: str | None) -> tuple[frozenset[str], frozenset[str]]:
    if tag is not None:
        for family in image.programs:
            if family.scope.matches(tag):
                return family.present, family.absent
        return frozenset(), frozenset()
    if not image.programs:
        return frozenset(), frozenset()
    # Tag unknown: only what every family agrees on.
    present = frozenset.intersection(*(f.present for f in image.programs))
    absent = frozenset.intersection(*(f.absent for f in image.programs))
    return present, absent


def _resolve_env(image: _Image, tag: str | None) -> Mapping[str, str]:
    env: dict[str, str] = {}
    for env_set in image.env:
        if env_set.scope.matches(tag) if tag is not None else env_set.scope.universal:
            env.update(env_set.vars)
    if tag is not None:
        for tag_env in image.tag_env:
            match = tag_env.regex.search(tag)
            if match is not None and match.group(1):
                env[tag_env.var] = match.group(1)
    return MappingProxyType(env)


@functools.lru_cache(maxsize=2048)
def image_info(image_ref: str) -> ImageInfo | None:
    """Knowledge about an image reference, resolved for its tag; None for unknown images.

    When the tag is not known (digest only, or an unresolved ``${VAR}``), only tag-independent
    facts are kept: env rules and env sets scoped to every tag (``tags = ["*"]`` and no
    ``not_tags``), programs on which every tag family agrees.
    """
    ref = parse_image_ref(image_ref)
    if ref is None:
        return None
    table = _image_table()
    key = table.index.get(ref.name)
    if key is None:
        return None
    image = table.images[key]
    tag = ref.effective_tag
    rules = tuple(
        sr.rule for sr in image.env_rules if (sr.scope.matches(tag) if tag is not None else sr.scope.universal)
    )
    present, absent = _resolve_programs(image, tag)
    python_version: str | None = None
    if image.python_version_regex is not None and tag is not None:
        match = image.python_version_regex.search(tag)
        python_version = match.group(1) if match else None
    return ImageInfo(
        ref=ref,
        key=key,
        docs=image.docs,
        declares_healthcheck=image.declares_healthcheck,
        env_rules=rules,
        command_args=image.command_args,
        default_env=_resolve_env(image, tag),
        python_version=python_version,
        programs_present=present,
        programs_absent=absent,
    )


def has_program(image_ref: str, program: str) -> bool | None:
    """Whether the image contains ``program``; None when unknown (never False for unknown images)."""
    info = image_info(image_ref)
    return None if info is None else info.has_program(program)


def python_version_of(image_ref: str) -> str | None:
    """The ``X.Y`` CPython version an image's tag pins, for Python-bearing images; else None.

    ``python:3.12-slim-bookworm`` -> ``"3.12"``, ``python:3.11.9-alpine3.20`` -> ``"3.11"``,
    ``ghcr.io/astral-sh/uv:python3.12-bookworm-slim`` -> ``"3.12"``; ``python:latest`` -> None.
    """
    info = image_info(image_ref)
    return None if info is None else info.python_version
