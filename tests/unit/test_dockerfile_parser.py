"""Unit tests for preflight.parse.dockerfile: structure, exact spans and BuildKit quirks."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.diagnostics import ParseProblem, Span
from preflight.parse.dockerfile import Dockerfile, Instruction, parse_dockerfile

P = "Dockerfile"


def sp(line: int, col: int, end_line: int, end_col: int) -> Span:
    return Span(P, line, col, end_line, end_col)


def parse(text: str) -> Dockerfile:
    return parse_dockerfile(text, P)


def only(text: str) -> Instruction:
    df = parse(text)
    assert len(df.instructions) == 1, df.instructions
    return df.instructions[0]


# -- basic structure and spans ---------------------------------------------------------
def test_simple_instruction_spans() -> None:
    df = parse("FROM python:3.12-slim\nWORKDIR /app\n")
    assert df.problems == ()
    assert df.escape == "\\"
    first, second = df.instructions
    assert first.keyword == "FROM"
    assert first.args == ("python:3.12-slim",)
    assert first.raw_args == "python:3.12-slim"
    assert first.span == sp(1, 1, 1, 22)
    assert first.keyword_span == sp(1, 1, 1, 5)
    assert first.args_span == sp(1, 6, 1, 22)
    assert second.span == sp(2, 1, 2, 13)
    assert second.args == ("/app",)


def test_lower_case_from_as_builder() -> None:
    inst = only("from python:3.12 as builder\n")
    assert inst.keyword == "FROM"
    assert inst.keyword_text == "from"
    assert inst.args == ("python:3.12", "as", "builder")
    assert parse("from python:3.12 as builder\n").problems == ()


def test_keyword_case_insensitive_and_original_kept() -> None:
    inst = only("rUn   echo  hi  \n")
    assert inst.keyword == "RUN"
    assert inst.keyword_text == "rUn"
    assert inst.args == ("echo  hi",)
    assert inst.original == "rUn   echo  hi  "
    assert inst.args_span == sp(1, 7, 1, 15)
    assert inst.span == sp(1, 1, 1, 17)


def test_leading_whitespace_and_tabs_count_one_column() -> None:
    inst = only("  \tRUN\tmake all\n")
    assert inst.keyword_span == sp(1, 4, 1, 7)
    assert inst.args_span == sp(1, 8, 1, 16)
    assert inst.span == sp(1, 4, 1, 16)


def test_continuation_with_comment_and_blank_lines() -> None:
    text = "RUN apt-get update && \\\n    # a comment\n\n    apt-get install -y curl\nUSER app\n"
    df = parse(text)
    run, user = df.instructions
    # BuildKit drops comment and blank lines inside a continuation and keeps indentation.
    assert run.raw_args == "apt-get update &&     apt-get install -y curl"
    assert run.args == (run.raw_args,)
    assert run.span == sp(1, 1, 4, 28)
    assert run.args_span == sp(1, 5, 4, 28)
    assert user.span == sp(5, 1, 5, 9)
    assert df.comments == ((2, "a comment"),)
    assert df.warnings == (ParseProblem("Empty continuation line", 3, 1, 3, 1),)
    assert df.problems == ()


def test_continuation_spans_map_each_piece_back() -> None:
    text = "COPY --chown=app \\\n  src/ \\\n  /app/\n"
    inst = only(text)
    assert inst.flags[0].name == "chown"
    assert inst.flags[0].value == "app"
    assert inst.flags[0].span == sp(1, 6, 1, 17)
    assert inst.raw_args == "src/   /app/"
    assert inst.args == ("src/", "/app/")
    assert inst.args_span == sp(2, 3, 3, 8)
    assert inst.span == sp(1, 1, 3, 8)


def test_escaped_escape_is_not_a_continuation() -> None:
    df = parse("RUN echo \\\\\nRUN b\n")
    assert [i.args for i in df.instructions] == [("echo \\\\",), ("b",)]


def test_continuation_at_end_of_file() -> None:
    df = parse("FROM a\nRUN make \\")
    run = df.instructions[1]
    assert run.args == ("make",)
    assert run.span == sp(2, 1, 2, 11)
    assert df.warnings == (ParseProblem("line continuation at end of file", 2, 1, 2, 11),)
    assert df.problems == ()


def test_lone_escape_line_starts_a_continuation() -> None:
    df = parse("\\\nRUN x\n")
    # The instruction starts where BuildKit starts it (line 1); the keyword is on line 2.
    assert [(i.keyword, i.args, i.span, i.keyword_span) for i in df.instructions] == [
        ("RUN", ("x",), sp(1, 1, 2, 6), sp(2, 1, 2, 4))
    ]


def test_crlf_line_endings() -> None:
    text = "FROM a\r\nRUN x \\\r\n  y\r\nRUN <<EOF\r\nhi\r\nEOF\r\n"
    df = parse(text)
    assert df.problems == ()
    frm, run, here = df.instructions
    assert frm.span == sp(1, 1, 1, 7)
    assert run.raw_args == "x   y"
    assert run.span == sp(2, 1, 3, 4)
    # Heredoc bodies keep their raw line endings; the terminator may end in \r.
    assert here.heredocs[0].content == "hi\r\n"
    assert here.span == sp(4, 1, 6, 4)


def test_byte_order_mark_is_not_a_column() -> None:
    df = parse("\ufeff# escape=`\nFROM a\nRUN x `\n  y\n")
    assert df.escape == "`"
    assert df.directives[0].span == sp(1, 1, 1, 11)
    assert df.instructions[1].raw_args == "x   y"


def test_cr_only_line_endings_are_one_line() -> None:
    df = parse("FROM a\rRUN b\n")
    # A lone CR is no line break for BuildKit, but it is whitespace between words.
    assert [(i.keyword, i.args) for i in df.instructions] == [("FROM", ("a", "RUN", "b"))]


# -- directives and comments -------------------------------------------------------------
def test_directives_recorded_and_not_comments() -> None:
    text = "# syntax=docker/dockerfile:1\n#check=skip=all\n# escape=`\n# hello\nFROM a\n"
    df = parse(text)
    assert [(d.name, d.value) for d in df.directives] == [
        ("syntax", "docker/dockerfile:1"),
        ("check", "skip=all"),
        ("escape", "`"),
    ]
    assert df.escape == "`"
    assert df.comments == ((4, "hello"),)


def test_directive_after_comment_or_blank_is_a_comment() -> None:
    df = parse("# hello\n# escape=`\nFROM a\n")
    assert df.directives == ()
    assert df.escape == "\\"
    assert df.comments == ((1, "hello"), (2, "escape=`"))
    df = parse("\n# escape=`\nFROM a\n")
    assert df.directives == ()


def test_duplicate_and_invalid_directives_are_problems() -> None:
    df = parse("# syntax=a\n# syntax=b\nFROM x\n")
    assert df.problems == (ParseProblem("only one syntax parser directive can be used", 2, 1, 2, 11),)
    df = parse("# escape=x\nFROM x\n")
    assert df.problems == (ParseProblem("invalid escape token 'x' does not match ` or \\", 1, 1, 1, 11),)
    assert df.escape == "\\"


def test_suppression_comments_collected_with_lines() -> None:
    text = "FROM a\n  # preflight: ignore[DF001]\nRUN x\n#\n"
    df = parse(text)
    assert df.comments == ((2, "preflight: ignore[DF001]"), (4, ""))


def test_backtick_escape_keeps_backslashes_literal() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows\nCOPY C:\\src\\ C:\\dst\\\nRUN dir `\n  C:\\\n"
    df = parse(text)
    assert df.problems == ()
    _, copy, run = df.instructions
    assert copy.args == ("C:\\src\\", "C:\\dst\\")
    assert run.raw_args == "dir   C:\\"
    assert run.escape == "`"


# -- flags ---------------------------------------------------------------------------------
def test_copy_from_image_reference() -> None:
    inst = only("COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /bin/\n")
    (flag,) = inst.flags
    assert (flag.name, flag.value, flag.text) == ("from", "ghcr.io/astral-sh/uv:0.9", "--from=ghcr.io/astral-sh/uv:0.9")
    assert flag.span == sp(1, 6, 1, 37)
    assert inst.args == ("/uv", "/bin/")
    assert inst.args_span == sp(1, 38, 1, 47)


def test_run_mount_bind() -> None:
    inst = only("RUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync\n")
    assert [(f.name, f.value) for f in inst.flags] == [("mount", "type=bind,source=uv.lock,target=uv.lock")]
    assert inst.args == ("uv sync",)
    assert inst.args_span == sp(1, 53, 1, 60)


def test_flags_repeat_quote_and_bare() -> None:
    text = 'RUN --mount=type=cache,target=/a --mount="type=secret,id=x" --network=none --link echo\n'
    inst = only(text)
    assert [f.text for f in inst.flags] == [
        "--mount=type=cache,target=/a",
        "--mount=type=secret,id=x",
        "--network=none",
        "--link",
    ]
    link = inst.flag("link")
    assert link is not None
    assert link.value is None
    assert [f.value for f in inst.flags_named("mount")] == ["type=cache,target=/a", "type=secret,id=x"]
    assert inst.flag("nope") is None
    # The quoted flag's span covers its raw text, quotes included.
    assert inst.flags[1].span == sp(1, 34, 1, 60)


def test_double_dash_ends_flags() -> None:
    inst = only("RUN --network=host -- --not-a-flag\n")
    assert [f.text for f in inst.flags] == ["--network=host"]
    assert inst.args == ("--not-a-flag",)


def test_copy_parents_exclude_chmod_link_flags() -> None:
    inst = only("COPY --parents --exclude=*.pyc --exclude=tests --chmod=644 --link=false . /app\n")
    assert [(f.name, f.value) for f in inst.flags] == [
        ("parents", None),
        ("exclude", "*.pyc"),
        ("exclude", "tests"),
        ("chmod", "644"),
        ("link", "false"),
    ]
    assert inst.args == (".", "/app")
    assert parse("FROM a\n" + "COPY --parents --exclude=*.pyc --exclude=x . /app\n").problems == ()


def test_from_platform_flag() -> None:
    inst = only("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n")
    assert inst.flags[0].value == "$BUILDPLATFORM"
    assert inst.args == ("golang:1.22", "AS", "build")


# -- JSON and shell forms ---------------------------------------------------------------
def test_json_exec_form() -> None:
    inst = only('CMD ["uvicorn", "app:main", "--port", "8000"]\n')
    assert inst.json_form
    assert inst.args == ("uvicorn", "app:main", "--port", "8000")


def test_malformed_json_is_shell_form() -> None:
    inst = only("CMD ['single', 'quotes']\n")
    assert not inst.json_form
    assert inst.args == ("['single', 'quotes']",)
    inst = only('ENTRYPOINT ["a", "b"\n')
    assert inst.args == ('["a", "b"',)
    inst = only('COPY ["a b", "c"] trailing\n')
    assert not inst.json_form
    assert inst.args == ('["a', 'b",', '"c"]', "trailing")


def test_json_with_non_string_is_a_problem() -> None:
    df = parse('FROM a\nRUN ["echo", 1]\n')
    assert df.problems == (
        ParseProblem("when using JSON array syntax, arrays must be comprised of strings only", 2, 5, 2, 16),
    )
    assert df.instructions[1].args == ()


def test_json_numbers_go_cannot_decode_mean_shell_form() -> None:
    df = parse("FROM a\nRUN [1e400]\n")
    assert df.instructions[1].args == ("[1e400]",)
    assert not df.instructions[1].json_form
    assert df.problems == ()


def test_empty_json_array() -> None:
    inst = only("CMD []\n")
    assert inst.json_form
    assert inst.args == ()


def test_healthcheck_forms() -> None:
    df = parse('FROM a\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "http://x/"]\nHEALTHCHECK CMD curl -f x\n')
    _, json_hc, shell_hc = df.instructions
    assert json_hc.args == ("CMD", "curl", "-f", "http://x/")
    assert json_hc.json_form
    assert json_hc.flags[0].text == "--interval=5s"
    assert shell_hc.args == ("CMD", "curl -f x")
    assert not shell_hc.json_form
    assert df.problems == ()


# -- ENV / LABEL / ARG ---------------------------------------------------------------------
def test_env_forms() -> None:
    df = parse('FROM a\nENV A=1 B="two words" C=\nENV KEY value with spaces\nLABEL "com.x"="y"\n')
    _, env, legacy, label = df.instructions
    assert env.args == ("A", "1", "=", "B", '"two words"', "=", "C", "", "=")
    assert legacy.args == ("KEY", "value with spaces", "")
    assert label.args == ('"com.x"', '"y"', "=")
    assert df.problems == ()


def test_env_errors_are_problems() -> None:
    df = parse("FROM a\nENV ONLYKEY\nENV A=1 B\n")
    assert df.problems == (
        ParseProblem("ENV must have two arguments", 2, 5, 2, 12),
        ParseProblem('Syntax error - can\'t find = in "B". Must be of the form: name=value', 3, 5, 3, 10),
    )


def test_arg_words_keep_quotes() -> None:
    inst = only('ARG A B=2 C="x y"\n')
    assert inst.args == ("A", "B=2", 'C="x y"')


def test_from_variable() -> None:
    df = parse("ARG FROM=python:3.12\nFROM ${FROM}\n")
    assert df.instructions[1].args == ("${FROM}",)
    assert df.problems == ()


# -- heredocs -------------------------------------------------------------------------------
def test_run_heredoc_spans() -> None:
    text = "FROM a\nRUN <<EOF\nset -e\necho hi\nEOF\nUSER x\n"
    df = parse(text)
    assert df.problems == ()
    _, run, user = df.instructions
    assert run.args == ("<<EOF",)
    (doc,) = run.heredocs
    assert (doc.name, doc.content, doc.strip_tabs, doc.expand, doc.fd) == ("EOF", "set -e\necho hi\n", False, True, 0)
    assert doc.span == sp(3, 1, 5, 4)
    assert doc.marker_span == sp(2, 5, 2, 10)
    assert run.span == sp(2, 1, 5, 4)
    assert user.span == sp(6, 1, 6, 7)


def test_heredoc_variants() -> None:
    text = "RUN <<-EOF\n\tindented\n\tEOF\nRUN <<'RAW' cat\n$HOME\nRAW\nRUN 3<<\"Q\"\nx\nQ\n"
    df = parse(text)
    chomp, raw, quoted = (i.heredocs[0] for i in df.instructions)
    assert (chomp.name, chomp.content, chomp.effective_content, chomp.strip_tabs) == (
        "EOF",
        "\tindented\n",
        "indented\n",
        True,
    )
    assert chomp.span == sp(2, 1, 3, 5)
    assert (raw.name, raw.content, raw.expand) == ("RAW", "$HOME\n", False)
    assert raw.effective_content == "$HOME\n"
    assert (quoted.name, quoted.fd, quoted.expand) == ("Q", 3, False)
    assert df.instructions[1].args == ("<<'RAW' cat",)


def test_several_heredocs_on_one_line() -> None:
    text = "COPY <<A <<B /dest/\nfirst\nA\nsecond\nB\n"
    inst = only(text)
    assert inst.args == ("<<A", "<<B", "/dest/")
    assert [(h.name, h.content, h.span, h.marker_span) for h in inst.heredocs] == [
        ("A", "first\n", sp(2, 1, 3, 2), sp(1, 6, 1, 9)),
        ("B", "second\n", sp(4, 1, 5, 2), sp(1, 10, 1, 13)),
    ]
    assert inst.span == sp(1, 1, 5, 2)


def test_heredoc_after_continuation() -> None:
    text = "RUN --mount=type=cache,target=/c \\\n    <<EOF\nmake\nEOF\n"
    inst = only(text)
    assert inst.heredocs[0].marker_span == sp(2, 5, 2, 10)
    assert inst.heredocs[0].span == sp(3, 1, 4, 4)


def test_heredoc_body_is_not_parsed() -> None:
    df = parse("RUN <<EOF\n# not a comment\nFROM nothing \\\nEOF\nRUN b\n")
    assert df.comments == ()
    assert [i.keyword for i in df.instructions] == ["RUN", "RUN"]
    assert df.instructions[0].heredocs[0].content == "# not a comment\nFROM nothing \\\n"


def test_empty_heredoc_and_last_line_without_newline() -> None:
    inst = only("RUN <<EOF\nEOF")
    assert inst.heredocs[0].content == ""
    assert inst.heredocs[0].span == sp(2, 1, 2, 4)
    inst = only("RUN <<EOF\nlast\nEOF")
    assert inst.heredocs[0].content == "last\n"


def test_unterminated_heredoc() -> None:
    df = parse("FROM a\nRUN <<EOF\necho\n")
    run = df.instructions[1]
    assert run.heredocs[0].content == "echo\n"
    assert run.span == sp(2, 1, 3, 5)
    assert df.problems == (ParseProblem("unterminated heredoc EOF", 2, 5, 2, 10),)


def test_no_heredoc_in_json_form_or_quotes_or_other_keywords() -> None:
    df = parse('RUN ["<<EOF"]\nRUN "<<EOF"\nUSER <<EOF\n')
    assert all(i.heredocs == () for i in df.instructions)
    assert [i.keyword for i in df.instructions] == ["RUN", "RUN", "USER"]


def test_heredoc_with_space_after_operator() -> None:
    inst = only("RUN << EOF\nx\nEOF\n")
    assert inst.heredocs[0].name == "EOF"
    assert inst.heredocs[0].marker_span == sp(1, 5, 1, 11)


# -- ONBUILD ---------------------------------------------------------------------------------
def test_onbuild_sub_instruction() -> None:
    inst = only("ONBUILD  copy --chown=app . /app\n")
    assert inst.keyword == "ONBUILD"
    assert inst.args == ("copy", ".", "/app")
    sub = inst.sub
    assert sub is not None
    assert (sub.keyword, sub.args, sub.raw_args) == ("COPY", (".", "/app"), ". /app")
    assert sub.flags[0].span == sp(1, 15, 1, 26)
    assert sub.keyword_span == sp(1, 10, 1, 14)
    assert sub.span == sp(1, 10, 1, 33)
    assert inst.flags == ()


def test_onbuild_heredoc() -> None:
    inst = only("ONBUILD RUN <<EOF\nhi\nEOF\n")
    assert inst.heredocs[0].content == "hi\n"
    assert inst.sub is not None
    assert inst.sub.heredocs == inst.heredocs


# -- problems -------------------------------------------------------------------------------
def test_unknown_instruction() -> None:
    df = parse("FROM a\nFORM b\n")
    assert df.instructions[1].keyword == "FORM"
    assert df.instructions[1].args == ()
    assert df.problems == (ParseProblem("unknown instruction: FORM", 2, 1, 2, 5),)


def test_no_instructions() -> None:
    assert parse("").problems == (ParseProblem("file with no instructions", 1, 1, 1, 1),)
    assert parse("# just a comment\n\n").problems == (ParseProblem("file with no instructions", 2, 1, 2, 1),)


def test_instruction_level_problems() -> None:
    text = (
        "FROM a b\n"
        "COPY onlyone\n"
        "COPY --form=x a b\n"
        "SHELL /bin/sh -c\n"
        "RUN --network\n"
        "FROM a AS 1bad\n"
        "COPY --link=maybe a b\n"
        "ONBUILD FROM x\n"
        "HEALTHCHECK NONE x\n"
        "WORKDIR\n"
    )
    df = parse(text)
    assert df.problems == (
        ParseProblem("FROM requires either one or three arguments", 1, 6, 1, 9),
        ParseProblem(
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            2,
            6,
            2,
            13,
        ),
        ParseProblem("unknown flag: --form", 3, 6, 3, 14),
        ParseProblem("SHELL requires the arguments to be in JSON form", 4, 7, 4, 17),
        ParseProblem("missing a value on flag: --network", 5, 5, 5, 14),
        ParseProblem(
            'invalid name for build stage: "1bad", name can\'t start with a number or contain symbols', 6, 6, 6, 15
        ),
        ParseProblem("expecting boolean value for flag --link, not: maybe", 7, 6, 7, 18),
        ParseProblem("FROM isn't allowed as an ONBUILD trigger", 8, 9, 8, 15),
        ParseProblem("HEALTHCHECK NONE takes no arguments", 9, 13, 9, 19),
        ParseProblem("WORKDIR requires exactly one argument", 10, 1, 10, 8),
    )


def test_clean_realistic_dockerfile() -> None:
    text = (
        "# syntax=docker/dockerfile:1.7\n"
        "ARG PYTHON=3.12\n"
        "FROM python:${PYTHON}-slim AS base\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /uvx /bin/\n"
        "WORKDIR /app\n"
        "RUN --mount=type=cache,target=/root/.cache/uv \\\n"
        "    --mount=type=bind,source=uv.lock,target=uv.lock \\\n"
        "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n"
        "    uv sync --frozen --no-install-project\n"
        "COPY . .\n"
        "EXPOSE 8000/tcp\n"
        "HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:8000/ || exit 1\n"
        'ENTRYPOINT ["uv", "run"]\n'
        'CMD ["uvicorn", "app:app"]\n'
    )
    df = parse(text)
    assert df.problems == ()
    assert df.warnings == ()
    assert [i.keyword for i in df.instructions] == [
        "ARG",
        "FROM",
        "COPY",
        "WORKDIR",
        "RUN",
        "COPY",
        "EXPOSE",
        "HEALTHCHECK",
        "ENTRYPOINT",
        "CMD",
    ]
    run = df.instructions[4]
    assert len(run.flags_named("mount")) == 3
    assert run.flags[2].span == sp(8, 5, 8, 66)
    assert run.span == sp(6, 1, 9, 42)


# -- robustness -----------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("FROMRUNCOPYENVonbuild \t\\`\"'#=<-$[]{},:\r\n\ufeffa1é")), max_size=200))
def test_never_raises(text: str) -> None:
    df = parse(text)
    assert isinstance(df, Dockerfile)
    for inst in df.instructions:
        assert inst.span.line >= 1
        assert inst.span.col >= 1
        assert (inst.span.end_line, inst.span.end_col) >= (inst.span.line, inst.span.col)


def test_deep_onbuild_nesting_does_not_raise() -> None:
    df = parse("ONBUILD " * 500 + "RUN x\n")
    assert df.problems[0].message == "ONBUILD nested too deeply"


def test_speed_300_lines() -> None:
    block = (
        "FROM python:3.12-slim AS base\n"
        "ENV PATH=/app/.venv/bin:$PATH A=1\n"
        "COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /bin/\n"
        "RUN --mount=type=cache,target=/root/.cache \\\n"
        "    uv sync --frozen && \\\n"
        "    echo done\n"
        "RUN <<EOF\nset -e\necho hi\nEOF\n"
    )
    text = block * 30
    start = time.perf_counter()
    df = parse(text)
    elapsed = time.perf_counter() - start
    assert len(df.instructions) == 150
    assert elapsed < 0.3  # well under a millisecond per line, with slack for a shared machine
