"""Compose's string `command:`/`entrypoint:` split into words the way go-shellwords (Compose's
splitter) does; POSIX ``sh`` text is lexed by :mod:`preflight.parse.shell.words`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ComposeWords:
    """A string ``command`` as Compose splits it.

    ``offsets`` are the start index of each word in the string; ``stopped_at`` is the index of
    the unquoted ``; & | < >`` where Compose stops reading (the rest is silently dropped);
    ``error`` is set (and ``words`` empty) when Compose rejects the string.
    """

    words: tuple[str, ...]
    offsets: tuple[int, ...]
    stopped_at: int | None = None
    error: str | None = None


def split_compose_command(line: str) -> ComposeWords:
    """Split a compose ``command``/``entrypoint`` string the way Compose (go-shellwords) does."""
    words: list[str] = []
    offsets: list[int] = []
    buf = ""
    got = False
    start = 0
    escaped = single = double = back = dollar = False
    stopped: int | None = None
    for i, char in enumerate(line):
        if not got and not buf and not escaped:
            start = i
        if escaped:
            buf, escaped, got = buf + char, False, True
            continue
        if char == "\\":
            if single:
                buf, got = buf + char, True
            else:
                escaped = True
            continue
        if char in " \t\r\n":
            if single or double or back or dollar:
                buf += char
            elif got:
                words.append(buf)
                offsets.append(start)
                buf, got = "", False
            continue
        if char == "`" and not (single or double or dollar):
            back = not back
        elif char == ")" and not (single or double or back):
            dollar = not dollar
        elif char == "(" and not (single or double or back):
            if dollar or not buf.endswith("$"):
                return ComposeWords((), (), None, "invalid command line string (unexpected '(')")
            dollar = True
        elif char == '"' and not (single or dollar):
            double, got = not double, True
            continue
        elif char == "'" and not (double or dollar):
            single, got = not single, True
            continue
        elif char in ";&|<>" and not (single or double or back or dollar):
            if char == ">" and buf.isdigit():
                buf, got = "", False  # an fd number before a redirection
            stopped = i
            break
        buf, got = buf + char, True
    if escaped or single or double or back or dollar:
        return ComposeWords((), (), None, "invalid command line string (unterminated quote or escape)")
    if got:
        words.append(buf)
        offsets.append(start)
    return ComposeWords(tuple(words), tuple(offsets), stopped)
