"""The syntax checks of BuildKit's ``instructions`` package, one parsed instruction at a time.

:func:`check_instruction` reports what BuildKit rejects when it turns a parser node into an
instruction: unknown keywords, unknown or malformed flags and wrong arguments.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem
from preflight.parse.dockerfile_lex import GO_SPACE, go_quote
from preflight.parse.dockerfile_words import marker_or_none

if TYPE_CHECKING:
    from preflight.diagnostics import Span
    from preflight.parse.dockerfile_model import Instruction

__all__ = ["KEYWORDS", "KNOWN_FLAGS", "FlagKind", "check_instruction"]


class FlagKind(enum.Enum):
    """How BuildKit's BFlags parses a flag."""

    BOOL = "bool"
    STRING = "string"
    STRINGS = "strings"


_B, _S, _M = FlagKind.BOOL, FlagKind.STRING, FlagKind.STRINGS
KNOWN_FLAGS: dict[str, dict[str, FlagKind]] = {
    "ADD": {
        "chown": _S,
        "chmod": _S,
        "link": _B,
        "keep-git-dir": _B,
        "checksum": _S,
        "unpack": _B,
        "exclude": _M,
    },
    "COPY": {"chown": _S, "from": _S, "chmod": _S, "link": _B, "exclude": _M, "parents": _B},
    "FROM": {"platform": _S},
    "RUN": {"mount": _M, "network": _S, "security": _S, "device": _M},
    "HEALTHCHECK": {"interval": _S, "timeout": _S, "start-period": _S, "start-interval": _S, "retries": _S},
}
KEYWORDS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
_EXACTLY_ONE = frozenset({"MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"})
_AT_LEAST_ONE = frozenset({"ENV", "LABEL", "ONBUILD", "VOLUME", "ARG", "EXPOSE", "HEALTHCHECK"})
_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")


def _at(message: str, span: Span) -> ParseProblem:
    return ParseProblem(message, span.line, span.col, span.end_line, span.end_col)


def _check_flags(inst: Instruction, out: list[ParseProblem]) -> None:
    """BFlags.Parse against the flags the keyword declares."""
    allowed = KNOWN_FLAGS.get(inst.keyword, {})
    seen: set[str] = set()
    for flag in inst.flags:
        kind = allowed.get(flag.name)
        dashed = "--" + flag.name
        if kind is None:
            out.append(_at(f"unknown flag: {dashed}", flag.span))
            continue
        if flag.name in seen and kind is not FlagKind.STRINGS:
            out.append(_at(f"duplicate flag specified: {dashed}", flag.span))
        seen.add(flag.name)
        if kind is FlagKind.BOOL and flag.value is not None:
            if flag.value == "":
                out.append(_at(f"missing a value on flag: {dashed}", flag.span))
            elif flag.value.lower() not in ("true", "false"):
                out.append(_at(f"expecting boolean value for flag {dashed}, not: {flag.value}", flag.span))
        elif kind is not FlagKind.BOOL and flag.value is None:
            out.append(_at(f"missing a value on flag: {dashed}", flag.span))


def _arg_errors(inst: Instruction) -> list[str]:
    kw, args = inst.keyword, inst.args
    if kw in _EXACTLY_ONE and len(args) != 1:
        return [f"{kw} requires exactly one argument"]
    if kw in _AT_LEAST_ONE and not args:
        return [f"{kw} requires at least one argument"]
    errors: list[str] = []
    if kw in ("ENV", "LABEL"):
        if any(not args[j] for j in range(0, len(args), 3)):
            errors.append(f"{kw} names can not be blank")
    elif kw == "ARG":
        if any(a.startswith("=") for a in args):
            errors.append("ARG names can not be blank")
    elif kw in ("ADD", "COPY"):
        if len(args) < 2:
            errors.append(
                f"{kw} requires at least two arguments, but only one was provided. Destination could not be determined"
            )
        elif marker_or_none(args[-1]) is not None:
            errors.append(f"{kw} cannot accept a heredoc as a destination")
    elif kw == "FROM":
        if len(args) == 3 and args[1].casefold() == "as":
            if not _STAGE_NAME.fullmatch(args[2].lower()):
                errors.append(
                    f"invalid name for build stage: {go_quote(args[2])}, "
                    "name can't start with a number or contain symbols"
                )
        elif len(args) != 1:
            errors.append("FROM requires either one or three arguments")
    elif kw == "ONBUILD":
        trigger = args[0].strip(GO_SPACE).upper()
        if trigger == "ONBUILD":
            errors.append("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        elif trigger in ("MAINTAINER", "FROM"):
            errors.append(f"{trigger} isn't allowed as an ONBUILD trigger")
    elif kw == "VOLUME":
        if any(not a.strip(GO_SPACE) for a in args):
            errors.append("VOLUME specified can not be an empty string")
    elif kw == "SHELL":
        if not args:
            errors.append("SHELL requires at least one argument")
        elif not inst.json_form:
            errors.append("SHELL requires the arguments to be in JSON form")
    elif kw == "HEALTHCHECK":
        typ = args[0].upper()
        if typ == "NONE":
            if len(args) > 1:
                errors.append("HEALTHCHECK NONE takes no arguments")
        elif typ != "CMD":
            errors.append(f"Unknown type {go_quote(typ)} in HEALTHCHECK (try CMD)")
        elif len(args) == 1:
            errors.append("Missing command after HEALTHCHECK CMD")
    return errors


def check_instruction(inst: Instruction) -> list[ParseProblem]:
    """The syntax errors BuildKit's instructions package raises for one instruction.

    Stage-level checks (an instruction before FROM, unknown --from stages) are not done here.
    """
    out: list[ParseProblem] = []
    if inst.keyword not in KEYWORDS:
        return [_at(f"unknown instruction: {inst.keyword_text}", inst.keyword_span)]
    span = inst.args_span if inst.args else inst.keyword_span
    out.extend(_at(message, span) for message in _arg_errors(inst))
    skip_flags = inst.keyword == "STOPSIGNAL" or (
        inst.keyword == "HEALTHCHECK" and bool(inst.args) and inst.args[0].upper() == "NONE"
    )
    if not skip_flags:
        _check_flags(inst, out)
    return out
