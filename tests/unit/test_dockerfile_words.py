"""Unit tests for preflight.parse.dockerfile_words: BuildKit word expansion and argument helpers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.parse.dockerfile import Instruction, parse_dockerfile
from preflight.parse.dockerfile_lex import LexError, expand_word, expand_words, lex_words, process_word, unquote_word
from preflight.parse.dockerfile_words import (
    HeredocMarker,
    arg_parts,
    copy_heredocs,
    copy_parts,
    env_pairs,
    from_parts,
    parse_heredoc_marker,
    parse_mount_flag,
)

ENV: dict[str, str | None] = {"HOME": "/root", "EMPTY": "", "SPACED": "  a b  ", "V": "1.2.3", "UNK": None}


def inst(text: str) -> Instruction:
    """The last instruction of a Dockerfile made of ``text``."""
    return parse_dockerfile(text, "Dockerfile").instructions[-1]


# -- expand_word ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("plain", "plain"),
        ("$HOME/x", "/root/x"),
        ("${HOME}x", "/rootx"),
        ("$MISSING-x", "-x"),
        ("${MISSING}", ""),
        ("${MISSING:-dflt}", "dflt"),
        ("${MISSING-dflt}", "dflt"),
        ("${EMPTY:-dflt}", "dflt"),
        ("${EMPTY-dflt}", ""),
        ("${HOME:-dflt}", "/root"),
        ("${HOME:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${MISSING+alt}", ""),
        ("${MISSING:-${HOME}/d}", "/root/d"),
        ("${MISSING:-${ALSO:-deep}}", "deep"),
        ("'$HOME'", "$HOME"),
        ('"$HOME"', "/root"),
        ('"a  b"', "a  b"),
        ("a\\ b", "a b"),
        ("\\$HOME", "$HOME"),
        ('"\\$HOME"', "$HOME"),
        ('"\\x"', "\\x"),
        ("he'll'o", "hello"),
        ("'a\\b'", "a\\b"),
        ("trailing\\", "trailing"),
        ("$", "$"),
        ("$.", "$."),
        ("$1x", "x"),
        ("${V%.*}", "1.2"),
        ("${V%%.*}", "1"),
        ("${V#*.}", "2.3"),
        ("${V##*.}", "3"),
        ("${V/./-}", "1-2.3"),
        ("${V//./-}", "1-2-3"),
        ("${HOME?must be set}", "/root"),
        ("${EMPTY?must be set}", ""),
        ("<<EOF", "<<EOF"),
    ],
)
def test_expand_word(word: str, expected: str) -> None:
    assert expand_word(word, ENV) == expected


@pytest.mark.parametrize(
    "word",
    [
        "${MISSING:?required}",
        "${EMPTY:?required}",
        "${MISSING?required}",
        "'unterminated",
        '"unterminated',
        "${",
        "${}",
        "${:x}",
        "${HOME",
        "${HOME:-x",
        "${HOME=x}",
        "${HOME:#x}",
        "${V#\\x}",
    ],
)
def test_expand_word_errors(word: str) -> None:
    result = process_word(word, ENV)
    assert result.value is None
    assert result.words is None
    assert result.error is not None
    assert expand_word(word, ENV) is None


def test_error_message_matches_buildkit() -> None:
    assert process_word("${X:?is needed}", {}).error == 'failed to process "${X:?is needed}": X: is needed'
    assert process_word("${X?}", {}).error == 'failed to process "${X?}": X: is not allowed to be unset'
    assert process_word("'a", {}).error == (
        'failed to process "\'a": unexpected end of statement while looking for matching single-quote'
    )


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("$UNK", None),
        ("x${UNK}y", None),
        ("${UNK:-d}", None),
        ("${UNK-d}", None),
        ("${UNK:+r}", None),
        ("${UNK+r}", "r"),
        ("${UNK?m}", None),
        ("${UNK:?m}", None),
        ("${UNK%x}", None),
        ("${UNK/a/b}", None),
        ("${HOME:-$UNK}", "/root"),
        ("${MISSING:-$UNK}", None),
        ("'$UNK'", "$UNK"),
        ('"$UNK"', None),
        ("${MISSING+$UNK}", ""),
    ],
)
def test_unknown_values(word: str, expected: str | None) -> None:
    assert expand_word(word, ENV) == expected


def test_process_word_reports_names() -> None:
    result = process_word("$HOME ${MISSING:-x} $UNK ${UNK+y}", ENV)
    assert result.value is None
    assert result.error is None
    assert result.unmatched == frozenset({"MISSING"})
    assert result.unknown == frozenset({"UNK"})
    result = process_word("$HOME-${MISSING}", ENV)
    assert (result.value, result.unmatched, result.unknown) == ("/root-", frozenset({"MISSING"}), frozenset())


def test_backtick_escape() -> None:
    assert expand_word("a`$HOME\\b", ENV, escape="`") == "a$HOME\\b"
    assert expand_word('"`"x"', ENV, escape="`") == '"x'


# -- expand_words --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("a b  c", ("a", "b", "c")),
        ("x${SPACED}y", ("x", "a", "b", "y")),
        ('x"${SPACED}"y', ("x  a b  y",)),
        ("'a b' c", ("a b", "c")),
        ("'' c", ("c",)),
        ("8080/tcp ${MISSING}", ("8080/tcp",)),
        ("a\\ b", ("a b",)),
    ],
)
def test_expand_words(word: str, expected: tuple[str, ...]) -> None:
    assert expand_words(word, ENV) == expected


def test_expand_words_keeps_text_before_nested_default() -> None:
    # Documented divergence from current BuildKit, which would split this to ("bc",).
    assert expand_words("a${X:-b}c d", {}) == ("abc", "d")


def test_expand_words_unknown_and_error() -> None:
    assert expand_words("a $UNK", ENV) is None
    assert expand_words("a 'b", ENV) is None


def test_lex_words_offsets_and_raw_modes() -> None:
    assert lex_words("RUN <<EOF cat", raw_quotes=True) == [("RUN", 0, 3), ("<<EOF", 4, 9), ("cat", 10, 13)]
    assert lex_words("a '<<X' \\y", raw_quotes=True, raw_escapes=True) == [("a", 0, 1), ("'<<X'", 2, 7), ("\\y", 8, 10)]
    assert lex_words("$A ${B:-c}") == [("$A", 0, 2), ("${B:-c}", 3, 10)]
    with pytest.raises(LexError):
        lex_words('x "y')


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters="$'\"\\<", codec="utf-8"), max_size=40))
def test_plain_words_expand_to_themselves(word: str) -> None:
    assert expand_word(word, {}) == word.removeprefix("\ufeff")


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
)
def test_variable_value_is_inserted_verbatim(name: str, value: str) -> None:
    assert expand_word("${" + name + "}", {name: value}) == value
    assert expand_word('"$' + name + '"', {name: value}) == value
    assert expand_word("${" + name + ":-fallback}", {name: value}) == (value or "fallback")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_characters="'", codec="utf-8"), max_size=30))
def test_single_quotes_are_literal(text: str) -> None:
    assert expand_word("'" + text + "'", {"X": "y"}) == text
    assert unquote_word("'" + text + "'") == text


def test_unquote_word_keeps_variables() -> None:
    assert unquote_word('"$A b"') == "$A b"
    assert unquote_word("${A:-'x y'}") == "${A:-x y}"
    assert unquote_word("a\\ b") == "a b"
    assert unquote_word("'open") == "'open"
    assert unquote_word("a`'b", escape="`") == "a'b"


# -- heredoc markers -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("<<EOF", HeredocMarker("EOF", 0, False, True)),
        ("<<-EOF", HeredocMarker("EOF", 0, True, True)),
        ("<<'EOF'", HeredocMarker("EOF", 0, False, False)),
        ('<<-"EOF"', HeredocMarker("EOF", 0, True, False)),
        ('<<E"O"F', HeredocMarker("EOF", 0, False, False)),
        ("<< EOF", HeredocMarker("EOF", 0, False, True)),
        ("2<<ERR", HeredocMarker("ERR", 2, False, True)),
        ("<<E\\'F", HeredocMarker("E'F", 0, False, True)),
        ("<<file.txt", HeredocMarker("file.txt", 0, False, True)),
    ],
)
def test_parse_heredoc_marker(word: str, expected: HeredocMarker) -> None:
    assert parse_heredoc_marker(word) == expected


@pytest.mark.parametrize("word", ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh", "<<''", "x<<EOF"])
def test_not_heredoc_markers(word: str) -> None:
    assert parse_heredoc_marker(word) is None


@pytest.mark.parametrize("word", ["<<'EOF", '<<"EOF', "<<EOF'"])
def test_bad_heredoc_markers_raise(word: str) -> None:
    with pytest.raises(LexError):
        parse_heredoc_marker(word)


# -- instruction helpers --------------------------------------------------------------------
def test_from_parts() -> None:
    assert from_parts(inst("FROM python:3.12 as builder\n")) == ("python:3.12", "builder", None)
    assert from_parts(inst("FROM --platform=linux/amd64 img AS Build\n")) == ("img", "build", "linux/amd64")
    assert from_parts(inst("FROM ${FROM}\n")) == ("${FROM}", None, None)
    assert from_parts(inst('FROM "${FROM}"\n')) == ("${FROM}", None, None)
    assert from_parts(inst('FROM "${FROM}"\n'), raw=True) == ('"${FROM}"', None, None)
    assert from_parts(inst("FROM a b\n")) == ("a", None, None)
    assert from_parts(inst("FROM\n")) == ("", None, None)
    base = from_parts(inst("FROM ${FROM}\n"), raw=True)[0]
    assert expand_word(base, {"FROM": "python:3.12"}) == "python:3.12"


def test_copy_parts() -> None:
    assert copy_parts(inst("COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /bin/\n")) == (("/uv",), "/bin/")
    assert copy_parts(inst("COPY a b c /dst/\n")) == (("a", "b", "c"), "/dst/")
    assert copy_parts(inst('COPY ["a b", "c", "/d e/"]\n')) == (("a b", "c"), "/d e/")
    # BuildKit splits on whitespace before removing quotes: an unbalanced word stays raw.
    assert copy_parts(inst('ADD "x y" /z\n')) == (('"x', 'y"'), "/z")
    assert copy_parts(inst("COPY $SRC /d\n"), raw=True) == (("$SRC",), "/d")
    assert copy_parts(inst("COPY onlyone\n")) == ((), "")


def test_copy_heredoc_sources() -> None:
    copy = inst("COPY <<A local.txt <<B /dest/\naaa\nA\nbbb\nB\n")
    assert copy_parts(copy) == (("local.txt",), "/dest/")
    assert [(h.name, h.content) for h in copy_heredocs(copy)] == [("A", "aaa\n"), ("B", "bbb\n")]
    assert copy_heredocs(inst("COPY a /b\n")) == ()


def test_env_pairs() -> None:
    env = inst("ENV A=1 B=\"two words\" C='$lit' D=\\$x E=$HOME\n")
    assert env_pairs(env) == (("A", "1"), ("B", "two words"), ("C", "$lit"), ("D", "$x"), ("E", "$HOME"))
    assert env_pairs(env, raw=True) == (
        ("A", "1"),
        ("B", '"two words"'),
        ("C", "'$lit'"),
        ("D", "\\$x"),
        ("E", "$HOME"),
    )
    assert env_pairs(inst("ENV KEY value with spaces\n")) == (("KEY", "value with spaces"),)
    assert env_pairs(inst('LABEL org.opencontainers.image.title="My app" v=1\n')) == (
        ("org.opencontainers.image.title", "My app"),
        ("v", "1"),
    )
    multi = inst("ENV A=1 \\\n    B=2\n")
    assert env_pairs(multi) == (("A", "1"), ("B", "2"))
    assert env_pairs(inst("ENV\n")) == ()


def test_env_pairs_raw_then_expand() -> None:
    env = inst('ENV PATH="/app/bin:$PATH" X=${UNSET:-d}\n')
    expanded = [(k, expand_word(v, {"PATH": "/usr/bin"})) for k, v in env_pairs(env, raw=True)]
    assert expanded == [("PATH", "/app/bin:/usr/bin"), ("X", "d")]


def test_arg_parts() -> None:
    assert arg_parts(inst('ARG A B=2 C="x y" D=\n')) == (("A", None), ("B", "2"), ("C", "x y"), ("D", ""))
    assert arg_parts(inst('ARG C="x y"\n'), raw=True) == (("C", '"x y"'),)
    assert arg_parts(inst("ARG\n")) == ()


def test_parse_mount_flag() -> None:
    assert parse_mount_flag("type=bind,source=uv.lock,target=uv.lock") == {
        "type": "bind",
        "source": "uv.lock",
        "target": "uv.lock",
    }
    assert parse_mount_flag("type=cache,dst=/root/.cache,sharing=locked,ro") == {
        "type": "cache",
        "target": "/root/.cache",
        "sharing": "locked",
        "ro": "true",
    }
    assert parse_mount_flag('type=secret,"id=a,b",Target=/run/s') == {"type": "secret", "id": "a,b", "target": "/run/s"}
    assert parse_mount_flag('"src=say ""hi"""') == {"source": 'say "hi"'}
    assert parse_mount_flag("type=bind,src=a,source=b,readonly=false") == {"type": "bind", "source": "b", "ro": "false"}


@pytest.mark.parametrize("value", ["", "type=bind,", "bare", 'src=a"b', '"src=a', '"src=a"x'])
def test_parse_mount_flag_errors(value: str) -> None:
    with pytest.raises(ValueError, match=r"csv|key=value"):
        parse_mount_flag(value)


def test_helpers_on_instruction_flags() -> None:
    run = inst("RUN --mount=type=bind,source=uv.lock,target=uv.lock --mount=type=cache,target=/c uv sync\n")
    mounts = [parse_mount_flag(f.value or "") for f in run.flags_named("mount")]
    assert mounts == [
        {"type": "bind", "source": "uv.lock", "target": "uv.lock"},
        {"type": "cache", "target": "/c"},
    ]
