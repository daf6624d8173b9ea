"""preflight's own model of the Compose file format, loaded from ``preflight/data/compose_schema.json``.

The data file describes every key Compose v2 accepts (the Compose Specification as enforced by
compose-go v2.9) in a compact notation documented at its top.  This module turns it into a tree
of immutable nodes that :mod:`preflight.model.compose.schema` walks and holds the vocabulary shared
with :mod:`preflight.model.compose.cast` and :mod:`preflight.model.compose.schema_checks` (paths,
problems, checks).  The short syntaxes Compose parses itself (ports, volumes, devices, extra
hosts...) are checked in :mod:`preflight.model.compose.schema_checks`.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import TypeAlias

#: A location in a compose document: mapping keys and list indexes.
Path: TypeAlias = tuple[str | int, ...]
#: Plain data as produced by a YAML/JSON parser.
JSON: TypeAlias = object


class ProblemKind(enum.Enum):
    """What is wrong at a location."""

    UNKNOWN_KEY = "unknown-key"
    WRONG_TYPE = "wrong-type"
    INVALID_VALUE = "invalid-value"
    MISSING_REQUIRED = "missing-required"
    CAST_ERROR = "cast-error"


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One way a compose document fails Compose's checks.

    ``path`` locates the offending key or value (for a missing key: the mapping that lacks it);
    ``message`` is human readable and never quotes a value; ``suggestion`` is a replacement
    key or value when a close match exists.
    """

    path: Path
    message: str
    suggestion: str | None
    kind: ProblemKind


class JType(enum.Flag):
    """JSON types a node accepts (INTEGER covers integral floats, NUMBER the others)."""

    NULL = enum.auto()
    BOOLEAN = enum.auto()
    INTEGER = enum.auto()
    NUMBER = enum.auto()
    STRING = enum.auto()
    ARRAY = enum.auto()
    OBJECT = enum.auto()


_ALL_TYPES = JType(sum(t.value for t in JType))


class Decode(enum.Enum):
    """How Compose converts a scalar into its Go model (checked on the whole project)."""

    BOOL = "bool"
    INT = "int"
    UINT = "uint"
    FLOAT32 = "float32"
    FLOAT64 = "float64"
    DURATION = "duration"
    BYTES = "bytes"
    MODE = "mode"
    COUNT = "count"
    COMMAND = "command"
    STR = "str"


class Check(enum.Enum):
    """Value checks Compose performs outside its JSON schema."""

    PORT = "port"
    VOLUME = "volume"
    DEVICE = "device"
    EXPOSE = "expose"
    KV_LIST = "kv_list"
    SSH = "ssh"
    ULIMIT = "ulimit"
    TARGET_STR = "target_str"
    HAS_TARGET = "has_target"
    EXT_NAME = "ext_name"
    IP = "ip"
    NONBLANK = "nonblank"
    HC_TEST = "hc_test"
    DEVREQ = "devreq"
    DOCKERFILE_EXCL = "dockerfile_excl"
    NONNEG = "nonneg"
    WATCH_TARGET = "watch_target"
    HOSTS = "hosts"
    ENV_LIST = "env_list"
    VOLUME_EXTERNAL = "volume_external"
    SECRET_SOURCE = "secret_source"  # noqa: S105 - a check name, not a password
    CONFIG_SOURCE = "config_source"
    SERVICE = "service"


@dataclass(frozen=True, slots=True, eq=False)
class Scalar:
    """A leaf: accepted JSON types plus enum/pattern/range constraints and Go decoding."""

    types: JType
    enum: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    hint: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    decode: Decode | None = None
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Obj:
    """A mapping: named properties, key patterns, whether other keys are allowed, required keys."""

    props: dict[str, Node] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], Node], ...] = ()
    open: bool = False
    required: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Arr:
    """A list of items, optionally without duplicates."""

    items: Node
    unique: bool = False
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class OneOf:
    """Alternatives that accept disjoint JSON types (Compose's ``oneOf``)."""

    alts: tuple[Node, ...]
    checks: tuple[Check, ...] = ()


Node: TypeAlias = Scalar | Obj | Arr | OneOf

#: Accepts anything (the value of an ``x-`` extension).
ANY = Scalar(_ALL_TYPES)


@dataclass(frozen=True, slots=True)
class Spec:
    """The loaded description: the document node and the paths where Compose de-duplicates lists."""

    root: Node
    dedup: tuple[tuple[str, ...], ...]


def path_matches(path: Path, pattern: tuple[str, ...]) -> bool:
    """Compose's path matching: ``*`` matches any one segment, ``[]`` any list index."""
    if len(path) != len(pattern):
        return False
    for part, want in zip(path, pattern, strict=True):
        if want == "*":
            continue
        if want == "[]":
            if not isinstance(part, int):
                return False
        elif part != want:
            return False
    return True


def render_path(path: Path) -> str:
    """``("services", "web", "ports", 0)`` -> ``services.web.ports[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


_TYPE_WORDS = {
    "str": JType.STRING,
    "int": JType.INTEGER,
    "num": JType.INTEGER | JType.NUMBER,
    "bool": JType.BOOLEAN,
    "null": JType.NULL,
    "obj": JType.OBJECT,
    "arr": JType.ARRAY,
    "any": _ALL_TYPES,
}


def _compile(regex: str) -> re.Pattern[str]:
    # JSON Schema patterns are searched; `$` must not match before a trailing newline.
    if regex.endswith("$") and not regex.endswith("\\$"):
        regex = regex[:-1] + r"\Z"
    return re.compile(regex)


def _parse_scalar(text: str) -> Scalar:
    head, _, rest = text.partition(" ")
    types = JType(0)
    for word in head.split("|"):
        types |= _TYPE_WORDS[word]
    attrs: dict[str, str] = {}
    while rest:
        if rest.startswith("re="):
            attrs["re"] = rest[3:]
            break
        token, _, rest = rest.partition(" ")
        name, sep, value = token.partition("=")
        if not sep or name not in ("enum", "min", "max", "dec", "chk", "hint"):
            raise ValueError(f"bad scalar attribute {token!r} in {text!r}")
        attrs[name] = value
    return Scalar(
        types,
        enum=tuple(attrs["enum"].split(",")) if "enum" in attrs else (),
        pattern=_compile(attrs["re"]) if "re" in attrs else None,
        hint=tuple(attrs["hint"].split(",")) if "hint" in attrs else (),
        minimum=float(attrs["min"]) if "min" in attrs else None,
        maximum=float(attrs["max"]) if "max" in attrs else None,
        decode=Decode(attrs["dec"]) if "dec" in attrs else None,
        checks=tuple(Check(c) for c in attrs["chk"].split(",")) if "chk" in attrs else (),
    )


class _Loader:
    def __init__(self, defs: dict[str, JSON]) -> None:
        self.defs = defs
        self.built: dict[str, Node] = {}

    def ref(self, name: str) -> Node:
        if name not in self.built:
            self.built[name] = self.node(self.defs[name])
        return self.built[name]

    def node(self, raw: JSON) -> Node:
        if isinstance(raw, str):
            return self.ref(raw[1:]) if raw.startswith("@") else _parse_scalar(raw)
        if not isinstance(raw, dict):
            raise TypeError(f"bad node {raw!r}")
        checks = tuple(Check(c) for c in raw.get("chk", ()))
        if "ref" in raw:
            base = self.ref(raw["ref"])
            return replace(base, checks=base.checks + checks)
        if "oneof" in raw:
            return OneOf(tuple(self.node(alt) for alt in raw["oneof"]), checks)
        if "items" in raw:
            return Arr(self.node(raw["items"]), bool(raw.get("uniq", False)), checks)
        unknown = set(raw) - {"props", "keys", "open", "ext", "req", "chk"}
        if unknown:
            raise ValueError(f"bad object attributes {sorted(unknown)}")
        patterns = [(_compile(rx), self.node(sub)) for rx, sub in raw.get("keys", {}).items()]
        if raw.get("ext", True):
            patterns.append((_compile("^x-"), ANY))
        props = {key: self.node(sub) for key, sub in raw.get("props", {}).items()}
        return Obj(props, tuple(patterns), bool(raw.get("open", False)), tuple(raw.get("req", ())), checks)


@functools.cache
def load_spec() -> Spec:
    """Load (once) preflight's description of the Compose file format."""
    text = resources.files("preflight").joinpath("data", "compose_schema.json").read_text(encoding="utf-8")
    data = json.loads(text)
    loader = _Loader(data["defs"])
    dedup = tuple(tuple(p.split(".")) for p in data["dedup"])
    return Spec(loader.node(data["root"]), dedup)
