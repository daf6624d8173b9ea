"""preflight's own model of the Compose file format, loaded from ``preflight/data/compose_schema.json``.

The data file describes every key Compose v2 accepts (the Compose Specification as enforced by
compose-go v2.9) in a compact notation documented at its top.  This module turns it into a tree
of immutable nodes that :mod:`preflight.model.compose_schema` walks, holds the vocabulary shared
with :mod:`preflight.model.compose_cast` (paths, problems), and describes the short syntaxes
Compose parses itself (ports, volumes, devices, extra hosts...).
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import json
import re
from collections.abc import Mapping
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


# --- The short syntaxes, as Compose parses them (errors only; None means accepted) ---


def go_parse_ip(text: str) -> bool:
    """Go's ``net.ParseIP``: a dotted IPv4 or an IPv6 address without zone."""
    if "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _port_range(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    if "-" not in text:
        start = go_parse_uint16(text)
        return None if start is None else (start, start)
    parts = text.split("-")
    start, end = go_parse_uint16(parts[0]), go_parse_uint16(parts[1])
    if start is None or end is None or end < start:
        return None
    return start, end


def go_parse_uint16(text: str) -> int | None:
    """``strconv.ParseUint(text, 10, 16)``."""
    if not re.match(r"[0-9]+\Z", text):
        return None
    value = int(text)
    return value if value <= 0xFFFF else None


def port_spec_error(spec: str) -> str | None:
    """Why Docker rejects a short port mapping ``[[IP:]HOST:]CONTAINER[/PROTO]``, or None."""
    parts = spec.split(":")
    if len(parts) == 1:
        ip, host, container = "", "", parts[0]
    elif len(parts) == 2:
        ip, host, container = "", parts[0], parts[1]
    else:
        ip, host, container = ":".join(parts[:-2]), parts[-2], parts[-1]
    port, _, proto = container.partition("/")
    proto = (proto or "tcp").lower() if port else ""
    if proto not in ("tcp", "udp", "sctp"):
        return "invalid protocol (expected tcp, udp or sctp)"
    if ip.startswith("["):
        inner = re.match(r"\[([^\[\]]*)\]\Z", ip)
        if inner is None:
            return "invalid host IP address"
        ip = inner.group(1)
    if ip and not go_parse_ip(ip):
        return "invalid host IP address"
    container_range = _port_range(port)
    if container_range is None:
        return "invalid container port"
    if container_range[0] == 0:
        return "the container port must not be 0"
    if host:
        host_range = _port_range(host)
        if host_range is None:
            return "invalid host port"
        span_c, span_h = container_range[1] - container_range[0], host_range[1] - host_range[0]
        if span_c != span_h and span_c != 0:
            return "the host and container port ranges differ in size"
    return None


_END = "\0"


def volume_spec_error(spec: str) -> str | None:
    """Why Compose rejects a short volume ``[SOURCE:]TARGET[:MODE]``, or None."""
    if not spec:
        return "empty volume"
    if len(spec.encode()) <= 2:
        return None
    source = target = ""
    buffer: list[str] = []
    depth = 0
    text = spec + _END
    for i, char in enumerate(text):
        if char == "$" and i + 1 < len(spec) and text[i + 1] == "{":
            depth += 1
            buffer.append(char)
        elif char == "}" and depth > 0:
            depth -= 1
            buffer.append(char)
        elif char == ":" and len(buffer) == 1 and buffer[0].isalpha():
            buffer.append(char)  # a Windows drive letter
        elif char in (":", _END) and depth == 0:
            if not buffer:
                return "empty section between colons"
            if not source and char == _END:
                target = "".join(buffer)
            elif not source:
                source = "".join(buffer)
            elif not target:
                target = "".join(buffer)
            elif char == ":":
                return "too many colons"
            buffer = []
        else:
            buffer.append(char)
    return None


# --- value checks outside the JSON schema (see Check) ---


def is_int(value: object) -> bool:
    """True for a JSON integer that is a Python int (not a bool, not a float)."""
    return isinstance(value, int) and not isinstance(value, bool)


def bad_host(host: str) -> bool:
    """True for a host name Compose refuses in ``extra_hosts``."""
    return host == "" or ":" in host or "=" in host


def scalar_check(check: Check, value: object, where: str) -> tuple[str, ProblemKind] | None:
    """Checks of one scalar value: (message, kind) when it fails."""
    bad = ProblemKind.INVALID_VALUE
    match check:
        case Check.PORT | Check.EXPOSE if isinstance(value, float):
            return f"{where} must be an integer or a string", ProblemKind.WRONG_TYPE
        case Check.PORT if (reason := port_spec_error(str(value))) is not None:
            return f"{where} is not a valid port mapping ([[IP:]HOST:]CONTAINER[/PROTOCOL]): {reason}", bad
        case Check.VOLUME if (reason := volume_spec_error(str(value))) is not None:
            return f"{where} is not a valid volume ([SOURCE:]TARGET[:MODE]): {reason}", bad
        case Check.DEVICE if str(value).count(":") > 2:
            return f"{where} is not a valid device (HOST[:CONTAINER[:PERMISSIONS]]); use the long syntax", bad
        case Check.IP if not go_parse_ip(str(value)):
            return f"{where} is not a valid IP address", bad
        case Check.NONBLANK if value == "":
            return f"{where} must not be empty", bad
        case Check.NONNEG if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            return f"{where} must not be negative", bad
        case Check.ULIMIT if not is_int(value) and not isinstance(value, Mapping):
            return f"{where} must be an integer or a mapping with soft and hard", ProblemKind.WRONG_TYPE
    return None


def entry_check(check: Check, item: str) -> str | None:
    """Checks of each string of a list: the reason when it fails."""
    match check:
        case Check.KV_LIST if "=" not in item:
            return "must be NAME=VALUE"
        case Check.SSH if "=" not in item and item != "default":
            return 'must be "default" or ID=PATH'
        case Check.ENV_LIST:
            name = item.split("=", 1)[0].encode()
            # Compose looks at the last byte of the name (so U+0085/U+00A0 endings count as spaces)
            if name and chr(name[-1]) in "\t\n\v\f\r \x85\xa0":
                return "has a variable name ending with a space"
        case Check.HOSTS:
            sep = "=" if "=" in item else ":"
            if sep not in item:
                return "must be HOST=IP (or HOST:IP)"
            if bad_host(item.split(sep, 1)[0]):
                return "has an invalid host name"
    return None
