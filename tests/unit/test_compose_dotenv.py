"""Compose's `.env` parser (compose-go dotenv) and the PF205 env-file lint, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.diagnostics import ParseProblem
from preflight.parse.compose_dotenv import DotenvEntry, Quote, parse_compose_dotenv
from preflight.parse.dotenv_lint import DotenvIssue, DotenvIssueKind, DotenvReason, lint_dotenv
from preflight.parse.interpolate import INVALID_REFERENCE, UNKNOWN, Unknown
from preflight.rules.env.pf205_dotenv_syntax import _message as words

BASIC = """# comment
A=1
export B=two words  # c
C: yaml
  D = spaced
E='single $A \\n'
F="double\\t$A \\"q\\""
G="multi
line"
H
"""


def values(text: str, env: dict[str, str] | None = None, raw: bool = False) -> dict[str, str | Unknown | None]:
    return dict(parse_compose_dotenv(text, ".env", (env or {}).get, raw=raw).values)


def test_entries_with_positions() -> None:
    parsed = parse_compose_dotenv(BASIC, ".env", {"H": "h", "A": "outer"}.get)
    assert parsed.path == ".env"
    assert parsed.problems == ()
    assert parsed.entries == (
        DotenvEntry("A", "1", "1", Quote.NONE, 2, 1, 2, 3, 2),
        DotenvEntry("B", "two words", "two words", Quote.NONE, 3, 8, 3, 10, 3, True, False),
        DotenvEntry("C", "yaml", "yaml", Quote.NONE, 4, 1, 4, 4, 4, False, True, ":"),
        DotenvEntry("D", "spaced", "spaced", Quote.NONE, 5, 3, 5, 7, 5, False, True),
        DotenvEntry("E", "single $A \\n", "'single $A \\n'", Quote.SINGLE, 6, 1, 6, 3, 6),
        DotenvEntry(
            "F", 'double\touter "q"', '"double\\t$A \\"q\\""', Quote.DOUBLE, 7, 1, 7, 3, 7, dollars=((7, 12, 14),)
        ),
        DotenvEntry("G", "multi\nline", '"multi\nline"', Quote.DOUBLE, 8, 1, 8, 3, 9),
        DotenvEntry("H", "h", "", Quote.NONE, 10, 1, 10, 2, 10, separator="", inherited=True),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=1 # comment\nB=2#not\nC=#x\nD= #y\n", {"A": "1", "B": "2#not", "C": "#x", "D": "#y"}),
        ("A=a\t#tab is no comment start\n", {"A": "a\t#tab is no comment start"}),
        ("A=  padded  \t\n", {"A": "padded"}),
        ("A=1\r\nB='x'\r\n", {"A": "1", "B": "x"}),
        ("\ufeffA=1\n", {"A": "1"}),
        ('A=\'it\\\'s\'\nB="say \\"hi\\""\n', {"A": "it's", "B": 'say "hi"'}),
        ('A="\\n\\t\\\\\\$x\\a\\b\\f\\v\\r"\n', {"A": "\n\t\\$x\a\b\f\v\r"}),
        ('A="\\0101\\0377|\\0400|\\0|\\01|\\0999|\\c|\\x"\n', {"A": "A\xff|\\400|\\|\\1|\\999|\\c|\\x"}),
        ("A='\\n\\\\ $B'\n", {"A": "\\n\\\\ $B"}),
        ('A="x"trailing\n', {"A": "x", "trailing": None}),
        ("export\tA=1\nexportB=2\n", {"A": "1", "exportB": "2"}),
        ("I.J-K[0]=ok\nk\u0661=digit\n\u00e4=letter\n", {"I.J-K[0]": "ok", "k\u0661": "digit", "\u00e4": "letter"}),
        ("A=1\nA=2\n", {"A": "2"}),
        ("A=x\n=empty key\n", {"A": "x", "": "empty key"}),
        ("LAST", {"": "LAST"}),  # no `=` and no newline: compose reads a value for key ""
        ("A:b=c\n", {"A": "b=c"}),
    ],
)
def test_values(text: str, expected: dict[str, str | None]) -> None:
    assert values(text) == expected


def test_interpolation_looks_up_the_environment_first_then_earlier_keys() -> None:
    text = 'A=file\nB=$A\nC=${MISSING:-$A}\nD="${A}"\nE=\'$A\'\nF=$$A\nG="\\$A"\n'
    assert values(text) == {"A": "file", "B": "file", "C": "file", "D": "file", "E": "$A", "F": "$A", "G": "$A"}
    assert values(text, {"A": "env"})["B"] == "env"
    # a later definition is not visible
    assert values("B=$A\nA=1\n")["B"] == ""
    parsed = parse_compose_dotenv("B=$A\n", ".env")
    assert parsed.unset == ("A",)


def test_bare_keys_take_their_value_from_the_environment() -> None:
    assert values("A\n", {"A": "env"}) == {"A": "env"}
    assert values("A\n") == {"A": None}
    assert values("A=1\nA\n") == {"A": "1"}  # not found: the earlier value stays
    parsed = parse_compose_dotenv("A  \nB\n", ".env", {"B": "b"}.get)
    assert [(e.key, e.value, e.inherited, e.separator) for e in parsed.entries] == [
        ("A", None, True, ""),
        ("B", "b", True, ""),
    ]


def test_unknown_lookup_values_propagate() -> None:
    parsed = parse_compose_dotenv("A\nB=x$S\nC='$S'\n", ".env", lambda name: UNKNOWN)
    assert dict(parsed.values) == {"A": UNKNOWN, "B": UNKNOWN, "C": "$S"}


@pytest.mark.parametrize(
    ("text", "compose", "problem"),
    [
        ("A$B=1\n", 'line 1: unexpected character "$" in variable name "A$B=1"',
         ParseProblem('"$" is not allowed in a variable name', 1, 2, 1, 3)),
        ("\n\nA B=1\n", "line 3: key cannot contain a space",
         ParseProblem("a variable name cannot contain a space", 3, 1, 3, 4)),
        # compose's own line counter lags after a bare key followed by blanks
        ("A  \nB=1\nC D=2\n", "line 2: key cannot contain a space",
         ParseProblem("a variable name cannot contain a space", 3, 1, 3, 4)),
        ('X=1\nA="abc\nd\ne', 'line 4: unterminated quoted value "abc',
         ParseProblem("the quoted value of A is never closed", 2, 3, 2, 7)),
        ("export ", "zero length string", ParseProblem("`export` without a variable name", 1, 1, 1, 8)),
        ("A=${B:?boom}\n", "required variable B is missing a value: boom",
         ParseProblem("required variable B is missing a value: boom", 1, 3, 1, 13)),
        ("A=x${B\n", 'Invalid template: "x${B"', ParseProblem(f"the value of A has {INVALID_REFERENCE}", 1, 4, 1, 6)),
        ("A='\\'\n", "line 2: unterminated quoted value '\\'",
         ParseProblem("the quoted value of A is never closed", 1, 3, 1, 6)),
    ],
)  # fmt: skip
def test_problems_carry_compose_message_and_position(text: str, compose: str, problem: ParseProblem) -> None:
    """Our message never quotes the file; compose's own text is kept apart for the oracle."""
    parsed = parse_compose_dotenv(text, ".env")
    assert parsed.problems[0] == problem
    assert parsed.compose_messages[0] == compose


def test_multiline_values_are_folded_not_read_as_keys() -> None:
    """A PEM block, a JSON document and a `\\` line: one problem at the value, no body line as a key."""
    text = (
        "A=-----BEGIN KEY-----\nMIIEpBODY+x==\nQUJD\n-----END KEY-----\n"
        'J={\n  "k": "v"\n}\n'
        "C=one \\\ntwo\nB=2\n"
        "D=x \\\nE=3\n"
    )
    parsed = parse_compose_dotenv(text, ".env")
    assert [e.key for e in parsed.entries] == ["A", "J", "C", "B", "D", "E"]
    assert set(parsed.values) == {"A", "J", "C", "B", "D", "E"}
    assert [(p.line, p.col) for p in parsed.problems] == [(1, 3), (5, 3)]
    assert all("BODY" not in p.message and "QUJD" not in p.message for p in parsed.problems)
    assert parsed.problems[0].message.startswith("the unquoted value of A continues")


def test_parsing_resumes_after_a_problem() -> None:
    parsed = parse_compose_dotenv("A=1\nB C=2\nD=3\nE$=4\nF=5\n", ".env")
    assert [p.line for p in parsed.problems] == [2, 4]
    assert dict(parsed.values) == {"A": "1", "D": "3", "F": "5"}


def test_raw_format_is_docker_env_file() -> None:
    text = '# c\n  A=1 \nB="q" $X\nC\nD\n\tE==x\r\n'
    parsed = parse_compose_dotenv(text, "raw.env", {"C": "c"}.get, raw=True)
    assert dict(parsed.values) == {"A": "1 ", "B": '"q" $X', "C": "c", "D": None, "E": "=x"}
    assert parsed.entries[0] == DotenvEntry("A", "1 ", "1 ", Quote.NONE, 2, 3, 2, 5, 2)
    assert parsed.problems == ()
    bad = parse_compose_dotenv("=1\nA B=2\n", "raw.env", raw=True).problems
    assert bad == (
        ParseProblem("no variable name on this line", 1, 1, 1, 3),
        ParseProblem("a variable name cannot contain a space", 2, 1, 2, 4),
    )


# --- lint -----------------------------------------------------------------------------------


def kinds(text: str) -> list[tuple[DotenvIssueKind, int, int, int, str | None]]:
    return [(i.kind, i.line, i.col, i.end_col, i.key) for i in lint_dotenv(text, ".env")]


def test_lint_accepts_ordinary_files() -> None:
    text = "# settings\nexport A=1\nB='r3d!s$ecret'\nC=\"a\\$b\"\nD=$$x\nE=plain # note\n"
    assert lint_dotenv(text, ".env") == ()


def test_lint_dollar_interpolated() -> None:
    assert kinds('PASS=ab$cd\nQ="x${Y}"\n') == [
        (DotenvIssueKind.DOLLAR_INTERPOLATED, 1, 8, 11, "PASS"),
        (DotenvIssueKind.DOLLAR_INTERPOLATED, 2, 5, 9, "Q"),
    ]
    assert kinds("A=cost$\nB=a$1\n") == []  # a `$` that is no reference stays literal


def test_lint_duplicates_spaces_and_colon() -> None:
    assert kinds("A=1\nA=2\nB = 3\nC: 4\n") == [
        (DotenvIssueKind.DUPLICATE_KEY, 2, 1, 2, "A"),
        (DotenvIssueKind.SPACES_AROUND_EQUALS, 3, 1, 5, "B"),
        (DotenvIssueKind.SPACES_AROUND_EQUALS, 4, 1, 4, "C"),
    ]
    (issue,) = lint_dotenv("X=1\nX=2\n", ".env")
    assert issue == DotenvIssue(DotenvIssueKind.DUPLICATE_KEY, DotenvReason.DUPLICATE_KEY, 2, 1, 2, "X", first_line=1)
    assert words(issue) == "X is defined more than once (first on line 1); Compose uses the last one"


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        ("A B=1\n", DotenvReason.NAME_SPACE, "Compose cannot parse this line: variable name contains a space"),
        (
            'A="open\n',
            DotenvReason.UNTERMINATED_QUOTE,
            "the quoted value of A is never closed; Compose rejects the file",
        ),
        ("=1\n", DotenvReason.NO_KEY, "no variable name on this line"),
        (
            "C: 4\n",
            DotenvReason.COLON_SEPARATOR,
            "`C: value` is Compose-only syntax; `docker run --env-file` and shells need `C=value`",
        ),
        (
            "A=${B\n",
            DotenvReason.INVALID_TEMPLATE,
            "the value of A has a `${` Compose cannot interpolate; write `$$` for a literal `$`",
        ),
    ],
)
def test_lint_reasons_and_their_wording(text: str, reason: DotenvReason, message: str) -> None:
    (issue,) = lint_dotenv(text, ".env")
    assert issue.reason is reason
    assert words(issue) == message


def test_lint_unquoted_multiline_and_invalid_lines() -> None:
    pem = "KEY=-----BEGIN PRIVATE KEY-----\nMIIEv+QIBAD\n-----END PRIVATE KEY-----\n"
    assert kinds(pem) == [(DotenvIssueKind.UNQUOTED_MULTILINE, 1, 5, 32, "KEY")]
    assert kinds("A=one \\\nB=2\n") == [(DotenvIssueKind.UNQUOTED_MULTILINE, 1, 3, 8, "A")]
    assert kinds('A="open\n') == [(DotenvIssueKind.INVALID_LINE, 1, 3, 8, "A")]
    assert kinds("=1\nLAST") == [
        (DotenvIssueKind.INVALID_LINE, 1, 1, 2, None),
        (DotenvIssueKind.INVALID_LINE, 2, 1, 5, None),
    ]
    assert kinds("A=${B\n") == [(DotenvIssueKind.INVALID_LINE, 1, 3, 5, "A")]


secret = st.text(st.sampled_from("abcXYZ019!@%^&*()[]{}<>~`|;,./?+-_"), min_size=8, max_size=16)


@settings(max_examples=100, deadline=None, database=None)
@given(secret, st.sampled_from(["K={}", "K={} x\nK={}", 'K="{}', "K B={}", "K$={}", "K = {}$x", "K={}\\", "{}"]))
def test_lint_messages_never_show_values(value: str, shape: str) -> None:
    text = shape.replace("{}", value) + "\n"
    for issue in lint_dotenv(text, ".env"):
        assert value not in words(issue)
        assert value not in issue.detail
    for problem in parse_compose_dotenv(text, ".env").problems:
        assert value not in problem.message
