"""Report values shown by origin: literals as written, substituted values as their references."""

from __future__ import annotations

import pytest

from preflight.report.shown import Origin, Shown, references_only


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("plain", "plain"),
        ("$TOKEN/x", "$TOKEN/x"),
        ("${TOKEN:-secret}", "${TOKEN}"),
        ("a${A:+${B:-deep}}b", "a${A}b"),
        ("$${NOT}", "$${NOT}"),
        ("x${unclosed", "x${***}"),
        ("${:-v}", "${***}"),
    ],
)
def test_references_only_drops_defaults(written: str, shown: str) -> None:
    assert references_only(written) == shown


def test_shown_by_origin() -> None:
    assert str(Shown.of("/app", "/app")) == "/app"
    substituted = Shown.of("${DIR:-/srv}", "/srv")
    assert substituted.origin is Origin.SUBSTITUTED
    assert str(substituted) == "${DIR}"
