"""Shared pytest options and fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI is a gate: the same code must give the same verdict, so property tests use fixed examples
# there (locally they keep exploring new ones and remember failures in .hypothesis/)
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# No test run may leave a cache in the fixtures, the examples or shared trees, nor replay a report
# that a monkeypatched run should recompute: the cache is off unless a test turns it on.
os.environ["PREFLIGHT_NO_CACHE"] = "1"

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="rewrite expected.txt snapshots of the rule fixtures",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))
