"""Static reader of pip requirements files (the only user of pip-requirements-parser).

Follows the rules of pip's ``req_file.py``: ``\\`` continuations join lines (numbered by the
first one), ``#`` preceded by whitespace starts a comment, each logical line is split into a
requirement part and ``shlex``-split options, and the requirement is interpreted like pip's
``install_req_from_line`` / ``install_req_from_editable`` without looking at the filesystem.
``-r``/``-c`` includes are recorded, never followed. ``${VAR}`` references are left as written
(pip expands them at install time), and lines containing one are never reported as problems.

Paths of local requirements (``-e ../lib``, ``./pkg``, ``.``) are kept as written: pip resolves
them against its working directory, while include targets are relative to the including file.
"""

from __future__ import annotations

import codecs
import enum
import locale
import optparse
import re
import shlex
import sys
from dataclasses import dataclass, field, replace
from typing import NoReturn

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as _PkgRequirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from pip_requirements_parser import Link, is_archive_file, is_url, vcs_all_schemes

from preflight.diagnostics import ParseProblem

_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_ENV_VAR_RE = re.compile(r"\$\{[A-Z0-9_]+\}")
_EXTRAS_RE = re.compile(r"^(.+)(\[[^\]]+\])$")
_PROJECT_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_PLAIN_NAME_RE = re.compile(r"^[\w.~+-]+$")
_VCS_NAMES = ("bzr", "git", "hg", "svn")
_STRONG_HASHES = ("sha256", "sha384", "sha512")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_PEP263_RE = re.compile(rb"coding[:=]\s*([-\w.]+)")
# The options pip accepts in a requirements file (pip's cmdoptions); "=" marks those taking a value.
_OPTIONS = (
    "-i --index-url --pypi-url= | --extra-index-url= | --no-index | -c --constraint= | "
    "-r --requirement= | -e --editable= | -f --find-links= | --no-binary= | --only-binary= | "
    "--prefer-binary | --require-hashes | --no-require-hashes | --pre | --all-releases= | "
    "--only-final= | --trusted-host= | --use-feature= | --hash= | -C --config-settings="
)
# Options pip applies to the whole install even when written on a requirement line.
_SHARED_STATE_OPTIONS = frozenset({"--no-binary", "--only-binary", "--all-releases", "--only-final"})


class IncludeKind(enum.Enum):
    """Which flag pulled another file in."""

    REQUIREMENT = "requirement"
    CONSTRAINT = "constraint"


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement line, interpreted like pip does; columns point at the requirement text."""

    name: str | None
    canonical_name: str | None = None
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None
    url: str | None = None
    editable: bool = False
    local_path: str | None = None
    vcs: bool = False
    hashes: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    line: int = 1
    col: int = 1
    end_col: int = 1
    text: str = ""


@dataclass(frozen=True, slots=True)
class Include:
    """A ``-r``/``-c`` line; ``target`` is as written, relative to the including file."""

    kind: IncludeKind
    target: str
    line: int = 1
    col: int = 1
    end_col: int = 1


@dataclass(frozen=True, slots=True)
class PipOption:
    """A global option (``--index-url URL``, ``--no-binary lxml``, ``--pre``); name is the long form."""

    name: str
    value: str | None = None
    line: int = 1
    col: int = 1
    end_col: int = 1


@dataclass(frozen=True, slots=True)
class RequirementsFile:
    """Everything read from one requirements file."""

    path: str
    requirements: tuple[Requirement, ...] = ()
    includes: tuple[Include, ...] = ()
    options: tuple[PipOption, ...] = ()
    problems: tuple[ParseProblem, ...] = ()


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return str(canonicalize_name(name))


def decode_requirements_bytes(data: bytes) -> str:
    """Decode a requirements file like pip: BOM, PEP 263 comment, UTF-8, then the locale encoding.

    Raises ``UnicodeDecodeError`` when none of them can decode the bytes.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    for raw_line in data.split(b"\n")[:2]:
        found = _PEP263_RE.search(raw_line) if raw_line[:1] == b"#" else None
        if found is not None:
            try:
                return data.decode(found.group(1).decode("ascii"))
            except LookupError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if sys.version_info >= (3, 11):
            fallback = locale.getencoding()
        else:  # pragma: no cover - Python 3.10
            fallback = locale.getpreferredencoding(False)
        return data.decode(fallback or sys.getdefaultencoding())


def invalid_editable_message(target: str) -> str:
    """pip's error for ``-e <target>`` when target is neither a directory nor a VCS URL."""
    return (
        f"{target} is not a valid editable requirement. It should either be a path to a local "
        f"project or a VCS URL (beginning with {', '.join(vcs_all_schemes)})."
    )


class _OptionError(Exception):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class _Parser(optparse.OptionParser):
    def error(self, msg: str) -> NoReturn:
        raise _OptionError(msg)

    def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
        raise _OptionError(msg or "")


def _build_parser() -> _Parser:
    parser = _Parser(add_help_option=False)
    for spec in _OPTIONS.split("|"):
        strings = spec.split()
        action = "append" if strings[-1].endswith("=") else "store_true"
        parser.add_option(*(string.rstrip("=") for string in strings), action=action)
    return parser


@dataclass(slots=True)
class _Logical:
    """A logical line with the physical (line, col) of each of its characters."""

    line: int
    text: str
    pos: list[tuple[int, int]] = field(default_factory=list)

    def at(self, offset: int) -> tuple[int, int]:
        if offset < len(self.pos):
            return self.pos[offset]
        if not self.pos:
            return (self.line, 1)
        last_line, last_col = self.pos[-1]
        return (last_line, last_col + 1)

    def span(self, start: int, end: int) -> tuple[int, int, int]:
        """(line, col, end_col) of text[start:end], clipped to the first physical line."""
        line, col = self.at(start)
        end_col = col
        for offset in range(start, max(end, start)):
            char_line, char_col = self.at(offset)
            if char_line != line:
                break
            end_col = char_col + 1
        return line, col, end_col


def _logical_lines(content: str) -> list[_Logical]:
    out: list[_Logical] = []
    pending: _Logical | None = None
    for number, raw in enumerate(content.splitlines(), start=1):
        is_comment = _COMMENT_RE.match(raw) is not None
        if raw.endswith("\\") and not is_comment:
            if pending is None:
                pending = _Logical(number, "")
            start = len(raw) - len(raw.lstrip("\\"))
            end = max(start, len(raw.rstrip("\\")))
            pending.text += raw[start:end]
            pending.pos.extend((number, col + 1) for col in range(start, end))
            continue
        chars = " " + raw if is_comment else raw
        pos = [(number, 1)] * int(is_comment) + [(number, col + 1) for col in range(len(raw))]
        if pending is not None:
            pending.text += chars
            pending.pos.extend(pos)
            out.append(pending)
            pending = None
        else:
            out.append(_Logical(number, chars, pos))
    if pending is not None:
        out.append(pending)
    cleaned: list[_Logical] = []
    for logical in out:
        text = logical.text
        comment = _COMMENT_RE.search(text)
        if comment is not None:
            text = text[: comment.start()]
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if text:
            cleaned.append(_Logical(logical.line, text, logical.pos[lead : lead + len(text)]))
    return cleaned


@dataclass(frozen=True, slots=True)
class _Occurrence:
    name: str  # long form
    typed: str  # the option string optparse resolved (what pip's messages quote)
    value: str | None
    start: int  # offsets into the options string: the whole occurrence, then its value
    end: int
    value_start: int


def _shlex(text: str) -> list[str]:
    """shlex.split, with a fast path for the usual text without quotes or escapes."""
    if not any(char in text for char in "'\"\\"):
        return [word for word in re.split(r"[ \t\r\n]+", text) if word]
    return shlex.split(text)


_WORD_RE = re.compile(r"""(?:[^ \t\r\n'"\\]|\\.|'[^']*'|"(?:[^"\\]|\\.)*")+""", re.DOTALL)


def _occurrences(parser: _Parser, text: str) -> list[_Occurrence]:
    """Walk option words (already validated by optparse) like optparse does, keeping positions."""
    spans = [((_shlex(m[0]) or [""])[0], m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    found: list[_Occurrence] = []
    i = 0
    while i < len(spans):
        word, start, end = spans[i]
        i += 1
        if word == "--":
            break
        if word.startswith("--"):
            typed, eq, attached = word.partition("=")
            typed = parser._match_long_opt(typed)
            option, has_attached = parser._long_opt[typed], bool(eq)
        elif word.startswith("-") and len(word) > 1:
            typed, attached = word[:2], word[2:]
            option, has_attached = parser._short_opt[typed], bool(attached)
        else:
            continue
        value, value_start = None, start
        if option.takes_value():
            if has_attached:
                value = attached
                value_start = end - len(attached) if end - start == len(word) else start
            elif i < len(spans):
                value, value_start, end = spans[i]
                i += 1
        found.append(_Occurrence(option.get_opt_string(), typed, value, start, end, value_start))
    return found


def _callback_error(occ: _Occurrence) -> str | None:
    """The checks pip's option callbacks make on values, with pip's messages."""
    value = occ.value or ""
    if occ.name == "--hash" and ":" not in value:
        return f"Arguments to {occ.typed} must be a hash name followed by a value, like --hash=sha256:abcde..."
    if occ.name == "--hash" and value.split(":", 1)[0] not in _STRONG_HASHES:
        return f"Allowed hash algorithms for {occ.typed} are {', '.join(_STRONG_HASHES)}."
    if occ.name == "--config-settings" and "=" not in value:
        return f"Arguments to {occ.typed} must be of the form KEY=VAL"
    if occ.name in ("--no-binary", "--only-binary") and value.startswith("-"):
        return "--no-binary / --only-binary option requires 1 argument."
    if occ.name in ("--all-releases", "--only-final") and value.startswith("-"):
        return "--all-releases / --only-final option requires 1 argument."
    return None


class _ReqError(Exception):
    def __init__(self, msg: str, offset: int = 0) -> None:
        super().__init__(msg)
        self.msg, self.offset = msg, offset


def _syntax(exc: Exception) -> tuple[str, int]:
    """packaging's one-line reason and the caret offset from its message."""
    lines = str(exc).splitlines() or [""]
    caret = lines[-1].find("^") if len(lines) >= 3 else -1
    return lines[0], max(caret - 4, 0)


def _looks_like_path(text: str) -> bool:
    return "/" in text or text.startswith(".")


def _split_extras(text: str) -> tuple[str, tuple[str, ...]]:
    match = _EXTRAS_RE.match(text)
    if match is None:
        return text, ()
    try:
        return match[1], tuple(sorted(_PkgRequirement("placeholder" + match[2].lower()).extras))
    except InvalidRequirement:
        return match[1], ()


def _from_link(url: str, local: str | None = None, extras: tuple[str, ...] = ()) -> Requirement:
    """A URL or local-path requirement; pip names it from #egg= or from a wheel's file name."""
    link = Link(url)
    name: str | None = None
    if local is None:
        name = None if link.egg_fragment is None else str(link.egg_fragment)
        if name is not None and not _PROJECT_NAME_RE.match(name):
            raise _ReqError(f"The '{name}' egg fragment is invalid")
        local = str(link.path) if link.scheme == "file" else None
    parts = Requirement(name, extras=extras, url=None if url == local else url, local_path=local, vcs=bool(link.is_vcs))
    filename = str(link.path).rstrip("/").rsplit("/", 1)[-1]
    if filename.endswith(".whl"):
        try:
            wheel_name, version, _, _ = parse_wheel_filename(filename)
        except InvalidWheelFilename as exc:
            raise _ReqError(str(exc)) from None
        parts = replace(parts, name=str(wheel_name), specifier=f"=={version}")
    return parts


def _from_pep508(text: str) -> Requirement:
    try:
        req = _PkgRequirement(text)
    except InvalidRequirement as exc:
        reason, caret = _syntax(exc)
        hint = ""
        if "=" in text and not any(op in text for op in ("~=", "==", "!=", "<=", ">=", "<", ">")):
            hint = " (hint: = is not a valid operator. Did you mean == ?)"
        raise _ReqError(f"Invalid requirement: {text!r}: {reason}{hint}", caret) from None
    marker = None if req.marker is None else str(req.marker)
    parts = Requirement(req.name, specifier=str(req.specifier), extras=tuple(sorted(req.extras)), marker=marker)
    if req.url:
        link = Link(req.url)
        local = str(link.path) if link.scheme == "file" else None
        parts = replace(parts, url=req.url, vcs=bool(link.is_vcs), local_path=local)
    return parts


def _interpret(raw: str) -> Requirement:
    """pip's parse_req_from_line, deciding 'is a directory' from the text alone."""
    sep = "; " if is_url(raw) else ";"
    name, marker = raw, None
    if sep in raw:
        name, marker_text = raw.split(sep, 1)
        if marker_text.strip():
            try:
                marker = str(Marker(marker_text.strip()))
            except InvalidMarker as exc:
                reason, caret = _syntax(exc)
                skip = len(name) + len(sep) + len(marker_text) - len(marker_text.lstrip())
                raise _ReqError(f"Invalid requirement: {name.strip()!r}: {reason}", skip + caret) from None
    lead = len(name) - len(name.lstrip())
    name = name.strip()
    named_url = "@" in name and not _looks_like_path(name.split("@", 1)[0])
    path, extras = _split_extras(name)
    try:
        if is_url(name):
            parts = _from_link(name)
        elif not named_url and (_looks_like_path(name) or is_archive_file(path)):
            parts = _from_link(path, path, extras)
        else:
            parts = _from_pep508(name)
    except _ReqError as exc:
        raise _ReqError(exc.msg, exc.offset + lead) from None
    return parts if marker is None else replace(parts, marker=marker)


def _interpret_editable(raw: str) -> Requirement:
    """pip's parse_editable, deciding 'is a directory' from the text alone."""
    try:
        url = _PkgRequirement(raw).url
    except InvalidRequirement:
        url = None
    if url:
        if not (Link(url).is_vcs or url.startswith("file:")):
            raise _ReqError(invalid_editable_message(raw))
        return _from_pep508(raw)
    path, extras = _split_extras(raw)
    if path.lower().startswith("file:"):
        return replace(_from_link(path), extras=extras)
    vcs_url = next((f"{v}+{raw}" for v in _VCS_NAMES if raw.lower().startswith(f"{v}:")), raw)
    if Link(vcs_url).is_vcs:
        parts = replace(_from_link(vcs_url), url=raw)
        if parts.name is None:
            raise _ReqError(
                f"Could not detect requirement name for '{raw}', please specify one with your_package_name @ URL"
            )
        return parts
    if not is_url(path) and (_looks_like_path(path) or _PLAIN_NAME_RE.match(path)):
        return Requirement(None, local_path=path, extras=extras)
    raise _ReqError(invalid_editable_message(raw))


@dataclass(slots=True)
class _Sink:
    requirements: list[Requirement] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    options: list[PipOption] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def parse_requirements(text: str, path: str) -> RequirementsFile:
    """Read requirements-file text statically; never raises, never reads other files."""
    sink = _Sink()
    parser = _build_parser()
    for logical in _logical_lines(text):
        try:
            _handle(logical, parser, sink)
        except Exception as exc:  # noqa: BLE001 - a parser of untrusted text must not raise
            sink.problems.append(ParseProblem(f"cannot parse this line: {exc}", logical.line))
    return RequirementsFile(
        path, tuple(sink.requirements), tuple(sink.includes), tuple(sink.options), tuple(sink.problems)
    )


def _error_span(msg: str, opt_text: str) -> tuple[int, int]:
    words = [(m[0].split("=", 1)[0], m.start(), m.end()) for m in _WORD_RE.finditer(opt_text)]
    named = re.search(r"-{1,2}[\w-]*", msg)
    opt = named[0] if named else ""
    for word, start, end in words:
        if len(word) > 1 and word.startswith("-") and (word.startswith(opt) or opt.startswith(word)):
            return start, end
    return (words[0][1], words[0][2]) if words else (0, len(opt_text))


def _handle(ll: _Logical, parser: _Parser, sink: _Sink) -> None:
    words = ll.text.split(" ")
    n_args = next((i for i, word in enumerate(words) if word.startswith("-")), len(words))
    args = " ".join(words[:n_args]).rstrip()
    base = len(" ".join(words[:n_args])) + 1 if n_args else 0
    opt_text = " ".join(words[n_args:])

    def problem(msg: str, start: int, end: int) -> None:
        if _ENV_VAR_RE.search(ll.text) is None:
            line, col = ll.at(start)
            end_line, end_col = ll.at(max(end - 1, start))
            sink.problems.append(ParseProblem(msg, line, col, end_line, end_col + int(end > start)))

    try:
        parser.parse_args(_shlex(opt_text), parser.get_default_values())
        occurrences = _occurrences(parser, opt_text)
    except ValueError:
        problem(f"Could not split options: {opt_text}", base, base + len(opt_text))
        return
    except _OptionError as exc:
        start, end = _error_span(exc.msg, opt_text)
        problem(exc.msg, base + start, base + end)
        return
    for occ in occurrences:
        error = _callback_error(occ)
        if error is not None:
            problem(error, base + occ.start, base + occ.end)
            return
    shared = [occ for occ in occurrences if occ.name in _SHARED_STATE_OPTIONS]
    editables = [occ for occ in occurrences if occ.name == "--editable"]
    includes = [occ for occ in occurrences if occ.name == "--requirement"]
    includes += [occ for occ in occurrences if occ.name == "--constraint"]
    if not (args or editables) and not includes:
        shared = occurrences
    for occ in shared:
        line, col, end_col = ll.span(base + occ.start, base + occ.end)
        sink.options.append(PipOption(occ.name, occ.value, line, col, end_col))
    if not (args or editables):
        if includes:
            occ = includes[0]
            kind = IncludeKind.REQUIREMENT if occ.name == "--requirement" else IncludeKind.CONSTRAINT
            line, col, end_col = ll.span(base + occ.value_start, base + occ.end)
            sink.includes.append(Include(kind, occ.value or "", line, col, end_col))
        return
    raw, start, end = args, 0, len(args)
    if not args:
        raw, start, end = editables[0].value or "", base + editables[0].value_start, base + editables[0].end
    try:
        parts = _interpret_editable(raw) if editables else _interpret(raw)
    except _ReqError as exc:
        problem(exc.msg, start + exc.offset, end)
        return
    line, col, end_col = ll.span(start, end)
    options = tuple(
        occ.name if occ.value is None else f"{occ.name} {occ.value}" for occ in occurrences if occ.name != "--editable"
    )
    sink.requirements.append(
        replace(
            parts,
            canonical_name=None if parts.name is None else canonical(parts.name),
            editable=bool(editables),
            hashes=tuple(occ.value or "" for occ in occurrences if occ.name == "--hash" and not editables),
            options=options,
            line=line,
            col=col,
            end_col=end_col,
            text=ll.text,
        )
    )
