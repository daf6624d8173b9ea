"""What can go wrong while loading a compose project, as facts: the rules word them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.diagnostics import Span


class LoadProblemKind(enum.Enum):
    """Why compose would refuse (part of) a project while loading its files."""

    UNREADABLE = "unreadable"
    """A compose file cannot be read; `detail` says why."""
    UNPARSABLE = "unparsable"
    """A compose file is not valid YAML; `detail` is the parser's message."""
    NOT_A_MAPPING = "not-a-mapping"
    """A compose file's top level is not a mapping."""
    EMPTY = "empty"
    """The merged files define nothing at all."""
    INVALID_INTERPOLATION = "invalid-interpolation"
    """A value holds a `$` template compose cannot parse; `subject` is its dotted key path."""
    SCHEMA = "schema"
    """The file breaks the Compose specification; `detail` is the validator's message."""
    REQUIRED_VARIABLE = "required-variable"
    """A `${VAR:?err}` whose variable has no value; `subject` is the variable, `detail` the `err` text."""
    INCLUDE_MISSING = "include-missing"
    """An `include` names a file that does not exist; `subject` is the reference as written."""
    INCLUDE_CYCLE = "include-cycle"
    """An `include` leads back to a file that includes it; `subject` is the reference as written."""
    INCLUDED_SERVICE_CONFLICT = "included-service-conflict"
    """An included project defines a service of the including file differently; `subject` is its name."""
    EXTENDS_MISSING = "extends-missing"
    """An `extends.file` does not exist; `subject` is the reference as written."""
    EXTENDS_CYCLE = "extends-cycle"
    """A chain of `extends` from `service` (through `subject`) leads back to itself."""
    UNDEFINED_BASE_SERVICE = "undefined-base-service"
    """`service` extends `subject`, which `in_file` does not define."""


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """One problem met while loading compose files: what it is, where, and what it is about."""

    kind: LoadProblemKind
    span: Span
    subject: str = ""
    """What the problem is about, as written in the files (see the kind)."""
    detail: str = ""
    """The reader's, parser's or validator's own words, when the kind has them."""
    service: str | None = None
    """The service the problem sits in, if any."""
    in_file: str = ""
    """For an undefined base service: the file searched for it."""
