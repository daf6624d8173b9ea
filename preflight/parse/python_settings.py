"""Pydantic settings classes in Python source, for :mod:`preflight.parse.python`.

Settings classes: subclasses of pydantic-settings' ``BaseSettings`` (v2) or pydantic v1's
``BaseSettings``, directly or through classes of the same file, with the environment variable
names pydantic would read for each field.  Names are resolved with the file's imports as
:class:`~preflight.parse.python_env.Symbols` records them.
"""

from __future__ import annotations

import ast
import enum
import re
from dataclasses import dataclass, replace
from typing import TypeAlias

from preflight.parse.python_env import LineIndex, Symbols, call_arg, is_none, literal_str

_V2_BASES = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings"})
_V1_BASES = frozenset({
    "pydantic.BaseSettings", "pydantic.env_settings.BaseSettings",
    "pydantic.v1.BaseSettings", "pydantic.v1.env_settings.BaseSettings",
})  # fmt: skip
_OPTIONAL_TEXT = re.compile(r"\bOptional\[|\bNone\b")


class SettingsFlavor(enum.Enum):
    """Which ``BaseSettings`` a class derives from."""

    V1 = "pydantic-v1"  # pydantic.BaseSettings (pydantic < 2, or pydantic.v1)
    V2 = "pydantic-settings"  # pydantic_settings.BaseSettings


@dataclass(frozen=True, slots=True)
class SettingsField:
    """One field of a settings class and the environment variables that can set it.

    ``env_names`` are aliases (``validation_alias``/``alias``/``AliasChoices`` in v2, ``env`` or
    ``alias`` in v1, never prefixed) or else ``env_prefix`` + the field name; upper-cased unless
    the class is case-sensitive. ``required`` follows the class's flavor: a field without a
    default is required, except that pydantic v1 gives an ``Optional[X]``/``X | None`` field
    without a default the default None (pydantic v2 keeps it required).
    """

    name: str
    env_names: tuple[str, ...]
    required: bool
    has_default: bool
    line: int
    col: int
    end_line: int
    end_col: int
    annotation: str = ""


@dataclass(frozen=True, slots=True)
class SettingsClass:
    """A pydantic settings class; ``line``/``col`` point at its ``class`` keyword.

    Configuration and fields inherited from settings classes of the same file are included;
    ``env_file`` lists the literal paths as written (``Path("x")`` counts as ``"x"``).
    """

    name: str
    line: int
    col: int
    flavor: SettingsFlavor
    env_prefix: str = ""
    case_sensitive: bool = False
    env_file: tuple[str, ...] = ()
    env_nested_delimiter: str | None = None
    fields: tuple[SettingsField, ...] = ()


_Config: TypeAlias = dict[str, ast.expr]


def settings_classes(symbols: Symbols, index: LineIndex) -> tuple[SettingsClass, ...]:
    """The pydantic settings classes of a module, in source order."""
    known: dict[str, tuple[SettingsFlavor, _Config, dict[str, SettingsField]]] = {}
    found: list[SettingsClass] = []
    for cls in symbols.classes:
        flavor: SettingsFlavor | None = None
        config: _Config = {}
        fields: dict[str, SettingsField] = {}
        for base in reversed(cls.bases):  # the first base wins, as in the MRO
            qualified = symbols.qualname(base)
            if qualified in _V2_BASES or qualified in _V1_BASES:
                flavor = SettingsFlavor.V2 if qualified in _V2_BASES else SettingsFlavor.V1
            elif isinstance(base, ast.Name) and base.id in known:
                flavor, inherited, parent_fields = known[base.id]
                config.update(inherited)
                fields.update(parent_fields)
        if flavor is None:
            continue
        for stmt in cls.body:
            config.update(_own_config(stmt))
        config.update({k.arg: k.value for k in cls.keywords if k.arg and k.arg != "metaclass"})
        for stmt in cls.body:
            field = _field(stmt, flavor, symbols, index)
            if field is not None:
                fields[field.name] = field
        known[cls.name] = (flavor, config, fields)
        found.append(_finish(cls, flavor, config, fields, symbols, index))
    return tuple(found)


def _own_config(stmt: ast.stmt) -> _Config:
    """``model_config = SettingsConfigDict(...)``/``{...}`` (v2) or ``class Config:`` (v1)."""
    if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
        pairs = [(s.targets[0], s.value) for s in stmt.body if isinstance(s, ast.Assign) and len(s.targets) == 1]
        pairs += [(s.target, s.value) for s in stmt.body if isinstance(s, ast.AnnAssign) and s.value]
        return {t.id: v for t, v in pairs if isinstance(t, ast.Name) and v is not None}
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    target = stmt.target if isinstance(stmt, ast.AnnAssign) else target
    value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
    if not (isinstance(target, ast.Name) and target.id == "model_config"):
        return {}
    if isinstance(value, ast.Call):
        return {k.arg: k.value for k in value.keywords if k.arg}
    if isinstance(value, ast.Dict):
        return {key: v for k, v in zip(value.keys, value.values, strict=True) if (key := literal_str(k)) is not None}
    return {}


def _finish(
    cls: ast.ClassDef,
    flavor: SettingsFlavor,
    config: _Config,
    fields: dict[str, SettingsField],
    symbols: Symbols,
    index: LineIndex,
) -> SettingsClass:
    prefix = literal_str(config.get("env_prefix")) or ""
    case_node = config.get("case_sensitive")
    case_sensitive = isinstance(case_node, ast.Constant) and case_node.value is True
    named = []
    for field in fields.values():
        names = field.env_names or (prefix + field.name,)
        names = names if case_sensitive else tuple(n.upper() for n in names)
        named.append(replace(field, env_names=tuple(dict.fromkeys(names))))
    return SettingsClass(
        cls.name,
        cls.lineno,
        index.col(cls.lineno, cls.col_offset),
        flavor,
        prefix,
        case_sensitive,
        _strings(config.get("env_file"), symbols),
        literal_str(config.get("env_nested_delimiter")),
        tuple(named),
    )


def _field(stmt: ast.stmt, flavor: SettingsFlavor, symbols: Symbols, index: LineIndex) -> SettingsField | None:
    """A field declaration; ``env_names`` holds only its aliases until :func:`_finish`."""
    if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
        return None
    name, annotation = stmt.target.id, stmt.annotation
    if name.startswith("_") or name == "model_config" or _head(annotation, symbols) == "ClassVar":
        return None
    candidates = [stmt.value]
    if _head(annotation, symbols) == "Annotated" and isinstance(annotation, ast.Subscript):
        parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        annotation, candidates = parts[0], [stmt.value, *parts[1:]]
    field_calls = [c for c in candidates if isinstance(c, ast.Call) and _is_field_call(c, symbols)]
    defaults = {_field_default(c) for c in field_calls} - {None}
    has_default = (stmt.value is not None and stmt.value not in field_calls) or True in defaults
    if not has_default and not defaults and flavor is SettingsFlavor.V1 and _is_optional(annotation, symbols):
        has_default = True  # pydantic v1 gives an Optional field without a default the default None
    aliases: tuple[str, ...] = ()
    keys = ("validation_alias", "alias") if flavor is SettingsFlavor.V2 else ("env", "alias")
    for call in field_calls:
        for key in keys:
            value = next((k.value for k in call.keywords if k.arg == key), None)
            if value is not None:
                aliases = _alias_names(value, symbols)
                break
    return SettingsField(name, aliases, not has_default, has_default, *index.span(stmt),
                         ast.unparse(stmt.annotation))  # fmt: skip


def _head(annotation: ast.expr, symbols: Symbols) -> str:
    """The last name of an annotation's outer type: ``ClassVar`` for ``typing.ClassVar[int]``."""
    outer = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return (symbols.qualname(outer) or "").rpartition(".")[2]


def _is_field_call(node: ast.Call, symbols: Symbols) -> bool:
    return (symbols.qualname(node.func) or "").rpartition(".")[2] == "Field"


def _field_default(call: ast.Call) -> bool | None:
    """True with a default or default_factory, False for an explicit ``...``, None for neither."""
    default = call_arg(call, 0, "default")
    if default is not None:
        return not (isinstance(default, ast.Constant) and default.value is Ellipsis)
    return True if any(k.arg == "default_factory" for k in call.keywords) else None


def _is_optional(annotation: ast.expr, symbols: Symbols) -> bool:
    """``Optional[X]``, ``Union[X, None]``, ``X | None``, ``None`` or such a string annotation."""
    if isinstance(annotation, ast.Constant):
        return annotation.value is None or (
            isinstance(annotation.value, str) and bool(_OPTIONAL_TEXT.search(annotation.value))
        )
    head = _head(annotation, symbols)
    if head == "Optional":
        return True
    if head == "Union" and isinstance(annotation, ast.Subscript):
        members = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        return any(is_none(m) for m in members)
    while isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        if is_none(annotation.right):
            return True
        annotation = annotation.left
    return is_none(annotation)


def _alias_names(node: ast.expr, symbols: Symbols) -> tuple[str, ...]:
    """``"X"``, ``["X", "Y"]`` (v1 ``env``), ``AliasChoices("X", AliasPath("Y", 0))``, ``AliasPath("X")``."""
    if isinstance(node, ast.Call):
        head = (symbols.qualname(node.func) or "").rpartition(".")[2]
        if head == "AliasPath":
            return _strings(node.args[0] if node.args else None, symbols)
        if head == "AliasChoices":
            return tuple(n for arg in node.args for n in _alias_names(arg, symbols))
        return ()
    return _strings(node, symbols)


def _strings(node: ast.expr | None, symbols: Symbols) -> tuple[str, ...]:
    """Literal strings of a string, a ``Path("x")``, or a list/tuple/set of them."""
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    found = []
    for item in items:
        if isinstance(item, ast.Call) and len(item.args) == 1 and (symbols.qualname(item.func) or "").endswith("Path"):
            item = item.args[0]
        text = literal_str(item)
        if text is not None:
            found.append(text)
    return tuple(found)
