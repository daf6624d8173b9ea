"""Go's ``path/filepath`` matching on Linux, and BuildKit's expansion of COPY source wildcards.

``go_match`` follows ``filepath.Match`` of current Go releases byte for byte:

* ``*`` matches any run of non-``/`` bytes, ``?`` one non-``/`` rune;
* ``[...]`` / ``[^...]`` is a class of runes, lo-hi ranges, ``\\`` escapes; ``-`` and ``]`` must be
  escaped inside it, the class must be non-empty. A class can match ``/`` (``a[^x]b`` matches
  ``a/b``), unlike ``*`` and ``?``;
* ``\\c`` matches ``c`` literally (Linux; Windows has no escapes);
* a malformed pattern raises :class:`BadPattern` whatever the name (current Go keeps parsing the
  whole pattern after a mismatch, so validity does not depend on the name);
* like Go, the star loop advances one *byte* at a time, so after a ``*`` a ``?`` or class may
  consume a single byte of a multi-byte UTF-8 sequence (``*??`` matches ``"€"``).

``glob_in_tree`` expands a COPY source the way BuildKit does (``tonistiigi/fsutil/copy``
``ResolveWildcards``), not the way ``filepath.Glob`` does: the source is cleaned and split at the
first component containing an unescaped ``*``, ``?`` or ``[``; the literal head is the base
directory, the rest is matched with ``filepath.Match`` against each path *relative to the base*
met in a lexical depth-first walk, and a directory that matches is returned without being
descended into. The two differ only for classes that match ``/`` (BuildKit's walk can match
``a[^x]b`` against ``a/b``; a segment-wise Glob cannot). An escape alone (``a\\*``) does not make a
source a wildcard for BuildKit, although ``filepath.Glob``'s ``hasMeta`` would say it does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["BadPattern", "ListDir", "clean_path", "glob_in_tree", "go_match", "has_glob", "is_valid_pattern"]

_SLASH = 0x2F
_BACKSLASH = 0x5C
_STAR = 0x2A
_QUESTION = 0x3F
_LBRACKET = 0x5B
_RBRACKET = 0x5D
_CARET = 0x5E
_DASH = 0x2D
_RUNE_ERROR = 0xFFFD


class BadPattern(ValueError):
    """The pattern is malformed (Go's ``filepath.ErrBadPattern``: "syntax error in pattern")."""

    def __init__(self, pattern: str) -> None:
        super().__init__("syntax error in pattern")
        self.pattern = pattern


def _to_bytes(text: str) -> bytes:
    # surrogateescape round-trips names read from disk with undecodable bytes
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _decode_rune(s: bytes) -> tuple[int, int]:
    """Go's utf8.DecodeRune: (rune, width); (RuneError, 1) for invalid input, (RuneError, 0) if empty."""
    if not s:
        return _RUNE_ERROR, 0
    lead = s[0]
    if lead < 0x80:
        return lead, 1
    if 0xC2 <= lead <= 0xDF:
        width = 2
    elif 0xE0 <= lead <= 0xEF:
        width = 3
    elif 0xF0 <= lead <= 0xF4:
        width = 4
    else:
        return _RUNE_ERROR, 1
    try:
        # Python's strict decoder rejects overlongs and surrogates exactly like Go
        char = s[:width].decode("utf-8")
    except UnicodeDecodeError:
        return _RUNE_ERROR, 1
    if len(char) != 1:
        return _RUNE_ERROR, 1
    return ord(char), width


class _Bad(Exception):
    """Internal signal for a malformed chunk; converted to BadPattern at the API boundary."""


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    star = False
    while pattern and pattern[0] == _STAR:
        pattern = pattern[1:]
        star = True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == _BACKSLASH:
            # the error for a trailing backslash is reported by _match_chunk
            if i + 1 < len(pattern):
                i += 1
        elif c == _LBRACKET:
            in_range = True
        elif c == _RBRACKET:
            in_range = False
        elif c == _STAR and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _get_esc(chunk: bytes) -> tuple[int, bytes]:
    if not chunk or chunk[0] in (_DASH, _RBRACKET):
        raise _Bad
    if chunk[0] == _BACKSLASH:
        chunk = chunk[1:]
        if not chunk:
            raise _Bad
    rune, width = _decode_rune(chunk)
    if rune == _RUNE_ERROR and width == 1:
        raise _Bad
    rest = chunk[width:]
    if not rest:
        raise _Bad
    return rune, rest


def _match_chunk(chunk: bytes, s: bytes) -> tuple[bytes, bool]:
    # After a mismatch the chunk is still parsed to the end so that syntax errors always surface.
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        c = chunk[0]
        if c == _LBRACKET:
            rune = 0
            if not failed:
                rune, width = _decode_rune(s)
                s = s[width:]
            chunk = chunk[1:]
            negated = False
            if chunk and chunk[0] == _CARET:
                negated = True
                chunk = chunk[1:]
            matched = False
            nrange = 0
            while True:
                if chunk and chunk[0] == _RBRACKET and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == _DASH:
                    hi, chunk = _get_esc(chunk[1:])
                if lo <= rune <= hi:
                    matched = True
                nrange += 1
            if matched == negated:
                failed = True
        elif c == _QUESTION:
            if not failed:
                if s[0] == _SLASH:
                    failed = True
                _, width = _decode_rune(s)
                s = s[width:]
            chunk = chunk[1:]
        else:
            if c == _BACKSLASH:
                chunk = chunk[1:]
                if not chunk:
                    raise _Bad
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    if failed:
        return b"", False
    return s, True


def _match_bytes(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            # a trailing star matches the rest unless it contains a separator
            return _SLASH not in name
        rest, ok = _match_chunk(chunk, name)
        if ok and (not rest or pattern):
            name = rest
            continue
        if star:
            found = False
            i = 0
            # the star may swallow any byte except '/', even inside a UTF-8 sequence
            while i < len(name) and name[i] != _SLASH:
                rest, ok = _match_chunk(chunk, name[i + 1 :])
                if ok and not (not pattern and rest):
                    name = rest
                    found = True
                    break
                i += 1
            if found:
                continue
        while pattern:
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def go_match(pattern: str, name: str) -> bool:
    """Whether ``name`` matches the shell pattern, exactly like Go's ``filepath.Match`` on Linux.

    Raises :class:`BadPattern` when the pattern is malformed (independently of ``name``).
    """
    try:
        return _match_bytes(_to_bytes(pattern), _to_bytes(name))
    except _Bad:
        raise BadPattern(pattern) from None


def is_valid_pattern(pattern: str) -> bool:
    """Whether ``go_match`` accepts the pattern (Docker checks this with ``filepath.Match(p, ".")``)."""
    try:
        go_match(pattern, ".")
    except BadPattern:
        return False
    return True


def has_glob(pattern: str) -> bool:
    """Whether a COPY source contains an unescaped ``*``, ``?`` or ``[`` (BuildKit's containsWildcards)."""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "*?[":
            return True
        i += 1
    return False


def clean_path(path: str) -> str:
    """Go's ``filepath.Clean`` for POSIX paths: the shortest lexically equivalent path."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            # '..' at the root of a rooted path is dropped
            continue
        out.append(part)
    joined = "/".join(out)
    if rooted:
        return "/" + joined
    return joined or "."


ListDir = Callable[[str], Sequence[tuple[str, bool]]]


def _list(list_dir: ListDir, rel_dir: str) -> list[tuple[str, bool]]:
    try:
        entries = list(list_dir(rel_dir))
    except OSError:
        # a missing or unreadable directory yields nothing (BuildKit would fail the COPY instead)
        return []
    # filepath.Walk visits names in byte order; code-point order is the same for UTF-8
    return sorted(entries, key=lambda entry: _to_bytes(entry[0]))


def _join(base: str, rel: str) -> str:
    return rel if base == "." else f"{base}/{rel}"


def glob_in_tree(pattern: str, list_dir: ListDir) -> list[str]:
    """Expand a COPY source pattern against a tree, the way BuildKit resolves wildcards.

    ``pattern`` is relative to the context root (a leading ``/`` or ``..`` cannot leave it).
    ``list_dir(rel_dir)`` returns ``(name, is_dir)`` for the entries of a directory given as a POSIX
    path relative to the root (``"."`` for the root); it may raise ``OSError``. Report symlinks as
    non-directories to mirror ``filepath.Walk``, which does not follow them. Returns matching paths
    relative to the root, in BuildKit's walk order. A pattern without wildcards yields the cleaned
    path if it exists; a malformed pattern yields nothing (BuildKit ignores the error, then fails
    with "no matches found").
    """
    rel = clean_path("/" + pattern).lstrip("/")
    parts = rel.split("/") if rel else []
    first = next((i for i, part in enumerate(parts) if has_glob(part)), None)
    if first is None:
        if not rel:
            return ["."]
        parent, _, leaf = rel.rpartition("/")
        present = any(name == leaf for name, _ in _list(list_dir, parent or "."))
        return [rel] if present else []
    base = "/".join(parts[:first]) or "."
    comp = "/".join(parts[first:])
    if not is_valid_pattern(comp):
        return []
    # '*' and '?' never match '/', so only literal slashes and classes bound the depth
    max_slashes = comp.count("/") + comp.count("[")
    found: list[str] = []

    def walk(rel_from_base: str, depth: int) -> None:
        directory = _join(base, rel_from_base) if rel_from_base else base
        for name, is_dir in _list(list_dir, directory):
            candidate = f"{rel_from_base}/{name}" if rel_from_base else name
            if go_match(comp, candidate):
                found.append(_join(base, candidate))
                continue
            if is_dir and depth < max_slashes:
                walk(candidate, depth + 1)

    walk("", 0)
    return found
