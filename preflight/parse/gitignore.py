"""`.gitignore` patterns, with git's semantics, for `respect-gitignore` (as ruff has it).

Files of the repository's `.gitignore` (in every folder) and `.git/info/exclude` apply; the
user's global excludes file does not, so a check does not depend on the developer's machine.
A pattern without a slash matches a name at any depth; one with a slash is anchored to its
`.gitignore`'s folder; a trailing slash matches folders only; `!` re-includes; the last match
wins, deeper files over higher ones. Tested against `git check-ignore`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

MAX_GITIGNORE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class GitignoreRule:
    """One pattern line, compiled: it matches paths relative to `base` (POSIX, "" for the root).

    The usual shapes are matched without a regex (compiling hundreds of them costs more than
    the whole walk): `name` and `*.ext` without a slash compare the last path component,
    `dir/name` the whole path; `regex` is None then.
    """

    base: str
    regex: re.Pattern[str] | None
    negated: bool
    directories_only: bool
    literal: str = ""
    """The name, suffix or path the pattern is when `regex` is None."""
    shape: str = "regex"
    """`name`, `suffix`, `path` or `regex`."""

    def matches(self, rel: str, is_dir: bool) -> bool:
        """Whether the pattern matches the root-relative path `rel`."""
        if self.directories_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        if self.regex is not None:
            return self.regex.fullmatch(rel) is not None
        if self.shape == "path":
            return rel == self.literal
        name = rel.rpartition("/")[2]
        return name == self.literal if self.shape == "name" else name.endswith(self.literal)


def _class(pattern: str, start: int) -> tuple[str, int] | None:
    """A `[...]` bracket expression at `start`: its regex and the index after it."""
    i = start + 1
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    body_start = i
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 1
    if i >= len(pattern):
        return None
    body = pattern[body_start:i].replace("\\", "\\\\").replace("^", "\\^")
    return (f"[^/{body}]" if negate else f"(?!/)[{body}]"), i + 1


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i) and (i == 0 or pattern[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i) and i + 2 == len(pattern) and (i == 0 or pattern[i - 1] == "/"):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            bracket = _class(pattern, i)
            if bracket is not None:
                out.append(bracket[0])
                i = bracket[1]
                continue
            out.append(re.escape(char))
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _strip_trailing_spaces(line: str) -> str:
    while line.endswith(" ") and not line.endswith("\\ "):
        line = line[:-1]
    return line


_SPECIAL = frozenset("*?[\\")


def _simple(line: str, anchored: bool) -> tuple[str, str] | None:
    """(shape, literal) of a pattern that needs no regex, else None."""
    if anchored:
        return None if _SPECIAL & set(line) else ("path", line)
    if not _SPECIAL & set(line):
        return "name", line
    if line.startswith("*") and not _SPECIAL & set(line[1:]):
        return "suffix", line[1:]
    return None


def parse_gitignore(text: str, base: str = "") -> list[GitignoreRule]:
    """The rules of one `.gitignore` whose folder is `base` (root-relative, "" for the root)."""
    rules: list[GitignoreRule] = []
    for raw in text.splitlines():
        line = _strip_trailing_spaces(raw.rstrip("\r"))
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated or line.startswith(("\\#", "\\!")):
            line = line[1:]
        directories_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.removeprefix("/")
        simple = _simple(line, anchored)
        if simple is not None:
            rules.append(GitignoreRule(base, None, negated, directories_only, simple[1], simple[0]))
            continue
        regex = _translate(line) if anchored else "(?:.*/)?" + _translate(line)
        try:
            compiled = re.compile(regex, re.DOTALL)
        except re.error:
            continue  # git ignores a pattern it cannot use, and so do we
        rules.append(GitignoreRule(base, compiled, negated, directories_only))
    return rules


@dataclass(slots=True)
class Gitignore:
    """Every rule that applies, in precedence order (later wins)."""

    rules: list[GitignoreRule] = field(default_factory=list)

    def add(self, rules: Iterable[GitignoreRule]) -> None:
        """Rules of a deeper (higher-precedence) file."""
        self.rules.extend(rules)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether git ignores `rel` (its parent folders are assumed not ignored)."""
        verdict = False
        for rule in self.rules:
            if rule.matches(rel, is_dir):
                verdict = not rule.negated
        return verdict
