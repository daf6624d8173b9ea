"""Deep YAML: bounded work, positions kept, Compose's own limit."""

from __future__ import annotations

import time

import pytest

from preflight.parse.yaml import YMap, parse_yaml
from preflight.parse.yaml_depth import COMPOSE_MAX_DEPTH, KEPT_DEPTH, limit_depth

SERVICES = "services:\n  web:\n    image: nginx\n"


def _flow(depth: int) -> str:
    return "x-deep: " + "[" * depth + "'a]b'" + "]" * depth + "\n" + SERVICES


def _block(depth: int) -> str:
    return "x-deep:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, depth)) + SERVICES


def test_shallow_text_is_unchanged() -> None:
    text = "a: [1, {b: '[['}, \"]]\"]  # [[\nc: |\n  [[[[\n" + SERVICES
    assert limit_depth(text) == (text, 3)


@pytest.mark.parametrize(
    "text",
    # a block 3,000 levels deep is 4.5 MB of indentation, near the size limit of any input
    [_flow(KEPT_DEPTH + 1), _flow(3_000), _flow(COMPOSE_MAX_DEPTH), _block(KEPT_DEPTH + 1), _block(3_000)],
    ids=["flow-101", "flow-3000", "flow-10000", "block-101", "block-3000"],
)
def test_compose_valid_depths_stay_valid_in_bounded_time(text: str) -> None:
    started = time.perf_counter()
    document = parse_yaml(text, "compose.yaml")
    assert time.perf_counter() - started < 5
    assert document.problems == ()
    assert isinstance(document.root, YMap)
    services = document.root.get("services")
    assert isinstance(services, YMap)
    assert services.span.line == text.count("\n") - 1  # positions after the deep part are kept


def test_deeper_than_compose_allows_is_refused() -> None:
    (problem,) = parse_yaml(_flow(COMPOSE_MAX_DEPTH + 1), "compose.yaml").problems
    assert problem.message == "invalid YAML: nested deeper than 10000 levels, which Compose refuses"
