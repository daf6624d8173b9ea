"""Checks Compose makes outside its JSON schema, for :mod:`preflight.model.compose.schema`.

The short syntaxes Compose parses itself (port mappings, volumes, IP addresses), as the Go code
parses them; the checks of one scalar value or one list entry named by
:class:`~preflight.model.compose.schema_spec.Check`; and the consistency rules between the keys of
one service (:func:`service_consistency`), which compare values as Compose decodes them
(:mod:`preflight.model.compose.cast`).  Messages never quote a value.
"""

from __future__ import annotations

import ipaddress
import math
import re
import struct
from collections.abc import Mapping

from preflight.model.compose.cast import go_parse_float, go_parse_int, go_ram_in_bytes
from preflight.model.compose.schema_spec import Check, Path, ProblemKind, SchemaProblem, render_path

__all__ = [
    "bad_host",
    "entry_check",
    "go_parse_ip",
    "go_parse_uint16",
    "is_int",
    "port_spec_error",
    "scalar_check",
    "service_consistency",
    "volume_spec_error",
]

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


# --- consistency between the keys of one service ---


def _f32(value: object) -> float:
    number = go_parse_float(value) if isinstance(value, str) else value
    if not isinstance(number, int | float):
        return 0.0
    try:
        return float(struct.unpack("f", struct.pack("f", number))[0])
    except OverflowError:
        return math.copysign(math.inf, number)


def _size(value: object) -> int:
    size = go_ram_in_bytes(value) if isinstance(value, str) else value
    return size if isinstance(size, int) and not isinstance(size, bool) else 0


def _int(value: object) -> int:
    number = go_parse_int(value) if isinstance(value, str) else value
    return int(number) if isinstance(number, int | float) else 0


def _section(value: object, *keys: str) -> Mapping[object, object] | None:
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, Mapping) else None


def service_consistency(value: Mapping[object, object], path: Path) -> list[SchemaProblem]:
    """Compose's consistency rules between the keys of one service."""
    where, found = render_path(path), []
    limits, reservations = (
        _section(value, "deploy", "resources", "limits"),
        _section(value, "deploy", "resources", "reservations"),
    )
    pairs = (
        ("cpus", limits, "deploy.resources.limits.cpus", _f32),
        ("mem_limit", limits, "deploy.resources.limits.memory", _size),
        ("mem_reservation", reservations, "deploy.resources.reservations.memory", _size),
        ("pids_limit", limits, "deploy.resources.limits.pids", _int),
    )
    for key, section, other, convert in pairs:
        mine = convert(value.get(key))
        if mine and section is not None and convert(section.get(other.rsplit(".", 1)[1])) != mine:
            found.append(((*path, key), f"{where}: {key} and {other} are set to different values"))
    deploy = _section(value, "deploy")
    replicas = deploy.get("replicas") if deploy is not None else None
    scale = value.get("scale")
    if scale is not None and replicas is not None and _int(scale) != _int(replicas):
        found.append(((*path, "scale"), f"{where}: scale and deploy.replicas are set to different values"))
    count = _int(scale if scale is not None else replicas if replicas is not None else 1)
    if count > 1 and value.get("container_name"):
        found.append(((*path, "container_name"), f"{where}: container_name cannot be used with more than one replica"))
    build = _section(value, "build")
    platforms = build.get("platforms") if build is not None else None
    if isinstance(platforms, list) and platforms and value.get("platform") and value.get("platform") not in platforms:
        found.append(((*path, "platform"), f"{where}: build.platforms must include the service platform"))
    return [SchemaProblem(p, m, None, ProblemKind.INVALID_VALUE) for p, m in found]
