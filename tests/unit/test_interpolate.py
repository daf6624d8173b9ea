"""Compose variable interpolation: every operator and compose-go's edge cases, exactly."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.parse.interpolate import (
    UNKNOWN,
    Interpolation,
    Operator,
    RequiredError,
    Unknown,
    VarRef,
    VarStatus,
    interpolate,
)
from preflight.parse.template_text import go_quote

ENV: dict[str, str | Unknown | None] = {"SET": "v", "EMPTY": "", "U": UNKNOWN}


def lookup(name: str) -> str | Unknown | None:
    return ENV.get(name)


def value(template: str) -> str | None:
    return interpolate(template, lookup).value


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("plain text", "plain text"),
        ("$SET", "v"),
        ("${SET}", "v"),
        ("a$SET.b", "av.b"),
        ("$SETx", ""),  # the name is SETx
        ("${SET}x", "vx"),
        ("$EMPTY|$MISSING", "|"),
        ("$$", "$"),
        ("$$$$", "$$"),
        ("$$SET", "$SET"),
        ("$$$SET", "$v"),
        ("cost: 5$", "cost: 5$"),
        ("$1 $- $ $.", "$1 $- $ $."),
        ("${_a1}", ""),
    ],
)
def test_plain_references_and_literals(template: str, expected: str) -> None:
    assert value(template) == expected


@pytest.mark.parametrize(
    ("op", "when_set", "when_empty", "when_unset"),
    [
        (":-", "v", "d", "d"),
        ("-", "v", "", "d"),
        (":+", "d", "", ""),
        ("+", "d", "d", ""),
        ("?", "v", "", None),
        (":?", "v", None, None),
    ],
)
def test_operators(op: str, when_set: str, when_empty: str | None, when_unset: str | None) -> None:
    assert value("${SET" + op + "d}") == when_set
    assert value("${EMPTY" + op + "d}") == when_empty
    assert value("${MISSING" + op + "d}") == when_unset


def test_operator_enum_and_ref_fields() -> None:
    result = interpolate("x${SET:-a}y$EMPTY${MISSING?boom}", lookup)
    assert result.refs == (
        VarRef("SET", 1, 10, Operator.DEFAULT_UNSET_OR_EMPTY, "a", True, VarStatus.SET, True, 8),
        VarRef("EMPTY", 11, 17, Operator.PLAIN, "", True, VarStatus.SET, False),
        VarRef("MISSING", 17, 32, Operator.REQUIRED_UNSET, "boom", True, VarStatus.UNSET, True, 27),
    )
    assert [op.value for op in Operator] == ["", ":-", "-", ":?", "?", ":+", "+"]


def test_nested_operands() -> None:
    assert value("${MISSING:-${EMPTY:-${SET}}}") == "v"
    assert value("${MISSING:-$SET}") == "v"
    assert value("${SET:+[$SET]}") == "[v]"
    assert value("${MISSING-${MISSING2-deep}}!") == "deep!"


def test_unset_warnings_in_compose_order_with_repetitions() -> None:
    result = interpolate("$A ${B} $A ${C:-$D}", lookup)
    assert result.unset == ("A", "B", "A", "D")
    # operators never warn about their own variable
    assert interpolate("${A-x}${B:+y}${C+z}", lookup).unset == ()


def test_operands_are_evaluated_eagerly_like_compose_2_40() -> None:
    # compose-go v2.9 interpolates a default even when it is not used, and warns.
    result = interpolate("${SET:-$UNUSED}", lookup)
    assert result.value == "v"
    assert result.unset == ("UNUSED",)
    assert result.refs[1] == VarRef("UNUSED", 7, 14, Operator.PLAIN, "", True, VarStatus.UNSET, False)
    # ... and a required error inside an unused default is still raised
    assert interpolate("${SET-${NOPE?x}}", lookup).required_error == RequiredError("NOPE", "x", 6, 15)


def test_lazy_operands_like_newer_compose_go() -> None:
    result = interpolate("${SET:-$UNUSED}", lookup, lazy_operands=True)
    assert result.value == "v"
    assert result.unset == ()
    assert result.refs[1].evaluated is False
    assert interpolate("${SET-${NOPE?x}}", lookup, lazy_operands=True).value == "v"
    assert interpolate("${MISSING:-$USED}", lookup, lazy_operands=True).unset == ("USED",)


def test_required_error_messages() -> None:
    error = interpolate("${MISSING:?please set it}", lookup).required_error
    assert error == RequiredError("MISSING", "please set it", 0, 25)
    assert error.message == "required variable MISSING is missing a value: please set it"
    empty = interpolate("${EMPTY:?}", lookup)
    assert empty.value is None
    assert empty.required_error is not None
    assert empty.required_error.message == "required variable EMPTY is missing a value"
    # the message is itself interpolated
    assert interpolate("${MISSING?need $SET}", lookup).required_error == RequiredError("MISSING", "need v", 0, 20)
    assert interpolate("${EMPTY?}", lookup).value == ""


def test_first_error_wins_and_later_references_still_warn() -> None:
    result = interpolate("${X?one} $B ${Y?two}", lookup)
    assert result.required_error is not None
    assert result.required_error.name == "X"
    # `${X?one} $B ${Y?two}` is one greedy match up to the last `}`: `$B` is swallowed
    assert result.unset == ()
    assert [(r.name, r.evaluated) for r in result.refs] == [("X", True), ("B", False), ("Y", False)]
    later = interpolate("${X?one} $B", lookup)
    assert later.unset == ("B",)


@pytest.mark.parametrize(
    ("template", "quoted"),
    [
        ("${", "${"),
        ("${}", "${}"),
        ("${1}", "${1}"),
        ("a ${A B}", "a ${A B}"),
        ("${SET", "${SET"),
        ("${SET:-x\ny}", "${SET:-x\ny}"),
        ("${SET:-${}", "${"),  # compose names the innermost template
    ],
)
def test_invalid_templates(template: str, quoted: str) -> None:
    result = interpolate(template, lookup)
    assert result.value is None
    assert result.error == f"Invalid template: {go_quote(quoted)}"
    assert result.error_template == quoted
    assert result.required_error is None


def test_invalid_template_message_and_position() -> None:
    result = interpolate("ok ${", lookup)
    assert result.error == 'Invalid template: "ok ${"'
    assert result.error_start == 3


def test_compose_brace_quirks() -> None:
    # greedy to the last `}` of the line, then cut at the first balanced one
    assert value("${SET-x}}}") == "v}}"
    assert value("${MISSING:-a}b}") == "ab}"
    # the character after `{` is skipped when counting braces, so `{}` in a default is kept
    assert value("${MISSING:-{}}") == "{}"
    assert value("${SET:-{}}") == "v"
    result = interpolate("${EMPTY:-{}} ${B}", lookup)
    assert result.error_template == "{}} ${B"


def test_unknown_values() -> None:
    assert value("$U") is None
    assert value("${U-x}") is None
    assert value("${U+x}") == "x"  # UNKNOWN counts as set
    assert value("${U:+x}") is None  # ... but may be empty
    assert value("${U:-x}") is None
    unknown_required = interpolate("${U:?must}", lookup)
    assert unknown_required.required_error is None
    assert unknown_required.value is None
    assert interpolate("$U", lookup).refs[0].status is VarStatus.UNKNOWN
    assert interpolate("$U", lookup).unset == ()


def test_go_name_case_folding() -> None:
    env = {"\u017fx": "long", "\u212a": "kelvin"}
    assert interpolate("$\u017fx ${\u212a}", env.get).value == "long kelvin"
    assert interpolate("$\u0130", env.get).value == "$\u0130"  # Go does not fold dotted I


def test_go_quote() -> None:
    assert go_quote('a"b\\c\n\t\x01\x7f\u00a0\u00e9\U0001f600\u200b') == (
        '"a\\"b\\\\c\\n\\t\\x01\\x7f\\u00a0\u00e9\U0001f600\\u200b"'
    )


def test_unknown_is_a_singleton() -> None:
    assert Unknown() is UNKNOWN
    assert repr(UNKNOWN) == "UNKNOWN"
    assert copy.deepcopy(UNKNOWN) is UNKNOWN


def test_interpolation_is_frozen() -> None:
    result = interpolate("$SET", lookup)
    assert isinstance(result, Interpolation)
    with pytest.raises(AttributeError):
        result.value = "x"  # type: ignore[misc]


text_without_dollar = st.text(st.characters(blacklist_characters="$", blacklist_categories=["Cs"]))


@settings(max_examples=200, deadline=None, database=None)
@given(text_without_dollar)
def test_text_without_dollar_is_unchanged(text: str) -> None:
    result = interpolate(text, lookup)
    assert result == Interpolation(text)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(st.characters(blacklist_categories=["Cs"])))
def test_escaping_every_dollar_round_trips(text: str) -> None:
    assert interpolate(text.replace("$", "$$"), lookup).value == text
