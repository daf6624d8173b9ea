"""Go's filepath.Match / Clean semantics and BuildKit's COPY wildcard expansion."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.parse.gomatch import BadPattern, clean_path, glob_in_tree, go_match, has_glob, is_valid_pattern

if TYPE_CHECKING:
    from collections.abc import Callable

# (pattern, name, expected) following the documented behaviour of filepath.Match on Linux.
MATCH_CASES = [
    ("abc", "abc", True),
    ("abc", "abd", False),
    ("abc", "ab", False),
    ("*", "abc", True),
    ("*", "", True),
    ("*", "a/b", False),
    ("*c", "abc", True),
    ("a*", "a", True),
    ("a*", "abc", True),
    ("a*", "ab/c", False),
    ("a*/b", "abc/b", True),
    ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True),
    ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True),
    ("ab[b-d]", "abc", True),
    ("ab[e-g]", "abc", False),
    ("ab[^c]", "abc", False),
    ("ab[^b-d]", "abc", False),
    ("ab[^e-g]", "abc", True),
    ("a[!b]c", "a!c", True),  # '!' is not a negation in Go
    ("a[!b]c", "axc", False),
    ("a\\*b", "a*b", True),
    ("a\\*b", "ab", False),
    ("a\\?b", "axb", False),
    ("a?b", "a☺b", True),
    ("a[^a]b", "a☺b", True),
    ("a???b", "a☺b", False),
    ("a[^a][^a][^a]b", "a☺b", False),
    ("[a-ζ]*", "α", True),
    ("*[a-ζ]", "A", False),
    ("a?b", "a/b", False),
    ("a*b", "a/b", False),
    ("a[^x]b", "a/b", True),  # a class may match the separator
    ("a[/]b", "a/b", True),
    ("[\\]a]", "]", True),
    ("[\\-]", "-", True),
    ("[x\\-]", "x", True),
    ("[x\\-]", "-", True),
    ("[x\\-]", "z", False),
    ("[\\-x]", "x", True),
    ("[\\-x]", "-", True),
    ("[\\-x]", "a", False),
    ("[[]", "[", True),
    ("a]", "a]", True),
    ("*x", "xxx", True),
    ("**", "abc", True),
    ("**", "a/b", False),
    ("*??", "€", True),  # the star advances by bytes: '?' may eat one byte of a rune
    ("?", "€", True),
    ("??", "€", False),
    ("", "", True),
    ("", "a", False),
    (".", ".", True),
    ("\\\\", "\\", True),
]

BAD_PATTERNS = [
    "[",
    "[^",
    "[^bc",
    "a[",
    "ab[",
    "*x[",
    "[]a]",
    "[-]",
    "[x-]",
    "[-x]",
    "[\\",
    "[a-b-c]",
    "[]",
    "[^]",
    "a\\",
    "\\",
    "[a-]",
    # malformed after a mismatch: Go validates the rest of the pattern anyway
    "b[",
    "x*[",
    "a*[]",
]


@pytest.mark.parametrize(("pattern", "name", "expected"), MATCH_CASES)
def test_go_match_table(pattern: str, name: str, expected: bool) -> None:
    assert go_match(pattern, name) is expected


@pytest.mark.parametrize("pattern", BAD_PATTERNS)
@pytest.mark.parametrize("name", ["", "a", "abc", "x/y"])
def test_bad_pattern_whatever_the_name(pattern: str, name: str) -> None:
    with pytest.raises(BadPattern, match="syntax error in pattern") as info:
        go_match(pattern, name)
    assert info.value.pattern == pattern
    assert is_valid_pattern(pattern) is False


def test_bad_pattern_is_a_value_error() -> None:
    assert issubclass(BadPattern, ValueError)
    assert is_valid_pattern("a[bc]*") is True


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("a", False),
        ("*.py", True),
        ("file?.txt", True),
        ("[ab].txt", True),
        ("a]", False),
        ("a\\*b", False),  # escaped: BuildKit copies the literal name
        ("a\\\\*", True),
        ("dir/sub/", False),
        ("", False),
    ],
)
def test_has_glob(pattern: str, expected: bool) -> None:
    assert has_glob(pattern) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "."),
        (".", "."),
        ("./", "."),
        ("abc", "abc"),
        ("abc/", "abc"),
        ("abc//def", "abc/def"),
        ("./abc", "abc"),
        ("abc/./def", "abc/def"),
        ("abc/../def", "def"),
        ("abc/def/..", "abc"),
        ("..", ".."),
        ("../..", "../.."),
        ("../../abc", "../../abc"),
        ("abc/../..", ".."),
        ("/", "/"),
        ("//", "/"),
        ("/abc/", "/abc"),
        ("/..", "/"),
        ("/../abc", "/abc"),
        ("abc/../../def", "../def"),
    ],
)
def test_clean_path(path: str, expected: str) -> None:
    assert clean_path(path) == expected


TREE: dict[str, list[tuple[str, bool]]] = {
    ".": [("src", True), ("app.py", False), ("b.txt", False), ("a.txt", False), ("a", True), ("req", True)],
    "src": [("pkg", True), ("main.py", False), ("util.py", False), ("notes.md", False)],
    "src/pkg": [("__init__.py", False), ("deep", True)],
    "src/pkg/deep": [("x.py", False)],
    "a": [("b", False)],
    "req": [("base.txt", False), ("dev.txt", False)],
}


def list_dir(rel: str) -> list[tuple[str, bool]]:
    if rel not in TREE:
        raise FileNotFoundError(rel)
    return TREE[rel]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.txt", ["a.txt", "b.txt"]),
        ("*.py", ["app.py"]),
        ("src/*.py", ["src/main.py", "src/util.py"]),
        ("./src/*.py", ["src/main.py", "src/util.py"]),
        ("/src/*.py", ["src/main.py", "src/util.py"]),
        ("../src/*.py", ["src/main.py", "src/util.py"]),
        ("*/*.py", ["src/main.py", "src/util.py"]),
        ("src/*", ["src/main.py", "src/notes.md", "src/pkg", "src/util.py"]),  # a matched dir is not entered
        ("s*/p*/*.py", ["src/pkg/__init__.py"]),
        ("s*/pkg", ["src/pkg"]),
        ("*/*/deep/x.py", ["src/pkg/deep/x.py"]),
        ("req/[bd]*.txt", ["req/base.txt", "req/dev.txt"]),
        ("req/?ev.txt", ["req/dev.txt"]),
        ("a[^x]b", ["a/b"]),  # walk semantics: the class matches '/' (filepath.Glob would not)
        ("*", ["a", "a.txt", "app.py", "b.txt", "req", "src"]),
        ("nothing*", []),
        ("missing/*.py", []),
        ("app.py/*", []),
        ("[", []),
        ("src", ["src"]),
        ("src/main.py", ["src/main.py"]),
        ("src/missing.py", []),
        (".", ["."]),
        ("", ["."]),
    ],
)
def test_glob_in_tree(pattern: str, expected: list[str]) -> None:
    assert glob_in_tree(pattern, list_dir) == expected


def test_glob_in_tree_walk_order_is_by_name_then_depth() -> None:
    tree = {".": [("a.txt", False), ("a", True)], "a": [("x.txt", False)]}
    # BuildKit walks "a" (and its children) before "a.txt": names are sorted per directory
    assert glob_in_tree("a*", lambda d: tree[d]) == ["a", "a.txt"]
    assert glob_in_tree("*/x.txt", lambda d: tree[d]) == ["a/x.txt"]


def test_glob_in_tree_prunes_depth() -> None:
    seen: list[str] = []

    def lister(rel: str) -> list[tuple[str, bool]]:
        seen.append(rel)
        return list_dir(rel)

    assert glob_in_tree("*.md", lister) == []
    assert seen == ["."]  # '*' cannot cross '/', so no subdirectory is read


# ---- differential test against a straightforward backtracking matcher ----

ALPHABET = "ab./"


@dataclass(frozen=True)
class Tok:
    kind: str
    char: str = ""
    negated: bool = False
    ranges: tuple[tuple[str, str], ...] = ()


def _tokenize(pattern: str) -> list[Tok]:
    tokens: list[Tok] = []
    i = 0

    def esc(j: int) -> tuple[str, int]:
        if j >= len(pattern) or pattern[j] in "-]":
            raise BadPattern(pattern)
        if pattern[j] == "\\":
            j += 1
            if j >= len(pattern):
                raise BadPattern(pattern)
        if j + 1 >= len(pattern):
            raise BadPattern(pattern)
        return pattern[j], j + 1

    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            tokens.append(Tok("star"))
            i += 1
        elif ch == "?":
            tokens.append(Tok("any"))
            i += 1
        elif ch == "\\":
            if i + 1 >= len(pattern):
                raise BadPattern(pattern)
            tokens.append(Tok("lit", pattern[i + 1]))
            i += 2
        elif ch == "[":
            i += 1
            negated = i < len(pattern) and pattern[i] == "^"
            if negated:
                i += 1
            ranges: list[tuple[str, str]] = []
            while not (ranges and i < len(pattern) and pattern[i] == "]"):
                lo, i = esc(i)
                hi = lo
                if pattern[i] == "-":
                    hi, i = esc(i + 1)
                ranges.append((lo, hi))
            i += 1
            tokens.append(Tok("class", negated=negated, ranges=tuple(ranges)))
        else:
            tokens.append(Tok("lit", ch))
            i += 1
    return tokens


def reference_match(pattern: str, name: str) -> bool:
    tokens = _tokenize(pattern)

    @cache
    def go(t: int, n: int) -> bool:
        if t == len(tokens):
            return n == len(name)
        tok = tokens[t]
        if tok.kind == "star":
            if go(t + 1, n):
                return True
            return n < len(name) and name[n] != "/" and go(t, n + 1)
        if n == len(name):
            return False
        ch = name[n]
        if tok.kind == "any":
            return ch != "/" and go(t + 1, n + 1)
        if tok.kind == "lit":
            return ch == tok.char and go(t + 1, n + 1)
        inside = any(lo <= ch <= hi for lo, hi in tok.ranges)
        return inside != tok.negated and go(t + 1, n + 1)

    return go(0, 0)


PATTERN_PIECES = st.sampled_from(
    ["a", "b", ".", "/", "*", "**", "?", "[ab]", "[a-b]", "[.]", "\\*", "\\a", "[", "]", "-", "[\\]]", "\\"]
)
NEGATED = st.sampled_from(["[^a]", "[^a-b]", "[^.]", "a", "b", "*", "?"])


def _outcome(fn: Callable[[str, str], bool], pattern: str, name: str) -> bool | str:
    try:
        return fn(pattern, name)
    except BadPattern:
        return "bad"


@settings(max_examples=300, deadline=None)
@given(st.lists(PATTERN_PIECES, max_size=6).map("".join), st.text(ALPHABET, max_size=8))
def test_go_match_agrees_with_backtracking(pattern: str, name: str) -> None:
    # without classes that can match '/', Go's leftmost-chunk search equals full backtracking
    assert _outcome(go_match, pattern, name) == _outcome(reference_match, pattern, name)


@settings(max_examples=200, deadline=None)
@given(st.lists(NEGATED, max_size=5).map("".join), st.text("ab.", max_size=6))
def test_negated_classes_agree_on_single_segments(pattern: str, name: str) -> None:
    assert go_match(pattern, name) == reference_match(pattern, name)


@settings(max_examples=200, deadline=None)
@given(st.text(ALPHABET + "*?[]\\-^", max_size=8), st.text(ALPHABET, max_size=6), st.text(ALPHABET, max_size=6))
def test_validity_does_not_depend_on_the_name(pattern: str, one: str, other: str) -> None:
    assert (_outcome(go_match, pattern, one) == "bad") == (_outcome(go_match, pattern, other) == "bad")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=10).filter(lambda s: "\x00" not in s))
def test_escaped_literal_matches_itself(name: str) -> None:
    escaped = "".join("\\" + ch for ch in name)
    assert go_match(escaped, name) is True
    assert has_glob(escaped) is False
