"""Whether version specifiers for one distribution can all be satisfied."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version


def _candidates(specs: Sequence[SpecifierSet]) -> list[Version]:
    """Versions worth trying: every version named, and values just above and below each."""
    from packaging.version import InvalidVersion, Version

    found: set[Version] = {Version("0"), Version("999999")}
    for spec in specs:
        for item in spec:
            text = item.version.replace(".*", "")
            try:
                version = Version(text)
            except InvalidVersion:
                continue
            release = version.release
            found.add(version)
            found.add(Version(".".join(map(str, (*release, 0, 0, 1)))))
            bumped = (*release[:-1], release[-1] + 1)
            found.add(Version(".".join(map(str, bumped))))
            if release[-1] > 0:
                found.add(Version(".".join(map(str, (*release[:-1], release[-1] - 1, 999)))))
    return sorted(found)


def satisfiable(specifiers: Sequence[str]) -> bool | None:
    """True if some version satisfies every specifier, False if none can, None if unparsable."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # loaded when pins are compared

    try:
        specs = [SpecifierSet(s) for s in specifiers if s]
    except InvalidSpecifier:
        return None
    if not specs:
        return True
    return any(all(spec.contains(v, prereleases=True) for spec in specs) for v in _candidates(specs))
