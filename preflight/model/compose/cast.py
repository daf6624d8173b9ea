"""How Compose converts values: post-interpolation casts, Go-compatible parsing, model decoding.

After variable substitution Docker Compose converts the (string) value found at a handful of
well-known paths into an int, a float or a boolean (``retries: $RETRIES`` becomes ``3``); a
string that cannot be converted makes the load fail (:func:`cast_interpolated`).  Later it
decodes the merged document into its Go model, parsing durations, sizes, file modes, commands
(:func:`decode_problem`); the rules between the keys of a service that compare decoded values
are in :mod:`preflight.model.compose.schema_checks`.  The parsers here accept exactly the syntax
Go's ``strconv``, ``go-units``, ``str2duration`` and ``go-shellwords`` accept, so that a value is
accepted here exactly when Compose accepts it.
"""

from __future__ import annotations

import enum
import math
import re

from preflight.model.compose.schema_spec import (
    Decode,
    Path,
    ProblemKind,
    SchemaProblem,
    path_matches,
    render_path,
)

__all__ = [
    "CAST_RULES",
    "CastKind",
    "cast_interpolated",
    "cast_kind_for",
    "decode_problem",
    "go_parse_bool",
    "go_parse_duration",
    "go_parse_float",
    "go_parse_int",
    "go_parse_octal",
    "go_ram_in_bytes",
    "shell_command_error",
]


class CastKind(enum.Enum):
    """The target type of a post-interpolation conversion (named after the Go type)."""

    INT = "int"
    INT64 = "int64"
    FLOAT = "float64"
    FLOAT32 = "float32"
    BOOL = "bool"

    @property
    def word(self) -> str:
        """The JSON type name used in messages."""
        if self is CastKind.BOOL:
            return "boolean"
        return "integer" if self in (CastKind.INT, CastKind.INT64) else "number"


def _svc(*parts: str) -> tuple[str, ...]:
    return ("services", "*", *parts)


#: Paths whose interpolated string value Compose converts, and to what.
#: ``*`` matches any single segment, ``[]`` any list index.
CAST_RULES: tuple[tuple[tuple[str, ...], CastKind], ...] = (
    (_svc("cpu_count"), CastKind.INT64),
    (_svc("cpu_percent"), CastKind.FLOAT),
    (_svc("cpu_period"), CastKind.INT64),
    (_svc("cpu_quota"), CastKind.INT64),
    (_svc("cpu_rt_period"), CastKind.INT64),
    (_svc("cpu_rt_runtime"), CastKind.INT64),
    (_svc("cpus"), CastKind.FLOAT32),
    (_svc("cpu_shares"), CastKind.INT64),
    (_svc("init"), CastKind.BOOL),
    (_svc("deploy", "replicas"), CastKind.INT),
    (_svc("deploy", "update_config", "parallelism"), CastKind.INT),
    (_svc("deploy", "update_config", "max_failure_ratio"), CastKind.FLOAT),
    (_svc("deploy", "rollback_config", "parallelism"), CastKind.INT),
    (_svc("deploy", "rollback_config", "max_failure_ratio"), CastKind.FLOAT),
    (_svc("deploy", "restart_policy", "max_attempts"), CastKind.INT),
    (_svc("deploy", "placement", "max_replicas_per_node"), CastKind.INT),
    (_svc("healthcheck", "retries"), CastKind.INT),
    (_svc("healthcheck", "disable"), CastKind.BOOL),
    (_svc("oom_kill_disable"), CastKind.BOOL),
    (_svc("oom_score_adj"), CastKind.INT64),
    (_svc("pids_limit"), CastKind.INT64),
    (_svc("ports", "[]", "target"), CastKind.INT),
    (_svc("privileged"), CastKind.BOOL),
    (_svc("read_only"), CastKind.BOOL),
    (_svc("scale"), CastKind.INT),
    (_svc("stdin_open"), CastKind.BOOL),
    (_svc("tty"), CastKind.BOOL),
    (_svc("ulimits", "*"), CastKind.INT),
    (_svc("ulimits", "*", "hard"), CastKind.INT),
    (_svc("ulimits", "*", "soft"), CastKind.INT),
    (_svc("volumes", "[]", "read_only"), CastKind.BOOL),
    (_svc("volumes", "[]", "volume", "nocopy"), CastKind.BOOL),
    (("networks", "*", "external"), CastKind.BOOL),
    (("networks", "*", "internal"), CastKind.BOOL),
    (("networks", "*", "attachable"), CastKind.BOOL),
    (("networks", "*", "enable_ipv4"), CastKind.BOOL),
    (("networks", "*", "enable_ipv6"), CastKind.BOOL),
    (("volumes", "*", "external"), CastKind.BOOL),
    (("secrets", "*", "external"), CastKind.BOOL),
    (("configs", "*", "external"), CastKind.BOOL),
)

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_FLOAT32_MAX = 3.4028234663852886e38
_DEC_INT = re.compile(r"[+-]?[0-9]+\Z")
_DIGITS = r"[0-9](?:_?[0-9])*"
_HEX = r"[0-9a-fA-F](?:_?[0-9a-fA-F])*"
_DEC_FLOAT = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?\Z")
_HEX_FLOAT = re.compile(rf"[+-]?0[xX]_?(?:{_HEX}(?:\.(?:{_HEX})?)?|\.{_HEX})[pP][+-]?{_DIGITS}\Z")
_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|infinity|nan)\Z", re.IGNORECASE)


def go_parse_int(text: str, bits: int = 64) -> int | None:
    """``strconv.ParseInt(text, 10, bits)``: the integer, or None when Go would fail."""
    if not _DEC_INT.match(text):
        return None
    value = int(text)
    limit = 2 ** (bits - 1)
    return value if -limit <= value < limit else None


def go_parse_octal(text: str) -> int | None:
    """``strconv.ParseInt(text, 8, 64)`` (file modes such as ``"0440"``)."""
    if not re.match(r"[+-]?[0-7]+\Z", text):
        return None
    value = int(text, 8)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def go_parse_float(text: str, bits: int = 64) -> float | None:
    """``strconv.ParseFloat(text, bits)``: decimal, hexadecimal, inf/nan; None on syntax or range error."""
    if _SPECIAL_FLOAT.match(text):
        return float(text.lower().replace("infinity", "inf"))
    if _DEC_FLOAT.match(text):
        value = float(text.replace("_", ""))
    elif _HEX_FLOAT.match(text):
        body = text.replace("_", "")
        sign = -1.0 if body.startswith("-") else 1.0
        try:
            value = sign * float.fromhex(body.lstrip("+-"))
        except OverflowError:
            return None
    else:
        return None
    limit = _FLOAT32_MAX if bits == 32 else 1.7976931348623157e308
    if math.isinf(value) or abs(value) > limit:
        return None
    return value


def go_parse_bool(text: str) -> bool | None:
    """Compose's lenient boolean (YAML 1.1 words accepted, with a warning in Compose)."""
    word = text.lower()
    if word in ("true", "y", "yes", "on"):
        return True
    if word in ("false", "n", "no", "off"):
        return False
    return None


_DURATION_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
    "d": 86_400_000_000_000,
    "w": 604_800_000_000_000,
}
_DURATION_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")


def go_parse_duration(text: str) -> int | None:
    """A Compose duration (``1m30s``, ``1.5h``, ``2d``) in nanoseconds, or None if Compose rejects it."""
    rest = text[1:] if text[:1] in ("+", "-") else text
    if rest == "0":
        return 0
    if not rest:
        return None
    total = 0
    pos = 0
    while pos < len(rest):
        match = _DURATION_PART.match(rest, pos)
        if match is None or match.end() == pos:
            return None
        whole, frac, unit = match.group(1), match.group(2), match.group(3)
        if not whole and not frac:
            return None
        if unit not in _DURATION_UNITS:
            return None
        scale = _DURATION_UNITS[unit]
        value = int(whole or "0") * scale
        if frac:
            value += int(int(frac[:18]) * (scale / 10 ** len(frac[:18])))
        total += value
        if total > _INT64_MAX:
            return None
        pos = match.end()
    return -total if text.startswith("-") else total


_SIZE_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}


def go_ram_in_bytes(text: str) -> int | None:
    """Docker's ``RAMInBytes`` (``512m``, ``1.5g``, ``1024``), or None when Docker rejects the size."""
    sep = max(text.rfind(ch) for ch in "0123456789. ")
    if sep == -1:
        return None
    if text[sep] == " ":
        number, suffix = text[:sep], text[sep + 1 :]
    else:
        number, suffix = text[: sep + 1], text[sep + 1 :]
    size = go_parse_float(number)
    if size is None or size < 0 or math.isnan(size):
        return None
    if not suffix:
        return int(size)
    suffix = suffix.lower()
    if len(suffix) > 3:
        return None
    if suffix[0] == "b":
        return int(size) if len(suffix) == 1 else None
    if suffix[0] not in _SIZE_UNITS:
        return None
    if (len(suffix) == 2 and suffix[1] != "b") or (len(suffix) == 3 and suffix[1:] != "ib"):
        return None
    return int(size * _SIZE_UNITS[suffix[0]])


def cast_kind_for(path: Path) -> CastKind | None:
    """The conversion Compose applies to a string at ``path``, if any."""
    for pattern, kind in CAST_RULES:
        if path_matches(path, pattern):
            return kind
    return None


def _convert(kind: CastKind, value: str) -> object | None:
    if kind is CastKind.BOOL:
        return go_parse_bool(value)
    if kind in (CastKind.INT, CastKind.INT64):
        return go_parse_int(value)
    return go_parse_float(value, 32 if kind is CastKind.FLOAT32 else 64)


def cast_interpolated(path: Path, value: str) -> object:
    """Apply Compose's post-interpolation conversion for ``path``.

    Returns the converted int/float/bool, the string unchanged when Compose keeps strings at
    that path, or a :class:`SchemaProblem` of kind ``CAST_ERROR`` when Compose would fail
    (the message names the path and the expected type, never the value).
    """
    kind = cast_kind_for(path)
    if kind is None:
        return value
    converted = _convert(kind, value)
    if converted is None:
        where = render_path(path)
        article = "an" if kind.word[0] in "aeiou" else "a"
        return SchemaProblem(
            path,
            f"{where} must be {article} {kind.word}: the value (after variable substitution) cannot be converted",
            None,
            ProblemKind.CAST_ERROR,
        )
    return converted


def shell_command_error(line: str) -> str | None:
    """Why Compose cannot split a string ``command``/``entrypoint`` into words, or None.

    The splitting itself is `preflight.parse.shell.compose_words` (go-shellwords, as Compose uses it).
    """
    from preflight.parse.shell.compose_words import split_compose_command

    return split_compose_command(line).error


_DECODE_TEXT = {
    Decode.BOOL: "must be a boolean (true or false)",
    Decode.INT: "must be an integer",
    Decode.FLOAT32: "must be a number",
    Decode.FLOAT64: "must be a number",
    Decode.DURATION: 'is not a valid duration (expected a number with a unit, e.g. "30s", "1m30s", "2h")',
    Decode.BYTES: 'is not a valid size (expected a number of bytes or e.g. "512m", "2g")',
    Decode.MODE: 'is not a valid octal file mode (e.g. "0440")',
    Decode.COUNT: 'must be "all" or an integer',
    Decode.COMMAND: "cannot be split into words: unbalanced quote, escape or parenthesis",
}


def _decode_string(decode: Decode, text: str) -> bool:
    checks = {
        Decode.BOOL: lambda: go_parse_bool(text) is not None,
        Decode.INT: lambda: go_parse_int(text) is not None,
        Decode.FLOAT32: lambda: go_parse_float(text, 32) is not None,
        Decode.FLOAT64: lambda: go_parse_float(text) is not None,
        Decode.DURATION: lambda: go_parse_duration(text) is not None,
        Decode.BYTES: lambda: go_ram_in_bytes(text) is not None,
        Decode.MODE: lambda: go_parse_octal(text) is not None,
        Decode.COUNT: lambda: text.lower() == "all" or go_parse_int(text) is not None,
        Decode.COMMAND: lambda: shell_command_error(text) is None,
    }
    return checks[decode]()


def decode_problem(decode: Decode, value: object, path: Path) -> SchemaProblem | None:
    """The problem Compose hits converting ``value`` (already schema-valid) into its Go model, if any."""
    where = render_path(path)
    if decode is Decode.STR:
        if value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return None
        return SchemaProblem(path, f"{where} must be a string", None, ProblemKind.WRONG_TYPE)
    if decode is Decode.UINT:
        if isinstance(value, str):
            return SchemaProblem(path, f"{where} must be a number, not a string", None, ProblemKind.WRONG_TYPE)
        if isinstance(value, int | float) and value < 0:
            return SchemaProblem(path, f"{where} must not be negative", None, ProblemKind.INVALID_VALUE)
        return None
    if decode in (Decode.MODE, Decode.COUNT) and isinstance(value, float):
        return SchemaProblem(path, f"{where} must be an integer or a string", None, ProblemKind.WRONG_TYPE)
    if isinstance(value, str) and not _decode_string(decode, value):
        return SchemaProblem(path, f"{where} {_DECODE_TEXT[decode]}", None, ProblemKind.INVALID_VALUE)
    return None
