"""Names a ``sh`` script assigns, read statically: the variables its own expansions may take from itself.

``X=1``, ``export X=...`` (``readonly``, ``local``, ``declare``, ``typeset``), ``for X in ...``,
``select X in ...``, ``read [-r] X Y``, ``getopts spec X``, ``mapfile X``/``readarray X``,
also inside the script of a nested ``sh -c '...'``. Where a name is assigned is not tracked: a
name assigned anywhere counts (the script may loop back to it), which errs on the side of
silence for a rule that reports variables the container lacks.
"""

from __future__ import annotations

import posixpath
import re

from preflight.parse.shell.commands import Cmd, split_commands
from preflight.parse.shell.words import ShellSyntaxError, Word, lex_script

_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\+?=")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DECLARERS = frozenset({"export", "readonly", "local", "declare", "typeset"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_MAX_DEPTH = 4


def shell_assigned_names(script: str) -> frozenset[str] | None:
    """Every name `script` assigns (None when it is not readable as ``sh``)."""
    try:
        return frozenset(_names(script, 0))
    except ShellSyntaxError:
        return None


def _names(script: str, depth: int) -> set[str]:
    parsed = split_commands(lex_script(script))
    names = set(parsed.loop_names)
    for event in parsed.out:
        if isinstance(event, Cmd):
            names |= _command_names(event.words, depth)
    return names


def _command_names(words: tuple[Word, ...], depth: int) -> set[str]:
    names: set[str] = set()
    index = 0
    while index < len(words) and (match := _ASSIGNMENT.match(words[index].raw)):
        names.add(match[1])
        index += 1
    if index >= len(words):
        return names
    head = words[index].plain or ""
    args = words[index + 1 :]
    plain = [w.plain for w in args]
    if head in _DECLARERS:
        names.update(m[1] for w in args if (m := _ASSIGNMENT.match(w.raw)))
    elif head in ("read", "mapfile", "readarray"):
        # every non-option word may be a name (an option's value too: more names, more silence)
        names.update(p for p in plain if p and _NAME.match(p))
    elif head == "getopts" and len(plain) >= 2 and plain[1] and _NAME.match(plain[1]):
        names.add(plain[1])
    elif posixpath.basename(head) in _SHELLS and depth < _MAX_DEPTH:
        for position, word in enumerate(args[:-1]):
            if word.plain is not None and word.plain.startswith("-") and "c" in word.plain:
                script = args[position + 1].literal
                if script is not None:
                    names |= _names(script, depth + 1)
                break
    return names
