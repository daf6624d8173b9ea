"""BuildKit-style word processing for Dockerfiles: expanding, unquoting and splitting words.

The lexer follows ``frontend/dockerfile/shell/lex.go`` in moby/buildkit: quote removal,
escapes, ``$X``/``${X}`` and the ``${X:-d}``-family of modifiers. Environments map a name
to its value; a name mapped to ``None`` is *set* to a value that cannot be known statically.
This is the lexer's public face: the state machine is :mod:`preflight.parse.dockerfile_shell`,
the Go-regexp helpers are in :mod:`preflight.parse.dockerfile_regexp`.

Known divergence: current BuildKit shares one word buffer between nesting levels in
ProcessWords, so text before a ``${X:-..}`` inside a word is lost (``a${X:-b}c`` splits to
``bc``); here, as in BuildKit v0.12, the word is ``abc``. ProcessWord is unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.parse.dockerfile_regexp import LexError
from preflight.parse.dockerfile_shell import GO_SPACE, ShellLexer

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "GO_SPACE",
    "LexError",
    "WordResult",
    "expand_word",
    "expand_words",
    "go_quote",
    "lex_words",
    "process_word",
    "unquote_word",
]


@dataclass(frozen=True, slots=True)
class WordResult:
    """Outcome of processing one word: value/words are None on error or unknown input."""

    value: str | None
    words: tuple[str, ...] | None
    error: str | None
    unmatched: frozenset[str]
    unknown: frozenset[str]


# -- public word API ----------------------------------------------------------------------
def _run(word: str, env: Mapping[str, str | None], escape: str, **opts: bool) -> WordResult:
    lex = ShellLexer(word, env, escape, **opts)
    try:
        value, unknown = lex.stop_on("", lex.raw_escapes, True)
        lex.finish_words()
    except LexError as exc:
        error = f"failed to process {go_quote(word)}: {exc}"
        return WordResult(None, None, error, frozenset(lex.unmatched), frozenset(lex.unknown))
    words = tuple(w for w, _, _ in lex.words)
    if unknown:
        return WordResult(None, None, None, frozenset(lex.unmatched), frozenset(lex.unknown))
    return WordResult(value, words, None, frozenset(lex.unmatched), frozenset(lex.unknown))


def go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def process_word(word: str, env: Mapping[str, str | None], escape: str = "\\") -> WordResult:
    """BuildKit's ProcessWord/ProcessWords in one pass, with the names it looked up."""
    return _run(word, env, escape)


def expand_word(word: str, env: Mapping[str, str | None], escape: str = "\\") -> str | None:
    """Expand one instruction word (ProcessWord); None on a lexer error or an unknown value.

    A name absent from ``env`` is unset (expands to ""); a name mapped to None is set to an
    unknown value, so the result is None unless a ``${X+word}`` makes the value irrelevant.
    """
    return _run(word, env, escape).value


def expand_words(word: str, env: Mapping[str, str | None], escape: str = "\\") -> tuple[str, ...] | None:
    """Expand and split into words like ProcessWords (EXPOSE and heredoc parsing use this)."""
    return _run(word, env, escape).words


def unquote_word(word: str, escape: str = "\\") -> str:
    """Remove quotes and escapes but keep variable references verbatim; the raw word on error."""
    value = _run(word, {}, escape, skip_unset=True).value
    return word if value is None else value


def lex_words(
    text: str,
    escape: str = "\\",
    *,
    raw_quotes: bool = False,
    raw_escapes: bool = False,
    skip_unset: bool = True,
) -> list[tuple[str, int, int]]:
    """Split ``text`` into (word, start, end) offsets with no variables set; raises LexError."""
    lex = ShellLexer(text, {}, escape, raw_quotes=raw_quotes, raw_escapes=raw_escapes, skip_unset=skip_unset)
    lex.stop_on("", raw_escapes, True)
    lex.finish_words()
    return lex.words
