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
    """One pattern line, compiled: it matches paths relative to `base` (POSIX, "" for the root)."""

    base: str
    regex: re.Pattern[str]
    negated: bool
    directories_only: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        """Whether the pattern matches the root-relative path `rel`."""
        if self.directories_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        return self.regex.fullmatch(rel) is not None


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
