"""`${VAR}` in a shell command that the same command assigns first: compose blanks it at config time.

`sh -c "export TOKEN=$$(cat /run/secrets/t); app --token ${TOKEN}"`: compose substitutes
`${TOKEN}` when it reads the file (unset there: an empty string), long before the shell runs the
assignment, so the assignment never reaches the program.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Span
from preflight.model.compose.command_refs import SHELLS, in_command, through_shell
from preflight.model.compose.var_refs import use_refs
from preflight.model.compose.yamlpath import block_span
from preflight.parse.interpolate import VarStatus
from preflight.parse.yaml import YScalar, YSeq

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.compose.project import ComposeProject, Service, VarUse

_SEPARATED = re.compile(r"[\s;&|]")


@dataclass(frozen=True, slots=True)
class ShellAssigned:
    """A compose-time reference to a variable that the command's own shell script assigns earlier."""

    use: VarUse
    service: Service
    assigned_at: Span
    defaulted: bool = False
    """`${VAR:-default}`: compose substitutes the default, so only the assignment is lost."""


def shell_assigned_uses(compose: ComposeProject) -> Iterator[ShellAssigned]:
    """References compose blanks although the shell command sets the variable before using it."""
    for use, ref in use_refs(compose, lambda u: u.service is not None and in_command(u)):
        service = compose.services.get(use.service or "")
        if (
            service is None
            or not in_command(use)
            or use.status is not VarStatus.UNSET
            or not use.evaluated
            or use.required
            or not _runs_shell(service, use)
            or ref.operator.name.startswith("ALT")
        ):
            continue
        found = _assignment(use.template[: ref.start], use.name)
        if found is not None:
            yield ShellAssigned(use, service, _span_at(use, ref.start, found), use.has_fallback)


def _runs_shell(service: Service, use: VarUse) -> bool:
    """Whether the setting holding the reference is a shell script: `sh -c "..."` in one
    setting, or split as `entrypoint: [bash]` + `command: [-c, "..."]`."""
    if through_shell(service, use):
        return True
    if use.path[2:3] != ("command",):
        return False
    entry, command = service.get("entrypoint"), service.get("command")
    if not isinstance(command, YSeq):
        return False
    if isinstance(entry, YSeq):
        head = [i.text() for i in entry.items if isinstance(i, YScalar)]
    elif isinstance(entry, YScalar) and not entry.unknown and entry.value is not None:
        head = entry.text().split()
    else:
        return False
    words = [*head, *(i.text() for i in command.items[:2] if isinstance(i, YScalar))][:3]
    return bool(words) and posixpath.basename(words[0]) in SHELLS and "-c" in words[1:3]


def _assignment(before: str, name: str) -> int | None:
    """Offset of the last assignment of ``name`` in ``before`` that ends before the reference."""
    pattern = re.compile(
        rf"(?:^|[\s;&|(`])(?:(?:export|readonly|local|declare(?:\s+-\w+)*)\s+)?(?P<name>{re.escape(name)})="
        rf"|(?:^|[\s;&|(])read(?:\s+-\w+)*\s+(?:\w+\s+)*(?P<read>{re.escape(name)})\b"
        rf"|(?:^|[\s;&|(])for\s+(?P<loop>{re.escape(name)})\s+in\b"
    )
    last: int | None = None
    for match in pattern.finditer(before):
        if match.group("name") and not _SEPARATED.search(before[match.end() :]):
            continue  # `X=${X}`: the reference is the assignment's own value
        group = "name" if match.group("name") else ("read" if match.group("read") else "loop")
        last = match.start(group)
    return last


def _span_at(use: VarUse, ref_start: int, offset: int) -> Span:
    """Where the assignment is: exact on single-line scalars (the reference's column tells the base)."""
    s = use.span
    if use.lines:
        return block_span(s.path, use.lines, offset, offset + len(use.name))
    if s.line != s.end_line or s.end_col - s.col <= 1:
        return s
    base = s.col - ref_start
    return Span(s.path, s.line, base + offset, s.line, base + offset + len(use.name))
