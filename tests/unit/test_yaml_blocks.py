"""Positions inside block scalars: each source line of a `|` or `>` block maps to its text."""

from __future__ import annotations

import pytest

from preflight.model.compose.yamlpath import ref_span
from preflight.parse.yaml import YMap, YScalar, parse_yaml

DOC = """\
services:
  api:
    literal: |
      first ${A}
        more indented ${B}

      after a blank ${C}
    folded: >
      one ${A}
      two ${B}
    # a comment after the block
    indicated: |4
            deeper first ${A}
          then ${B}
    plain: x ${A}
"""


def _scalar(key: str) -> YScalar:
    root = parse_yaml(DOC, "c.yaml").documents[0]
    assert isinstance(root, YMap)
    services = root.get("services")
    assert isinstance(services, YMap)
    api = services.get("api")
    assert isinstance(api, YMap)
    node = api.get(key)
    assert isinstance(node, YScalar)
    return node


@pytest.mark.parametrize(
    ("key", "ref", "line", "col"),
    [
        ("literal", "${A}", 4, 13),
        ("literal", "${B}", 5, 23),
        ("literal", "${C}", 7, 21),
        ("folded", "${A}", 9, 11),
        ("folded", "${B}", 10, 11),
        ("indicated", "${A}", 13, 26),
        ("indicated", "${B}", 14, 16),
    ],
)
def test_a_reference_in_a_block_is_located_on_its_own_line(key: str, ref: str, line: int, col: int) -> None:
    node = _scalar(key)
    text = node.text()
    start = text.index(ref)
    span = ref_span(node, start, start + len(ref))
    assert (span.line, span.col, span.end_col) == (line, col, col + len(ref))
    assert DOC.splitlines()[line - 1][col - 1 : col - 1 + len(ref)] == ref


def test_a_plain_scalar_keeps_no_line_table() -> None:
    assert _scalar("plain").lines == ()
