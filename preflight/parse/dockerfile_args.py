"""BuildKit's line parsers: how the text after a Dockerfile keyword becomes flags and arguments.

Mirrors ``extractBuilderFlags``, ``parseWords``, ``parseJSON``/``parseMaybeJSON``, ``parseNameVal``
and the per-keyword dispatch table of ``frontend/dockerfile/parser``; what BuildKit rejects
while splitting raises :class:`ArgError` or :class:`JSONNotStrings`.
"""

from __future__ import annotations

import json
import math
import re

from preflight.parse.dockerfile_lex import GO_SPACE

__all__ = ["WHITESPACE", "ArgError", "JSONNotStrings", "dispatch", "extract_flags"]


WHITESPACE = re.compile(r"[\t\v\f\r ]+")  # BuildKit's reWhitespace (ASCII only)


class JSONNotStrings(Exception):
    """A JSON array with a non-string element: BuildKit rejects the instruction."""


def _parse_json(rest: str) -> tuple[str, ...] | None:
    """parseJSON: the array's strings, or None when ``rest`` is not a JSON array."""
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    try:
        value = json.loads(rest, parse_constant=_reject_constant, parse_float=_go_number, parse_int=_go_number)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise JSONNotStrings
    # Go decodes a lone surrogate escape to U+FFFD.
    return tuple(_SURROGATE.sub("\ufffd", item) for item in value)


def _reject_constant(name: str) -> object:
    raise ValueError(name)  # Go's decoder has no NaN/Infinity


def _go_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # Go cannot decode it into a float64: the line is not JSON
        raise ValueError(text)
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_words(rest: str, esc: str) -> list[str]:
    """parseWords: split on whitespace, keeping quotes and escapes in the words."""
    words: list[str] = []
    buf: list[str] = []
    in_word = in_quote = blank_ok = False
    quote = ""
    pos, n = 0, len(rest)
    while pos < n:
        ch = rest[pos]
        if not in_word and not in_quote:
            if ch in GO_SPACE:
                pos += 1
                continue
            in_word = True
        if in_word:
            if ch in GO_SPACE:
                in_word = False
                if blank_ok or buf:
                    words.append("".join(buf))
                buf, blank_ok = [], False
                pos += 1
                continue
            if ch in "'\"":
                quote, blank_ok, in_word, in_quote = ch, True, False, True
            elif ch == esc:
                if pos + 1 == n:
                    pos += 1
                    continue  # a trailing escape is dropped
                buf.append(ch)
                pos += 1
                ch = rest[pos]
            buf.append(ch)
            pos += 1
            continue
        if ch == quote:
            in_word, in_quote = True, False
        elif ch == esc and quote != "'":
            if pos + 1 == n:
                in_word, in_quote = True, False
                pos += 1
                continue
            buf.append(ch)
            pos += 1
            ch = rest[pos]
        buf.append(ch)
        pos += 1
    if (in_word or in_quote) and (blank_ok or buf):
        words.append("".join(buf))
    return words


def extract_flags(line: str, esc: str) -> tuple[int, list[tuple[str, int, int]]]:
    """extractBuilderFlags: leading ``--flag`` words as (word, start, end); returns where args start."""
    words: list[tuple[str, int, int]] = []
    buf: list[str] = []
    phase = 0  # 0: between words, 1: in a word, 2: in quotes
    quote = ""
    blank_ok = False
    start = pos = 0
    n = len(line)
    while pos < n:
        ch = line[pos]
        if phase == 0:
            if ch in GO_SPACE:
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                return pos, words
            phase, start = 1, pos
        if phase == 1:
            if ch in GO_SPACE:
                word = "".join(buf)
                phase = 0
                if word == "--":
                    return pos, words
                if blank_ok or word:
                    words.append((word, start, pos))
                buf, blank_ok = [], False
            elif ch in "'\"":
                quote, blank_ok, phase = ch, True, 2
            elif ch == esc:
                if pos + 1 < n:
                    pos += 1
                    buf.append(line[pos])
            else:
                buf.append(ch)
        elif ch == quote:
            phase = 1
        elif ch == esc:
            if pos + 1 == n:
                phase = 1
            else:
                pos += 1
                buf.append(line[pos])
        else:
            buf.append(ch)
        pos += 1
    word = "".join(buf)
    if phase != 0 and word != "--" and (blank_ok or word):
        words.append((word, start, n))
    return n, words


def _split_ws(rest: str) -> tuple[str, ...]:
    return tuple(WHITESPACE.split(rest)) if rest else ()


def _maybe_json(rest: str, as_list: bool) -> tuple[tuple[str, ...], bool]:
    """parseMaybeJSON / parseMaybeJSONToList; raises JSONNotStrings."""
    if not rest and not as_list:
        return (), False
    parsed = _parse_json(rest)
    if parsed is not None:
        return parsed, True
    return (_split_ws(rest), False) if as_list else ((rest,), False)


def _name_val(rest: str, kw: str, esc: str) -> tuple[str, ...]:
    """parseNameVal for ENV/LABEL: (key, value, "=" or "") triplets like BuildKit's AST."""
    words = _parse_words(rest, esc)
    if not words:
        return ()
    if "=" not in words[0]:  # legacy ``KEY value with spaces``
        parts = WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise ArgError(f"{kw} must have two arguments")
        return (parts[0], parts[1], "")
    out: list[str] = []
    for word in words:
        if "=" not in word:
            msg = f"Syntax error - can't find = in {json.dumps(word)}. Must be of the form: name=value"
            raise ArgError(msg)
        key, _, value = word.partition("=")
        out += (key, value, "=")
    return tuple(out)


class ArgError(Exception):
    """A parser-level argument error (BuildKit fails the whole parse)."""


def _health(rest: str) -> tuple[tuple[str, ...], bool]:
    sep = 0
    while sep < len(rest) and rest[sep] not in GO_SPACE:
        sep += 1
    if sep == 0:
        return (), False
    nxt = sep
    while nxt < len(rest) and rest[nxt] in GO_SPACE:
        nxt += 1
    args, is_json = _maybe_json(rest[nxt:], False)
    return (rest[:sep], *args), is_json


def dispatch(kw: str, rest: str, esc: str) -> tuple[tuple[str, ...], bool]:
    """The per-keyword argument splitting of BuildKit's dispatch table (ONBUILD aside)."""
    if kw in ("ADD", "COPY", "VOLUME"):
        return _maybe_json(rest, True)
    if kw in ("CMD", "ENTRYPOINT", "RUN", "SHELL"):
        return _maybe_json(rest, False)
    if kw in ("ENV", "LABEL"):
        return _name_val(rest, kw, esc), False
    if kw == "ARG":
        return tuple(_parse_words(rest, esc)), False
    if kw in ("EXPOSE", "FROM"):
        return _split_ws(rest), False
    if kw == "HEALTHCHECK":
        return _health(rest)
    if kw in ("MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"):
        return ((rest,) if rest else ()), False
    return (), False  # unknown instruction: BuildKit keeps no arguments
