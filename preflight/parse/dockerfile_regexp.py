"""Go-regexp helpers of BuildKit's shell lexer: shell patterns as regexps, ``ReplaceAllString``.

``${X#p}``, ``${X%p}`` and ``${X/p/r}`` turn the shell pattern ``p`` into a regexp the way
``convertShellPatternToRegex`` in ``frontend/dockerfile/shell/lex.go`` does; replacing follows
Go's ``Regexp.ReplaceAllString``. :class:`LexError` is defined here, below the lexer, because
a bad pattern is a lexer error; import it from :mod:`preflight.parse.dockerfile_lex`.
"""

from __future__ import annotations

import re

__all__ = ["LexError", "go_replace_all", "shell_pattern", "trim_prefix", "trim_suffix"]

_REGEX_META = frozenset("[]{}.+()|^$")


class LexError(Exception):
    """A word BuildKit's lexer rejects (the build would fail)."""


def shell_pattern(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """convertShellPatternToRegex: ``*`` and ``?`` wildcards, backslash escapes."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            out.append(star)
            continue
        if c == "?":
            out.append(".")
            continue
        if c == "\\":
            if i < n and pattern[i] in "}/":
                continue  # escaped for the ${} syntax, not part of the pattern
            if i >= n or pattern[i] not in "*?\\":
                bad = pattern[i] if i < n else "\ufffd"
                raise LexError(f"invalid pattern ({pattern}) in substitution: invalid escape '\\{bad}'")
            out.append("\\")
            c = pattern[i]
            i += 1
        elif c in _REGEX_META:
            out.append("\\")
        out.append(c)
    return re.compile("".join(out))


def trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    m = shell_pattern(pattern, greedy=greedy, anchored=True).search(value)
    return value[m.end() :] if m is not None else value


def trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # Reverse both so the shortest/longest rightmost match becomes a leftmost one.
    out = [""] * len(pattern)
    last, i = len(pattern) - 1, 0
    while i <= last:
        oi = last - i
        if pattern[i] == "\\" and i != last:
            out[oi - 1], out[oi] = "\\", pattern[i + 1]
            i += 2
        else:
            out[oi] = pattern[i]
            i += 1
    return trim_prefix("".join(out), value[::-1], greedy)[::-1]


def _go_expand(template: str, match: str) -> str:
    """Go's Regexp.Expand for a pattern without groups: ``$0`` is the match, ``$$`` a dollar."""
    out: list[str] = []
    i, n = 0, len(template)
    while i < n:
        j = template.find("$", i)
        if j < 0:
            out.append(template[i:])
            break
        out.append(template[i:j])
        if j + 1 < n and template[j + 1] == "$":
            out.append("$")
            i = j + 2
            continue
        m = re.match(r"\{(\w+)\}|(\w+)", template[j + 1 :], re.ASCII)
        if m is None:
            out.append("$")
            i = j + 1
            continue
        name = m.group(1) or m.group(2)
        if name.isdigit() and int(name) == 0:
            out.append(match)
        i = j + 1 + m.end()
    return "".join(out)


def go_replace_all(rx: re.Pattern[str], src: str, repl: str) -> str:
    """Regexp.ReplaceAllString: an empty match right after a match is not replaced."""
    buf: list[str] = []
    last = pos = 0
    end = len(src)
    while pos <= end:
        m = rx.search(src, pos)
        if m is None:
            break
        a0, a1 = m.span()
        buf.append(src[last:a0])
        if a1 > last or a0 == 0:
            buf.append(_go_expand(repl, m.group(0)))
        last = a1
        width = 1 if pos < end else 0
        if pos + width > a1:
            pos += width
        elif pos + 1 > a1:
            pos += 1
        else:
            pos = a1
    buf.append(src[last:])
    return "".join(buf)
