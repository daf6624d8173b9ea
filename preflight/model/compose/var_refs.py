"""Each compose `VarUse` paired with the parsed reference it came from (operator, offsets)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from preflight.parse.interpolate import interpolate

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from preflight.model.compose.project import ComposeProject, VarUse
    from preflight.parse.interpolate import VarRef


def use_refs(compose: ComposeProject, keep: Callable[[VarUse], bool]) -> Iterator[tuple[VarUse, VarRef]]:
    """(use, reference) for the uses in scalars holding a use that ``keep`` accepts.

    The uses of one scalar are recorded in the order of its references; a scalar whose uses
    and references do not pair up one to one is skipped.
    """
    by_node: dict[tuple[str | None, tuple[str | int, ...]], list[VarUse]] = defaultdict(list)
    for use in compose.var_uses:
        by_node[(use.service, use.path)].append(use)
    for uses in by_node.values():
        if not any(keep(u) for u in uses):
            continue
        refs = interpolate(uses[0].template, compose.env.lookup, lazy_operands=True).refs
        if len(refs) != len(uses) or any(u.template != uses[0].template for u in uses):
            continue
        for use, ref in zip(uses, refs, strict=True):
            if ref.name == use.name:
                yield use, ref
