"""A pure-Python Dockerfile parser that follows BuildKit's ``frontend/dockerfile/parser``.

Lines, continuations, comments, parser directives, heredocs, flags and the per-keyword
argument splitting all mirror BuildKit; on top of that every instruction, flag and heredoc
carries a 1-based line/column :class:`Span`. Columns count code points of the line (a tab is
one column; a leading byte-order mark is not counted). Nothing here raises on bad input:
what BuildKit would reject is collected in :attr:`Dockerfile.problems`, what it merely warns
about in :attr:`Dockerfile.warnings`.

Known divergences: BuildKit scans flags and the HEALTHCHECK type byte by byte, so non-ASCII
there is handled per code point here; an unknown instruction keeps no arguments (BuildKit
keeps one empty one); keywords whose lower-case form is not ASCII are never recognised.

The model classes live in :mod:`preflight.parse.dockerfile_model` and are re-exported here.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from preflight.diagnostics import ParseProblem, Span
from preflight.parse.dockerfile_args import WHITESPACE, ArgError, JSONNotStrings, dispatch, extract_flags
from preflight.parse.dockerfile_checks import KEYWORDS, check_instruction
from preflight.parse.dockerfile_lex import GO_SPACE, LexError, lex_words
from preflight.parse.dockerfile_model import Directive, Dockerfile, Flag, Heredoc, Instruction
from preflight.parse.dockerfile_words import parse_heredoc_marker

__all__ = ["Directive", "Dockerfile", "Flag", "Heredoc", "Instruction", "parse_dockerfile"]

_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*")
_VALID_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})
_MAX_ONBUILD_DEPTH = 64


def _problem(message: str, span: Span) -> ParseProblem:
    return ParseProblem(message, span.line, span.col, span.end_line, span.end_col)


class _Map:
    """Maps offsets of a joined logical line back to (line, col) in the file."""

    __slots__ = ("cols", "lines", "path", "starts")

    def __init__(self, path: str) -> None:
        self.path = path
        self.starts: list[int] = []
        self.lines: list[int] = []
        self.cols: list[int] = []

    def add(self, offset: int, line: int, col: int) -> None:
        self.starts.append(offset)
        self.lines.append(line)
        self.cols.append(col)

    def pos(self, k: int) -> tuple[int, int]:
        i = max(bisect_right(self.starts, k) - 1, 0)
        return self.lines[i], self.cols[i] + k - self.starts[i]

    def span(self, a: int, b: int) -> Span:
        line, col = self.pos(a)
        if b <= a:
            return Span(self.path, line, col, line, col)
        end_line, end_col = self.pos(b - 1)
        return Span(self.path, line, col, end_line, end_col + 1)


class _Node:
    """A parsed but not yet positioned-to-the-end instruction (mutable while parsing)."""

    __slots__ = (
        "args",
        "flags",
        "json",
        "keyword",
        "kw_end",
        "kw_start",
        "kw_text",
        "raw_args",
        "rest",
        "sub",
        "text",
    )

    def __init__(self) -> None:
        self.keyword = ""
        self.kw_start = self.kw_end = 0
        self.kw_text = ""
        self.flags: list[tuple[str, int, int]] = []
        self.raw_args = ""
        self.rest = (0, 0)  # offsets of raw_args in the joined line
        self.args: tuple[str, ...] = ()
        self.json = False
        self.sub: _Node | None = None
        self.text = ""


def _trim_continuation(s: str, esc: str) -> tuple[str, bool]:
    """BuildKit's lineContinuationRegex: an escape as the last non-blank, not itself escaped."""
    t = s.rstrip(" \t")
    if t.endswith(esc) and (len(t) == 1 or t[-2] != esc):
        return t[:-1], True
    return s, False


class _Parser:
    """One pass over the file, mirroring BuildKit's Parse loop."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        lines = text.split("\n")
        if text.endswith("\n") or not text:
            lines.pop()  # bufio's line scanner yields no empty final line
        if lines and lines[0].startswith("\ufeff"):
            lines[0] = lines[0][1:]
        self.lines = lines
        self.final_newline = text.endswith("\n")
        self.esc = "\\"
        self.directives_done = False
        self.seen_directives: set[str] = set()
        self.directives: list[Directive] = []
        self.comments: list[tuple[int, str]] = []
        self.problems: list[ParseProblem] = []
        self.warnings: list[ParseProblem] = []
        self.instructions: list[Instruction] = []
        self.map = _Map(path)

    def _line_span(self, i: int, col: int = 1) -> Span:
        content = self.lines[i].rstrip("\r")
        return Span(self.path, i + 1, col, i + 1, len(content) + 1)

    def _directive(self, stripped: str, i: int, lead: int) -> bool:
        """DirectiveParser.ParseLine; True when the line is consumed as a directive."""
        m = _DIRECTIVE.fullmatch(stripped[1:].lstrip(GO_SPACE)) if stripped.startswith("#") else None
        name = m.group(1).lower() if m else ""
        if m is None or name not in _VALID_DIRECTIVES:
            self.directives_done = True
            return False
        span = self._line_span(i, lead + 1)
        if name in self.seen_directives:
            self.problems.append(_problem(f"only one {name} parser directive can be used", span))
            return True
        self.seen_directives.add(name)
        value = m.group(2)
        if name == "escape":
            if value not in ("`", "\\"):
                msg = f"invalid escape token '{value}' does not match ` or \\"
                self.problems.append(_problem(msg, span))
                return True
            self.esc = value
        self.directives.append(Directive(name, value, span))
        return True

    def run(self) -> Dockerfile:
        lines, n = self.lines, len(self.lines)
        i = 0
        while i < n:
            content = lines[i].rstrip("\r")
            stripped = content.lstrip(GO_SPACE)
            lead = len(content) - len(stripped)
            if not self.directives_done and self._directive(stripped, i, lead):
                i += 1
                continue
            if stripped.startswith("#"):
                self.comments.append((i + 1, stripped[1:].strip(GO_SPACE)))
                i += 1
                continue
            body, cont = _trim_continuation(stripped, self.esc)
            if not cont and not body:
                i += 1
                continue
            i = self._instruction(i, body, cont, lead)
        if not self.instructions:
            self.problems.append(ParseProblem("file with no instructions", max(n, 1), 1, max(n, 1), 1))
        return Dockerfile(
            self.path,
            tuple(self.instructions),
            tuple(self.directives),
            self.esc,
            tuple(self.comments),
            tuple(self.problems),
            tuple(self.warnings),
        )

    def _instruction(self, i: int, body: str, cont: bool, lead: int) -> int:
        """Join the logical line starting at line index ``i``; returns the next line index."""
        lines, n = self.lines, len(self.lines)
        self.map = _Map(self.path)
        self.map.add(0, i + 1, lead + 1)
        parts, total = [body], len(body)
        while cont and i + 1 < n:
            i += 1
            content = lines[i].rstrip("\r")
            stripped = content.lstrip(GO_SPACE)
            if stripped.startswith("#"):  # BuildKit drops comment lines inside continuations
                self.comments.append((i + 1, stripped[1:].strip(GO_SPACE)))
                continue
            if not stripped:
                self.warnings.append(_problem("Empty continuation line", self._line_span(i)))
                continue
            body, cont = _trim_continuation(content, self.esc)
            self.map.add(total, i + 1, 1)
            parts.append(body)
            total += len(body)
        if cont:
            self.warnings.append(_problem("line continuation at end of file", self._line_span(i)))
        joined = "".join(parts)
        node, ok = self._node(joined, 0, 0)
        heredocs: tuple[Heredoc, ...] = ()
        if ok and self._can_heredoc(node) and "<<" in joined:
            heredocs, i = self._heredocs(joined, i)
        end = lines[i].rstrip("\r") if i < n else ""
        start = (self.map.lines[0], self.map.cols[0])  # BuildKit's StartLine, even before the keyword
        inst = self._freeze(node, heredocs, i + 1, len(end) + 1, start)
        self.instructions.append(inst)
        if ok:
            self.problems.extend(check_instruction(inst))
        return i + 1

    def _node(self, line: str, base: int, depth: int) -> tuple[_Node, bool]:
        """newNodeFromLine with offsets into the joined line; False after a fatal error."""
        node = _Node()
        node.text = line
        lead = len(line) - len(line.lstrip(GO_SPACE))
        trimmed = line.strip(GO_SPACE)
        m = WHITESPACE.search(trimmed)
        cmd = trimmed if m is None else trimmed[: m.start()]
        node.kw_start = base + lead
        node.kw_end = node.kw_start + len(cmd)
        node.kw_text = cmd
        lowered, upper = cmd.lower(), cmd.upper()
        # Non-ASCII never spells a keyword here (Go and Python case-map a few letters differently).
        node.keyword = lowered.upper() if lowered.isascii() else (cmd if upper in KEYWORDS else upper)
        args, args_off = "", node.kw_end
        if m is not None:
            rest_off = base + lead + m.end()
            rest = trimmed[m.end() :]
            consumed, flags = extract_flags(rest, self.esc)
            node.flags = [(w, rest_off + a, rest_off + b) for w, a, b in flags]
            remaining = rest[consumed:]
            args = remaining.strip(GO_SPACE)
            args_off = rest_off + consumed + len(remaining) - len(remaining.lstrip(GO_SPACE))
        node.raw_args = args
        node.rest = (args_off, args_off + len(args))
        try:
            if node.keyword == "ONBUILD":
                return node, self._onbuild(node, args, args_off, depth)
            node.args, node.json = dispatch(node.keyword if node.keyword in KEYWORDS else "", args, self.esc)
        except ArgError as exc:
            self.problems.append(_problem(str(exc), self.map.span(*node.rest)))
            return node, False
        except JSONNotStrings:
            msg = "when using JSON array syntax, arrays must be comprised of strings only"
            self.problems.append(_problem(msg, self.map.span(*node.rest)))
            return node, False
        return node, True

    def _onbuild(self, node: _Node, args: str, args_off: int, depth: int) -> bool:
        if not args:
            return True
        if depth >= _MAX_ONBUILD_DEPTH:
            self.problems.append(_problem("ONBUILD nested too deeply", self.map.span(*node.rest)))
            return False
        sub, ok = self._node(args, args_off, depth + 1)
        node.sub = sub
        node.args = (sub.kw_text, *sub.args)
        return ok

    @staticmethod
    def _can_heredoc(node: _Node) -> bool:
        target = node.sub if node.keyword == "ONBUILD" and node.sub is not None else node
        return target.keyword in _HEREDOC_KEYWORDS and not target.json

    def _heredocs(self, joined: str, i: int) -> tuple[tuple[Heredoc, ...], int]:
        """heredocsFromLine plus reading the bodies; returns the heredocs and the last line index."""
        try:
            words = lex_words(joined, "\\", raw_quotes=True, raw_escapes=True, skip_unset=True)
        except LexError:
            return (), i  # BuildKit ignores a line it cannot lex here
        markers = []
        for word, a, b in words:
            try:
                marker = parse_heredoc_marker(word)
            except LexError as exc:
                self.problems.append(_problem(str(exc), self.map.span(a, b)))
                return (), i
            if marker is not None:
                markers.append((marker, self.map.span(a, b)))
        lines, n = self.lines, len(self.lines)
        found: list[Heredoc] = []
        for marker, marker_span in markers:
            buf: list[str] = []
            first = i + 1
            terminated = False
            while i + 1 < n:
                i += 1
                candidate = lines[i].rstrip("\r")
                if marker.strip_tabs:
                    candidate = candidate.lstrip("\t")
                if candidate == marker.name:
                    terminated = True
                    break
                buf.append(lines[i] + "\n" if i + 1 < n or self.final_newline else lines[i])
            if first < n:
                last = self._line_span(i)
                span = Span(self.path, first + 1, 1, last.end_line, last.end_col)
            else:
                span = Span(self.path, i + 1, len(lines[i].rstrip("\r")) + 1)
            if not terminated:
                self.problems.append(_problem(f"unterminated heredoc {marker.name}", marker_span))
            found.append(
                Heredoc(marker.name, "".join(buf), marker.strip_tabs, marker.expand, span, marker_span, marker.fd)
            )
        return tuple(found), i

    def _flag(self, word: str, a: int, b: int) -> Flag:
        name, sep, value = word[2:].partition("=")
        return Flag(name, value if sep else None, self.map.span(a, b))

    def _freeze(
        self,
        node: _Node,
        heredocs: tuple[Heredoc, ...],
        end_line: int,
        end_col: int,
        start: tuple[int, int] | None = None,
    ) -> Instruction:
        line, col = start or self.map.pos(node.kw_start)
        return Instruction(
            keyword=node.keyword,
            raw_args=node.raw_args,
            args=node.args,
            json_form=node.json,
            flags=tuple(self._flag(w, a, b) for w, a, b in node.flags),
            heredocs=heredocs,
            span=Span(self.path, line, col, end_line, end_col),
            keyword_span=self.map.span(node.kw_start, node.kw_end),
            args_span=self.map.span(*node.rest),
            sub=self._freeze(node.sub, heredocs, end_line, end_col) if node.sub is not None else None,
            original=node.text,
            keyword_text=node.kw_text,
            escape=self.esc,
        )


def parse_dockerfile(text: str, path: str) -> Dockerfile:
    """Parse Dockerfile ``text`` (read from ``path``) the way BuildKit does; never raises."""
    try:
        return _Parser(text, path).run()
    except Exception as exc:  # noqa: BLE001 - a linter must survive any input
        problem = ParseProblem(f"internal error while parsing the Dockerfile: {exc!r}")
        return Dockerfile(path, (), (), "\\", (), (problem,))
