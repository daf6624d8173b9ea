""".dockerignore with Docker's exact semantics (moby/patternmatcher, BuildKit's fsutil walk).

Reading (``ignorefile.ReadAll``): a UTF-8 BOM is dropped; lines split on ``\\n`` minus one ``\\r``;
a line whose *first* character is ``#`` is a comment (`` #x`` is the pattern ``#x``); Go whitespace
is trimmed, a leading ``!`` marks an exception and is trimmed again; the rest goes through
``filepath.Clean`` (``./a``, ``a/`` -> ``a``; ``a/../b`` -> ``b``; ``../a`` stays) and loses one
leading ``/``. ``patternmatcher.New`` cleans ``"!" + pattern`` again (``!/`` becomes the illegal
``!``) and validates it with ``filepath.Match``. Docker fails the whole build on such errors; here
they are ``ParseProblem``s and the line is dropped.

Matching (``Pattern.compile``): a pattern is an exact string, a prefix (``a**``, ``a/**``), a suffix
(``**`` first and only literals after it: ``**x`` matches ``b/ax``, ``**/x`` matches ``x``) or a
regexp where ``*`` is ``[^/]*``, ``?`` is ``[^/]``, ``**`` (eating one following ``/``) is ``(.*/)?``
or a final ``.*``. Classes and ``\\`` escapes are copied into the Go regexp: ``[^x]`` matches ``/``,
``\\d`` is a digit, ``\\e`` is an invalid regexp that fails the build. RE2 constructs not modelled
here (``\\p``, ``\\x``, ``\\Q``, octal, ``*``/``?``/``[:``/``\\d`` inside a class) become problems.

BuildKit (``fsutil`` ``filterFS.Walk``) visits paths top-down with ``MatchesUsingParentResults``:
patterns in order, an inclusion evaluated only while the path is not excluded and an exception
only while it is, a pattern that matched the parent directory counting as matching. That equals
``MatchesOrParentMatches`` (:meth:`DockerIgnore.match_or_parent_matches`, fsutil's ``Open``) except
when an exception was skipped for an ancestor it matches: ``a/b`` + ``!a`` excludes ``a/b`` in
BuildKit only. An excluded directory is entered only if an exception could re-include below it.

BuildKit vs the classic builder (docker CLI + ``moby/go-archive``):

* entering excluded directories: BuildKit enters whenever an exception contains ``*[]?^\\`` once a
  trailing ``/**`` or ``/*`` is removed, otherwise when ``exception + "/"`` starts with
  ``dir + "/"``; the classic builder applies only that prefix test, to the raw exception, so
  ``node_modules`` + ``!**/keep.js`` re-includes ``node_modules/keep.js`` under BuildKit only;
* ``<Dockerfile name>.dockerignore`` beside the Dockerfile is BuildKit only;
* the classic CLI always sends the Dockerfile and ``.dockerignore`` and the daemon drops them when
  excluded; BuildKit reads the Dockerfile separately. ``COPY`` sees neither when excluded.

We follow BuildKit, Compose v2's default builder (``Builder.CLASSIC`` selects the classic descent
rule). docker-py's matcher differs again; its divergences are pinned in the tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem
from preflight.parse.dockerignore_patterns import CompiledPattern, MatchKind, PatternIssue, compile_pattern
from preflight.parse.gomatch import clean_path, is_valid_pattern

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "Builder",
    "CompiledPattern",
    "DockerIgnore",
    "IgnorePattern",
    "MatchKind",
    "find_dockerignore",
    "parse_dockerignore",
]

# Go's unicode.IsSpace (Python's str.isspace also counts \x1c-\x1f)
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_MAX_LINE_BYTES = 64 * 1024  # bufio.Scanner's MaxScanTokenSize: longer lines abort ReadAll
_PATTERN_CHARS = frozenset("*[]?^\\")  # fsutil's patternChars on Linux


class Builder(enum.Enum):
    """Which builder's directory-descent rule to apply."""

    BUILDKIT = "buildkit"
    CLASSIC = "classic"


@dataclass(frozen=True, slots=True)
class IgnorePattern:
    """One pattern: cleaned text (without ``!``), whether it is an exception, where it was written."""

    pattern: str
    exception: bool
    line: int
    col: int
    end_col: int
    text: str
    compiled: CompiledPattern = field(repr=False, compare=False)

    @property
    def kind(self) -> MatchKind:
        """How Docker compares paths with this pattern."""
        return self.compiled.kind

    def matches(self, rel_path: str) -> bool:
        """Whether the cleaned relative path itself matches (no parent-directory rule)."""
        return self.compiled.matches(rel_path)


@dataclass(frozen=True, slots=True)
class _State:
    excluded: bool
    info: tuple[bool, ...]
    decider: IgnorePattern | None


def _normalize(rel_path: str) -> str | None:
    cleaned = clean_path(rel_path.lstrip("/"))
    if cleaned in (".", "..") or cleaned.startswith("../"):
        return None
    return cleaned


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _any_ancestor(pat: IgnorePattern, path: str) -> bool:
    return any(pat.matches(prefix) for prefix in _prefixes(path)[:-1])


@dataclass(frozen=True, slots=True)
class DockerIgnore:
    """A parsed .dockerignore: its patterns in order and the problems found while reading it."""

    path: str
    patterns: tuple[IgnorePattern, ...]
    problems: tuple[ParseProblem, ...] = ()
    _states: dict[str, _State] = field(default_factory=dict, repr=False, compare=False)

    @property
    def exceptions(self) -> tuple[IgnorePattern, ...]:
        """The ``!`` patterns."""
        return tuple(p for p in self.patterns if p.exception)

    def _state(self, path: str) -> _State:
        """MatchesUsingParentResults for ``path``, chained from its parent directory's results."""
        cached = self._states.get(path)
        if cached is not None:
            return cached
        parent = path.rpartition("/")[0]
        inherited = self._state(parent).info if parent else None
        excluded, decider = False, None
        info: list[bool] = []
        for index, pat in enumerate(self.patterns):
            hit = inherited is not None and inherited[index]
            if not hit and pat.exception != excluded:
                # skipped by Docker; still the latest inclusion that applies, for reporting
                if not pat.exception and (pat.matches(path) or _any_ancestor(pat, path)):
                    decider = pat
                info.append(False)
                continue
            hit = hit or pat.matches(path)
            info.append(hit)
            if hit:
                excluded = not pat.exception
                decider = pat if excluded else None
        state = _State(excluded, tuple(info), decider)
        self._states[path] = state
        return state

    def _descends(self, directory: str, builder: Builder) -> bool:
        """Whether the walk enters an excluded directory (fsutil / go-archive rule)."""
        exceptions = self.exceptions
        if not exceptions:
            return False
        if builder is Builder.BUILDKIT:
            stems = [p.pattern.removesuffix("/**").removesuffix("/*") for p in exceptions]
            if any(_PATTERN_CHARS.intersection(stem) for stem in stems):
                return True
        else:
            stems = [p.pattern for p in exceptions]
        return any((stem + "/").startswith(directory + "/") for stem in stems)

    def _walk(self, path: str, builder: Builder) -> tuple[_State, IgnorePattern | None]:
        """The path's own state, and the pattern of an excluded ancestor the walk never left."""
        for ancestor in _prefixes(path)[:-1]:
            state = self._state(ancestor)
            if state.excluded and not self._descends(ancestor, builder):
                return state, state.decider
        return self._state(path), None

    def match(self, rel_path: str, builder: Builder = Builder.BUILDKIT) -> IgnorePattern | None:
        """The pattern that excludes ``rel_path`` from the build context, or None if it is sent.

        ``rel_path`` is POSIX and relative to the context root; the root itself and paths outside
        the context are never excluded. A directory reported as excluded may still appear in the
        context as the parent of a re-included file (see :meth:`might_contain_included`).
        """
        path = _normalize(rel_path)
        if path is None or not self.patterns:
            return None
        state, pruned_by = self._walk(path, builder)
        if pruned_by is not None:
            # report the last matching pattern when it also applies (always, under BuildKit)
            own = self._state(path)
            return own.decider if own.excluded else pruned_by
        return state.decider if state.excluded else None

    def excluded(self, rel_path: str, builder: Builder = Builder.BUILDKIT) -> bool:
        """Whether ``rel_path`` is left out of the build context."""
        return self.match(rel_path, builder) is not None

    def might_contain_included(self, dir_rel_path: str, builder: Builder = Builder.BUILDKIT) -> bool:
        """Whether the context walk enters this directory (always, unless it is excluded and no
        exception pattern can re-include anything below it)."""
        path = _normalize(dir_rel_path)
        if path is None or not self.patterns:
            return True
        state, pruned_by = self._walk(path, builder)
        if pruned_by is not None:
            return False
        return not state.excluded or self._descends(path, builder)

    def match_or_parent_matches(self, rel_path: str) -> IgnorePattern | None:
        """moby's ``MatchesOrParentMatches`` (every ancestor re-checked against every pattern)."""
        path = _normalize(rel_path)
        if path is None:
            return None
        excluded, decider = False, None
        for pat in self.patterns:
            hit = pat.matches(path) or _any_ancestor(pat, path)
            if pat.exception != excluded:
                if hit and not pat.exception:
                    decider = pat
                continue
            if hit:
                excluded = not pat.exception
                decider = pat if excluded else None
        return decider if excluded else None


def _problem(message: str, line: int, col: int, end_col: int) -> ParseProblem:
    return ParseProblem(message, line, col, line, end_col)


def parse_dockerignore(text: str, path: str) -> DockerIgnore:
    """Parse .dockerignore text like BuildKit; never raises (bad lines become ``problems``)."""
    patterns: list[IgnorePattern] = []
    problems: list[ParseProblem] = []
    text = text.removeprefix("\ufeff")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if len(line.encode("utf-8", "surrogatepass")) >= _MAX_LINE_BYTES:
            problems.append(_problem("line too long: Docker cannot read this .dockerignore", number, 1, 1))
            continue
        if line.startswith("#"):
            continue
        written = line.strip(_GO_SPACE)
        if not written:
            continue
        col = len(line) - len(line.lstrip(_GO_SPACE)) + 1
        end_col = col + len(written)
        body = written
        invert = body.startswith("!")
        if invert:
            body = body[1:].strip(_GO_SPACE)
        if body:
            body = clean_path(body)
            if len(body) > 1 and body.startswith("/"):
                body = body[1:]
        # patternmatcher.New cleans the pattern again, '!' included
        entry = clean_path(("!" + body) if invert else body)
        exception = entry.startswith("!")
        if exception:
            entry = entry[1:]
        if exception and not entry:
            problems.append(_problem('illegal exclusion pattern: "!"', number, col, end_col))
            continue
        if not is_valid_pattern(entry):
            problems.append(_problem(f"syntax error in pattern {written!r}", number, col, end_col))
            continue
        try:
            compiled = compile_pattern(entry)
        except PatternIssue as issue:
            problems.append(_problem(f"pattern {written!r} ignored: {issue}", number, col, end_col))
            continue
        patterns.append(IgnorePattern(entry, exception, number, col, end_col, written, compiled))
    return DockerIgnore(path, tuple(patterns), tuple(problems))


def find_dockerignore(context_dir: Path, dockerfile: Path | None) -> Path | None:
    """The ignore file BuildKit uses: ``<Dockerfile name>.dockerignore`` beside the Dockerfile
    (a relative ``dockerfile`` is taken from the context, as Compose does) if it exists, else
    ``<context>/.dockerignore``, else None. An existing Dockerfile-specific file wins even if empty.
    """
    if dockerfile is not None:
        located = dockerfile if dockerfile.is_absolute() else context_dir / dockerfile
        specific = located.with_name(located.name + ".dockerignore")
        if specific.is_file():
            return specific
    default = context_dir / ".dockerignore"
    return default if default.is_file() else None
