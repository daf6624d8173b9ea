"""Value types of the image knowledge (see :mod:`preflight.knowledge`): rules and facts.

:class:`EnvRule` and :class:`CommandArgRule` are the constraints an image puts on its container's
environment and command line (evaluated three-valued: ``None`` is *unknown*); :class:`ImageInfo`
is what :func:`preflight.knowledge.image_info` answers for one reference (images are named by
:class:`preflight.parse.image_ref.ImageRef`).  Nothing here reads a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from preflight.parse.image_ref import ImageRef

__all__ = [
    "CommandArgRule",
    "EnvRule",
    "EnvRuleKind",
    "ImageInfo",
    "Level",
]

EnvRuleKind = Literal["require_any", "forbid", "exclusive", "pattern", "min_length"]
Level = Literal["error", "warning"]


def _equals(value: str, candidates: Sequence[str], ignore_case: bool) -> bool:
    if ignore_case:
        folded = value.casefold()
        return any(folded == c.casefold() for c in candidates)
    return value in candidates


def _or3(values: Iterable[bool | None]) -> bool | None:
    """Kleene OR: True if any is True, False if all are False, else None."""
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def _and3(values: Iterable[bool | None]) -> bool | None:
    """Kleene AND: False if any is False, True if all are True, else None."""
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def _not3(value: bool | None) -> bool | None:
    return None if value is None else not value


@dataclass(frozen=True, slots=True)
class EnvRule:
    """A constraint an image's entrypoint puts on the container environment.

    ``kind`` says what is checked over ``vars``:

    ``require_any``
        at least one of ``vars`` is set to a non-empty value (one of ``values`` when given);
    ``forbid``
        none of ``vars`` is set non-empty (when ``values`` is empty), or none equals one of
        ``values``;
    ``exclusive``
        at most one of ``vars`` is set non-empty;
    ``pattern``
        every one of ``vars`` that is set non-empty fully matches one of the regular expressions
        in ``values``;
    ``min_length``
        every one of ``vars`` that is set non-empty has at least ``min_length`` characters.

    The rule applies only when one of ``when_set`` is set non-empty (if given) and every
    ``when_equals`` variable equals one of its values (if given); it is waived when any
    ``unless_equals`` variable equals one of its values.  Value comparisons fold case when
    ``ignore_case``.  ``level`` is the consequence: ``"error"`` - the container fails to start (or
    the entrypoint exits); ``"warning"`` - the setting is silently ignored or degraded.
    ``default_command_only``: the rule holds only for the image's own CMD/ENTRYPOINT (a service
    that sets ``command`` or ``entrypoint`` may use the variable itself).
    """

    kind: EnvRuleKind
    vars: tuple[str, ...]
    why: str
    docs: str
    values: tuple[str, ...] = ()
    min_length: int = 0
    when_set: tuple[str, ...] = ()
    when_equals: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    unless_equals: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    ignore_case: bool = False
    level: Level = "error"
    default_command_only: bool = False

    def evaluate(self, env: Mapping[str, str | None]) -> bool | None:
        """Whether ``env`` satisfies the rule: True, False, or None when it cannot be decided.

        ``env`` maps variable names to values; a name mapped to ``None`` is set to a value that
        is not known statically (an unresolved interpolation, say); an absent name is unset and
        an empty string counts as unset, as the entrypoints' ``[ -z "$VAR" ]`` tests do.
        """
        applies = _and3([self._when_set(env), self._when_equals(env)])
        waived = _or3(self._equals(env, name, vals) for name, vals in self.unless_equals.items())
        return _or3([_not3(applies), waived, self._core(env)])

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _set(env: Mapping[str, str | None], name: str) -> bool | None:
        if name not in env:
            return False
        value = env[name]
        return None if value is None else value != ""

    def _equals(self, env: Mapping[str, str | None], name: str, vals: Sequence[str]) -> bool | None:
        if name not in env:
            return False
        value = env[name]
        return None if value is None else _equals(value, vals, self.ignore_case)

    def _when_set(self, env: Mapping[str, str | None]) -> bool | None:
        if not self.when_set:
            return True
        return _or3(self._set(env, name) for name in self.when_set)

    def _when_equals(self, env: Mapping[str, str | None]) -> bool | None:
        return _and3(self._equals(env, name, vals) for name, vals in self.when_equals.items())

    def _value_ok(self, env: Mapping[str, str | None], name: str) -> bool | None:
        """For pattern/min_length: True when unset or valid, None when unknown."""
        if name not in env or env[name] == "":
            return True
        value = env[name]
        if value is None:
            return None
        if self.kind == "pattern":
            flags = re.IGNORECASE if self.ignore_case else 0
            return any(re.fullmatch(p, value, flags) is not None for p in self.values)
        return len(value) >= self.min_length

    def _core(self, env: Mapping[str, str | None]) -> bool | None:
        if self.kind == "require_any":
            if not self.values:
                return _or3(self._set(env, name) for name in self.vars)
            return _or3(self._equals(env, name, self.values) for name in self.vars)
        if self.kind == "forbid":
            if not self.values:
                return _and3(_not3(self._set(env, name)) for name in self.vars)
            return _and3(_not3(self._equals(env, name, self.values)) for name in self.vars)
        if self.kind == "exclusive":
            states = [self._set(env, name) for name in self.vars]
            definite = states.count(True)
            if definite >= 2:
                return False
            return True if definite + states.count(None) <= 1 else None
        return _and3(self._value_ok(env, name) for name in self.vars)


@dataclass(frozen=True, slots=True)
class CommandArgRule:
    """A requirement on a command-line flag of the image's main program.

    With ``requires_value`` the flag must be followed by a non-empty argument that is not itself
    a flag (``--requirepass ""``, or ``--requirepass`` last, is a fault); ``--flag=value`` is
    accepted with a non-empty value.
    """

    flag: str
    requires_value: bool
    why: str
    docs: str

    def violations(self, argv: Sequence[str]) -> tuple[int, ...]:
        """Indexes in ``argv`` of occurrences of the flag that break the rule."""
        found: list[int] = []
        for index, arg in enumerate(argv):
            if arg == self.flag:
                if not self.requires_value:
                    continue
                nxt = argv[index + 1] if index + 1 < len(argv) else ""
                if nxt == "" or nxt.startswith("--"):
                    found.append(index)
            elif self.requires_value and arg == self.flag + "=":
                found.append(index)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the tables know about one image reference (resolved for its tag)."""

    ref: ImageRef
    key: str
    docs: str
    declares_healthcheck: bool | None
    env_rules: tuple[EnvRule, ...]
    command_args: tuple[CommandArgRule, ...]
    default_env: Mapping[str, str] = field(hash=False)
    python_version: str | None
    programs_present: frozenset[str]
    programs_absent: frozenset[str]

    def has_program(self, program: str) -> bool | None:
        """Whether ``program`` (a name looked up on PATH, or an absolute path) is in the image."""
        for name in _program_keys(program):
            if name in self.programs_present:
                return True
            if name in self.programs_absent:
                return False
        return None


_BIN_DIRS = ("/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/", "/usr/local/sbin/")


def _program_keys(program: str) -> tuple[str, ...]:
    """Table keys to try for a program: the path itself, then the bare name if on PATH."""
    program = program.strip()
    if not program.startswith("/"):
        return (program,) if program and "/" not in program else ()
    base = program.rsplit("/", 1)[1]
    if any(program == d + base for d in _BIN_DIRS):
        return (program, base)
    return (program,)
