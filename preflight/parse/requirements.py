"""Static reader of pip requirements files (the only user of `packaging`, imported only when a
requirements file is read).

Follows the rules of pip's ``req_file.py``: ``\\`` continuations join lines (numbered by the
first one), ``#`` preceded by whitespace starts a comment, each logical line is split into a
requirement part and ``shlex``-split options (that scanning lives in
:mod:`preflight.parse.requirements_lines`), and the requirement is interpreted like pip's
``install_req_from_line`` / ``install_req_from_editable`` without looking at the filesystem.
``-r``/``-c`` includes are recorded, never followed. ``${VAR}`` references are left as written
(pip expands them at install time), and lines containing one are never reported as problems.

Paths of local requirements (``-e ../lib``, ``./pkg``, ``.``) are kept as written: pip resolves
them against its working directory, while include targets are relative to the including file.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace

from preflight.diagnostics import ParseProblem
from preflight.parse.pip_links import VCS_SCHEMES, Link, is_archive_file, is_url
from preflight.parse.requirements_lines import (
    LogicalLine,
    OptionsError,
    PipOptionParser,
    build_parser,
    logical_lines,
    scan_options,
)

_ENV_VAR_RE = re.compile(r"\$\{[A-Z0-9_]+\}")
_EXTRAS_RE = re.compile(r"^(.+)(\[[^\]]+\])$")
_PROJECT_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_PLAIN_NAME_RE = re.compile(r"^[\w.~+-]+$")
_VCS_NAMES = ("bzr", "git", "hg", "svn")
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
    # packaging loads only when a requirements file is read
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def invalid_editable_message(target: str) -> str:
    """pip's error for ``-e <target>`` when target is neither a directory nor a VCS URL."""
    return (
        f"{target} is not a valid editable requirement. It should either be a path to a local "
        f"project or a VCS URL (beginning with {', '.join(VCS_SCHEMES)})."
    )


class _ReqError(Exception):
    def __init__(self, msg: str, offset: int = 0, help: str | None = None) -> None:
        super().__init__(msg)
        self.msg, self.offset, self.help = msg, offset, help


def _syntax(exc: Exception) -> tuple[str, int]:
    """packaging's one-line reason and the caret offset from its message."""
    lines = str(exc).splitlines() or [""]
    caret = lines[-1].find("^") if len(lines) >= 3 else -1
    return lines[0], max(caret - 4, 0)


def _looks_like_path(text: str) -> bool:
    return "/" in text or text.startswith(".")


def _split_extras(text: str) -> tuple[str, tuple[str, ...]]:
    # packaging loads only when a requirements file is read
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as _PkgRequirement

    match = _EXTRAS_RE.match(text)
    if match is None:
        return text, ()
    try:
        return match[1], tuple(sorted(_PkgRequirement("placeholder" + match[2].lower()).extras))
    except InvalidRequirement:
        return match[1], ()


def _from_link(url: str, local: str | None = None, extras: tuple[str, ...] = ()) -> Requirement:
    """A URL or local-path requirement; pip names it from #egg= or from a wheel's file name."""
    # packaging loads only when a requirements file is read
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

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
    # packaging loads only when a requirements file is read
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as _PkgRequirement

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
    # packaging loads only when a requirements file is read
    from packaging.markers import InvalidMarker, Marker

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
        elif not named_url and _names_requirements_file(path) and not is_archive_file(path):
            parts = _from_pep508(name)  # raises pip's 'Invalid requirement' error: a path never parses
        elif not named_url and (_looks_like_path(name) or is_archive_file(path)):
            parts = _from_link(path, path, extras)
        else:
            parts = _from_pep508(name)
    except _ReqError as exc:
        if _names_requirements_file(path) and not is_url(name):
            raise _ReqError(
                f"{exc.msg} (it looks like a requirements file, which pip reads only after `-r`)",
                lead,
                help=f"add `-r`: `-r {path}` (read relative to this file's folder; a bare path is relative "
                "to pip's working directory)",
            ) from None
        raise _ReqError(exc.msg, exc.offset + lead, exc.help) from None
    return parts if marker is None else replace(parts, marker=marker)


def _names_requirements_file(path: str) -> bool:
    """A path (pip: it contains a separator) to a `.txt`/`.in` file: pip rejects it as a
    requirement (only a directory or an archive is installable by path), whether it exists or not."""
    return "/" in path and path.lower().endswith((".txt", ".in")) and not path.endswith("/")


def _interpret_editable(raw: str) -> Requirement:
    """pip's parse_editable, deciding 'is a directory' from the text alone."""
    # packaging loads only when a requirements file is read
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as _PkgRequirement

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


_URL_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s'\"]+@")


def hide_credentials(text: str) -> str:
    """``text`` with the user and password of every URL in it (an index token) as `***`."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)


def parse_requirements(text: str, path: str) -> RequirementsFile:
    """Read requirements-file text statically; never raises, never reads other files."""
    sink = _Sink()
    parser = build_parser()
    for logical in logical_lines(text):
        try:
            _handle(logical, parser, sink)
        except Exception as exc:  # noqa: BLE001 - a parser of untrusted text must not raise
            sink.problems.append(ParseProblem(f"cannot parse this line: {exc}", logical.line))
    return RequirementsFile(
        path, tuple(sink.requirements), tuple(sink.includes), tuple(sink.options), tuple(sink.problems)
    )


def _handle(ll: LogicalLine, parser: PipOptionParser, sink: _Sink) -> None:
    words = ll.text.split(" ")
    n_args = next((i for i, word in enumerate(words) if word.startswith("-")), len(words))
    args = " ".join(words[:n_args]).rstrip()
    base = len(" ".join(words[:n_args])) + 1 if n_args else 0
    opt_text = " ".join(words[n_args:])

    def problem(msg: str, start: int, end: int, help: str | None = None) -> None:
        if _ENV_VAR_RE.search(ll.text) is None:
            line, col = ll.at(start)
            end_line, end_col = ll.at(max(end - 1, start))
            sink.problems.append(
                ParseProblem(hide_credentials(msg), line, col, end_line, end_col + int(end > start), help)
            )

    try:
        occurrences = scan_options(parser, opt_text)
    except OptionsError as exc:
        problem(exc.msg, base + exc.start, base + exc.end)
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
        problem(exc.msg, start + exc.offset, end, exc.help)
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
            text=hide_credentials(ll.text),
        )
    )
