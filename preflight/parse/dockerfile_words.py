"""Instruction-argument helpers for Dockerfiles: heredoc markers, FROM/COPY/ENV/ARG parts, ``--mount``.

The helpers split instruction arguments the way BuildKit's ``instructions`` package does;
words are unquoted and split with the shell lexer of :mod:`preflight.parse.dockerfile_lex`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.parse.dockerfile_lex import LexError, lex_words, unquote_word

if TYPE_CHECKING:
    from preflight.parse.dockerfile_model import Heredoc, Instruction

__all__ = [
    "HeredocMarker",
    "arg_parts",
    "copy_heredocs",
    "copy_parts",
    "env_pairs",
    "from_parts",
    "marker_or_none",
    "parse_heredoc_marker",
    "parse_mount_flag",
]


@dataclass(frozen=True, slots=True)
class HeredocMarker:
    """A ``[n]<<[-]WORD`` token as BuildKit's ParseHeredoc reads it."""

    name: str
    fd: int
    strip_tabs: bool
    expand: bool


_HEREDOC_RE = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)", re.DOTALL)


def parse_heredoc_marker(word: str) -> HeredocMarker | None:
    """ParseHeredoc: None when ``word`` is not a heredoc marker; raises LexError like BuildKit."""
    m = _HEREDOC_RE.fullmatch(word)
    if m is None or not m.group(3):
        return None
    rest = m.group(3)
    words = lex_words(rest)
    if len(words) != 1:
        return None
    raw = lex_words(rest, raw_quotes=True)
    if len(raw) != 1:
        raise LexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name, raw_name = words[0][0], raw[0][0]
    # Quotes that the unquoted pass removed mean part of the word was quoted: no expansion.
    expand = name.count("'") + name.count('"') == raw_name.count("'") + raw_name.count('"')
    fd = min(int(m.group(1)), 2**64 - 1) if m.group(1) else 0
    return HeredocMarker(name, fd, m.group(2) == "-", expand)


def marker_or_none(word: str) -> HeredocMarker | None:
    """:func:`parse_heredoc_marker`, with None where BuildKit would reject the word."""
    try:
        return parse_heredoc_marker(word)
    except LexError:
        return None


# -- instruction argument helpers ------------------------------------------------------
def _unquote(word: str, inst: Instruction, raw: bool) -> str:
    return word if raw else unquote_word(word, inst.escape)


def from_parts(inst: Instruction, *, raw: bool = False) -> tuple[str, str | None, str | None]:
    """FROM's (image, stage name lower-cased as BuildKit stores it, --platform value).

    The image is unquoted with variables left verbatim unless ``raw``; expand the raw form
    with :func:`expand_word` to resolve ``FROM ${BASE}``.
    """
    args = inst.args
    stage = args[2].lower() if len(args) == 3 and args[1].casefold() == "as" else None
    platform = inst.flag("platform")
    image = _unquote(args[0], inst, raw) if args else ""
    return image, stage, platform.value if platform is not None else None


def copy_parts(inst: Instruction, *, raw: bool = False) -> tuple[tuple[str, ...], str]:
    """COPY/ADD path sources and destination; heredoc sources are left out (see copy_heredocs).

    Fewer than two arguments (a BuildKit error) gives ``((), "")``.
    """
    if len(inst.args) < 2:
        return (), ""
    sources = tuple(_unquote(a, inst, raw) for a in inst.args[:-1] if marker_or_none(a) is None)
    return sources, _unquote(inst.args[-1], inst, raw)


def copy_heredocs(inst: Instruction) -> tuple[Heredoc, ...]:
    """The heredocs a COPY/ADD uses as sources, in argument order."""
    by_name = {h.name: h for h in inst.heredocs}
    found = []
    for arg in inst.args[:-1]:
        marker = marker_or_none(arg)
        if marker is not None and marker.name in by_name:
            found.append(by_name[marker.name])
    return tuple(found)


def env_pairs(inst: Instruction, *, raw: bool = False) -> tuple[tuple[str, str], ...]:
    """ENV/LABEL (key, value) pairs, both the ``K=v`` and the legacy ``K value`` forms.

    Quotes and escapes are removed (variables verbatim) unless ``raw``; BuildKit expands every
    pair against the environment before the instruction, so expand the raw values.
    """
    args = inst.args
    return tuple((_unquote(args[j], inst, raw), _unquote(args[j + 1], inst, raw)) for j in range(0, len(args) - 2, 3))


def arg_parts(inst: Instruction, *, raw: bool = False) -> tuple[tuple[str, str | None], ...]:
    """ARG (name, default or None); the default is unquoted unless ``raw`` (names never are)."""
    parts: list[tuple[str, str | None]] = []
    for arg in inst.args:
        name, sep, default = arg.partition("=")
        parts.append((name, _unquote(default, inst, raw) if sep else None))
    return tuple(parts)


_MOUNT_ALIASES = {
    "src": "source",
    "dst": "target",
    "destination": "target",
    "readonly": "ro",
    "readwrite": "rw",
}


_CSV_QUOTE_ERROR = 'failed to parse csv mounts: extraneous or missing " in quoted-field: '


def _csv_fields(line: str) -> list[str]:
    """go-csvvalue's Fields: one CSV record, ``""`` escapes inside quoted fields."""
    if line.endswith("\n"):
        line = line[:-2] if line.endswith("\r\n") else line[:-1]
    if not line:
        raise ValueError("failed to parse csv mounts: EOF")
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if i >= n or line[i] != '"':
            j = line.find(",", i)
            field = line[i:] if j < 0 else line[i:j]
            if '"' in field:
                raise ValueError(f'failed to parse csv mounts: bare " in non-quoted-field: {line}')
            fields.append(field)
            if j < 0:
                return fields
            i = j + 1
            continue
        i += 1
        cur: list[str] = []
        while True:
            j = line.find('"', i)
            if j < 0:
                raise ValueError(_CSV_QUOTE_ERROR + line)
            cur.append(line[i:j])
            i = j + 1
            if i < n and line[i] == '"':
                cur.append('"')
                i += 1
            elif i < n and line[i] == ",":
                fields.append("".join(cur))
                i += 1
                break
            elif i >= n:
                fields.append("".join(cur))
                return fields
            else:
                raise ValueError(_CSV_QUOTE_ERROR + line)


def parse_mount_flag(value: str) -> dict[str, str]:
    """Split a ``--mount`` value (CSV of key=value) into a dict; keys lower-cased.

    Aliases are normalised (src->source, dst/destination->target, readonly->ro,
    readwrite->rw); bare ``ro``/``rw``/``required`` map to "true"; later keys win.
    Values are not expanded. Raises ValueError where BuildKit rejects the syntax.
    """
    result: dict[str, str] = {}
    for field in _csv_fields(value):
        key, sep, val = field.partition("=")
        key = key.lower()
        key = _MOUNT_ALIASES.get(key, key)
        if not sep:
            if key not in ("ro", "rw", "required"):
                raise ValueError(f"invalid field '{field}' must be a key=value pair")
            val = "true"
        result[key] = val
    return result
