"""Image references: the one split, the validity question and the lookup normalisation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.parse.image_ref import parse_image_ref, reference_problem, split_reference

# distribution/reference's grammar as one regular expression: the oracle for `reference_problem`
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    rf"(?::(?P<tag>[\w][\w.-]{{0,127}}))?(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{{32,}}))?$"
)


def _oracle(ref: str) -> str | None:
    if not ref:
        return "the image reference is empty"
    match = _REFERENCE.match(ref)
    if match is None:
        if ref != ref.lower() and _REFERENCE.match(ref.lower()):
            return "repository names must be lowercase"
        return "invalid reference format"
    if len(match.group("path")) + len(match.group("domain") or "") > 255:
        return "repository name must not be more than 255 characters"
    return None


@pytest.mark.parametrize(
    ("ref", "parts"),
    [
        ("redis", ("redis", None, None)),
        ("redis:7", ("redis", "7", None)),
        ("localhost:5000/app", ("localhost:5000/app", None, None)),
        ("localhost:5000/app:dev@sha256:ab", ("localhost:5000/app", "dev", "sha256:ab")),
        ("a@b@c", ("a", None, "b@c")),
    ],
)
def test_split(ref: str, parts: tuple[str, str | None, str | None]) -> None:
    assert split_reference(ref) == parts


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("python:3.12-slim", None),
        ("ghcr.io/astral-sh/uv:0.5@sha256:" + "a" * 64, None),
        ("[::1]:5000/app", None),
        ("Python:3.12", "repository names must be lowercase"),
        ("python:", "invalid reference format"),
        ("", "the image reference is empty"),
        ("a/" + "b" * 255, "repository name must not be more than 255 characters"),
    ],
)
def test_reference_problem(ref: str, problem: str | None) -> None:
    assert reference_problem(ref) == problem == _oracle(ref)


_REF_TEXT = st.text(alphabet="aZ09.-_:/@[]$\n" + "f" * 4, max_size=24)


@settings(max_examples=3000, deadline=None)
@given(_REF_TEXT)
def test_reference_problem_follows_the_grammar(ref: str) -> None:
    assert reference_problem(ref) == _oracle(ref)


@settings(max_examples=1000, deadline=None)
@given(_REF_TEXT)
def test_a_valid_reference_names_an_image(ref: str) -> None:
    if reference_problem(ref) is None and "\n" not in ref:
        parsed = parse_image_ref(ref)
        assert parsed is not None
        assert parsed.repository == parsed.repository.lower()
