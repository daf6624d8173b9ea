"""Exact tests of the static requirements-file reader."""

from __future__ import annotations

import os
import random
import re
import warnings
from pathlib import Path

import pytest

from preflight.diagnostics import ParseProblem
from preflight.files import decode
from preflight.parse.requirements import (
    Include,
    IncludeKind,
    PipOption,
    Requirement,
    RequirementsFile,
    canonical,
    invalid_editable_message,
    parse_requirements,
)

CORPUS = Path("/work/shared/corpus")
VCS_SCHEMES = (
    "bzr+http, bzr+https, bzr+ssh, bzr+sftp, bzr+ftp, bzr+lp, bzr+file, git+http, git+https, git+ssh, "
    "git+git, git+file, hg+file, hg+http, hg+https, hg+ssh, hg+static-http, svn+ssh, svn+http, svn+https, "
    "svn+svn, svn+file"
)


def parse(text: str) -> RequirementsFile:
    return parse_requirements(text, "requirements.txt")


def only(text: str) -> Requirement:
    result = parse(text)
    assert result.problems == ()
    assert len(result.requirements) == 1
    return result.requirements[0]


def test_outage_line_is_an_editable_local_path() -> None:
    assert parse("-e ../pyairtable-common\n") == RequirementsFile(
        path="requirements.txt",
        requirements=(
            Requirement(
                name=None,
                editable=True,
                local_path="../pyairtable-common",
                line=1,
                col=4,
                end_col=24,
                text="-e ../pyairtable-common",
            ),
        ),
    )


@pytest.mark.parametrize(
    ("line", "local_path", "extras", "col", "end_col"),
    [
        ("-e .", ".", (), 4, 5),
        ("-e .[dev]", ".", ("dev",), 4, 10),
        ("--editable=./lib[a,b]", "./lib", ("a", "b"), 12, 22),
        ("-e../shared-lib", "../shared-lib", (), 3, 16),
        ("-e mylib", "mylib", (), 4, 9),
    ],
)
def test_editable_local_paths(line: str, local_path: str, extras: tuple[str, ...], col: int, end_col: int) -> None:
    assert only(line) == Requirement(
        name=None,
        extras=extras,
        editable=True,
        local_path=local_path,
        line=1,
        col=col,
        end_col=end_col,
        text=line,
    )


@pytest.mark.parametrize(
    ("line", "local_path", "extras"),
    [
        ("./libs/common", "./libs/common", ()),
        (".", ".", ()),
        (".[extra]", ".", ("extra",)),
        ("../pkg[x]", "../pkg", ("x",)),
        ("/opt/src/pkg", "/opt/src/pkg", ()),
        ("vendor/pkg-1.0.tar.gz", "vendor/pkg-1.0.tar.gz", ()),
        ("pkg-1.0.tar.gz", "pkg-1.0.tar.gz", ()),
    ],
)
def test_non_editable_local_paths(line: str, local_path: str, extras: tuple[str, ...]) -> None:
    assert only(line) == Requirement(
        name=None, extras=extras, local_path=local_path, line=1, col=1, end_col=len(line) + 1, text=line
    )


@pytest.mark.parametrize(
    ("line", "url", "local_path", "name"),
    [
        ("file:../shared", "file:../shared", "../shared", None),
        ("file:///opt/pkgs/lib#egg=lib", "file:///opt/pkgs/lib#egg=lib", "/opt/pkgs/lib", "lib"),
        ("name @ file:///opt/wheels/x", "file:///opt/wheels/x", "/opt/wheels/x", "name"),
        ("file://localhost/srv/a%20b", "file://localhost/srv/a%20b", "/srv/a b", None),
    ],
)
def test_file_urls_give_local_paths(line: str, url: str, local_path: str, name: str | None) -> None:
    requirement = only(line)
    assert (requirement.url, requirement.local_path, requirement.name) == (url, local_path, name)
    assert (requirement.editable, requirement.vcs) == (False, False)


def test_wheel_file_is_named_from_its_file_name() -> None:
    assert only("./dist/My_Pkg-1.0-py3-none-any.whl") == Requirement(
        name="my-pkg",
        canonical_name="my-pkg",
        specifier="==1.0",
        local_path="./dist/My_Pkg-1.0-py3-none-any.whl",
        line=1,
        col=1,
        end_col=35,
        text="./dist/My_Pkg-1.0-py3-none-any.whl",
    )


def test_vcs_requirement_with_egg() -> None:
    line = "git+https://github.com/x/y.git@v1#egg=y"
    assert only(line) == Requirement(
        name="y", canonical_name="y", url=line, vcs=True, line=1, col=1, end_col=40, text=line
    )


def test_vcs_requirement_without_egg_is_unnamed() -> None:
    line = "git+https://github.com/celery/kombu.git"
    assert only(line) == Requirement(name=None, url=line, vcs=True, line=1, col=1, end_col=40, text=line)


def test_quoted_editable_spans_its_quotes() -> None:
    line = '-e "git+https://github.com/x/y.git#egg=y&subdirectory=sub"'
    requirement = only(line)
    assert (requirement.name, requirement.url, requirement.col, requirement.end_col) == (
        "y",
        "git+https://github.com/x/y.git#egg=y&subdirectory=sub",
        4,
        59,
    )


def test_editable_vcs_requirement() -> None:
    line = "-e git+ssh://git@github.com/org/Lib.git@main#egg=Lib"
    requirement = only(line)
    assert (requirement.name, requirement.canonical_name, requirement.editable, requirement.vcs) == (
        "Lib",
        "lib",
        True,
        True,
    )
    assert (requirement.url, requirement.local_path, requirement.col) == (line[3:], None, 4)


def test_pep508_direct_url_with_marker() -> None:
    line = 'foo[bar] @ git+https://github.com/x/y ; python_version < "3.8"'
    assert only(line) == Requirement(
        name="foo",
        canonical_name="foo",
        extras=("bar",),
        marker='python_version < "3.8"',
        url="git+https://github.com/x/y",
        vcs=True,
        line=1,
        col=1,
        end_col=63,
        text=line,
    )


def test_hashes_continued_across_lines() -> None:
    text = "# pinned\npkg==1.0 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\nnext==2\n"
    result = parse(text)
    assert result.problems == ()
    assert result.requirements == (
        Requirement(
            name="pkg",
            canonical_name="pkg",
            specifier="==1.0",
            hashes=("sha256:aaaa", "sha256:bbbb"),
            options=("--hash sha256:aaaa", "--hash sha256:bbbb"),
            line=2,
            col=1,
            end_col=9,
            text="pkg==1.0     --hash=sha256:aaaa     --hash=sha256:bbbb",
        ),
        Requirement(name="next", canonical_name="next", specifier="==2", line=5, col=1, end_col=8, text="next==2"),
    )


def test_no_binary_on_a_requirement_line_is_kept_and_applies_globally() -> None:
    assert parse("lxml --no-binary lxml\n") == RequirementsFile(
        path="requirements.txt",
        requirements=(
            Requirement(
                name="lxml",
                canonical_name="lxml",
                options=("--no-binary lxml",),
                line=1,
                col=1,
                end_col=5,
                text="lxml --no-binary lxml",
            ),
        ),
        options=(PipOption("--no-binary", "lxml", 1, 6, 22),),
    )


def test_markers_specifiers_and_comments() -> None:
    requirement = only('  requests[socks]>=2,<3 ; python_version > "3.6"  # needed\n')
    assert requirement == Requirement(
        name="requests",
        canonical_name="requests",
        specifier="<3,>=2",
        extras=("socks",),
        marker='python_version > "3.6"',
        line=1,
        col=3,
        end_col=49,
        text='requests[socks]>=2,<3 ; python_version > "3.6"',
    )


def test_comment_lines_and_hash_inside_url_are_handled_like_pip() -> None:
    text = "# comment \\\nflask#not-a-comment\n\n  # indented\nDjango  # trailing\n"
    result = parse(text)
    assert result.problems == (
        ParseProblem(
            "Invalid requirement: 'flask#not-a-comment': Expected semicolon (after name with no version "
            "specifier) or end",
            2,
            6,
            2,
            20,
        ),
    )
    assert [(r.name, r.line) for r in result.requirements] == [("Django", 5)]


def test_includes_and_global_options() -> None:
    text = (
        "-r base.txt\n"
        "--requirement=other/dev.txt\n"
        "-c constraints.txt\n"
        "-i https://pypi.example.com/simple\n"
        "--extra-index-url https://extra.example.com/simple\n"
        "-f ./wheels\n"
        "--trusted-host pypi.example.com\n"
        "--no-binary :all:\n"
        "--pre\n"
    )
    result = parse(text)
    assert result.problems == ()
    assert result.requirements == ()
    assert result.includes == (
        Include(IncludeKind.REQUIREMENT, "base.txt", 1, 4, 12),
        Include(IncludeKind.REQUIREMENT, "other/dev.txt", 2, 15, 28),
        Include(IncludeKind.CONSTRAINT, "constraints.txt", 3, 4, 19),
    )
    assert result.options == (
        PipOption("--index-url", "https://pypi.example.com/simple", 4, 1, 35),
        PipOption("--extra-index-url", "https://extra.example.com/simple", 5, 1, 51),
        PipOption("--find-links", "./wheels", 6, 1, 12),
        PipOption("--trusted-host", "pypi.example.com", 7, 1, 32),
        PipOption("--no-binary", ":all:", 8, 1, 18),
        PipOption("--pre", None, 9, 1, 6),
    )


def test_malformed_line_gives_packagings_reason_and_position() -> None:
    result = parse("flask\npkg = 1.0\n")
    assert [r.name for r in result.requirements] == ["flask"]
    assert result.problems == (
        ParseProblem(
            "Invalid requirement: 'pkg = 1.0': Expected semicolon (after name with no version specifier) "
            "or end (hint: = is not a valid operator. Did you mean == ?)",
            2,
            5,
            2,
            10,
        ),
    )


def test_invalid_marker_points_into_the_marker() -> None:
    assert parse('x==1;python_version<"3" and\n').problems == (
        ParseProblem("Invalid requirement: 'x==1': Expected a marker variable or quoted string", 1, 28, 1, 28),
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-e requests==2.0\n", ParseProblem(invalid_editable_message("requests==2.0"), 1, 4, 1, 17)),
        (
            "-e https://x.org/a.tar.gz\n",
            ParseProblem(invalid_editable_message("https://x.org/a.tar.gz"), 1, 4, 1, 26),
        ),
        (
            "-e git+https://github.com/x/y.git\n",
            ParseProblem(
                "Could not detect requirement name for 'git+https://github.com/x/y.git', please specify one "
                "with your_package_name @ URL",
                1,
                4,
                1,
                34,
            ),
        ),
        ("--install-option=--x\n", ParseProblem("no such option: --install-option", 1, 1, 1, 21)),
        ("pkg --foo\n", ParseProblem("no such option: --foo", 1, 5, 1, 10)),
        ("-r\n", ParseProblem("-r option requires 1 argument", 1, 1, 1, 3)),
        (
            "--no bar\n",
            ParseProblem("ambiguous option: --no (--no-binary, --no-index, --no-require-hashes?)", 1, 1, 1, 5),
        ),
        (
            "pkg==1 --hash=md5:abc\n",
            ParseProblem("Allowed hash algorithms for --hash are sha256, sha384, sha512.", 1, 8, 1, 22),
        ),
        (
            "pkg==1 --hash abc\n",
            ParseProblem(
                "Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde...",
                1,
                8,
                1,
                18,
            ),
        ),
        (
            "pkg --config-settings x\n",
            ParseProblem("Arguments to --config-settings must be of the form KEY=VAL", 1, 5, 1, 24),
        ),
        ("pkg --hash 'x\n", ParseProblem("Could not split options: --hash 'x", 1, 5, 1, 14)),
        ("https://x/y#egg=y[z]\n", ParseProblem("The 'y[z]' egg fragment is invalid", 1, 1, 1, 21)),
        ("bad.whl\n", ParseProblem("Invalid wheel filename (wrong number of parts): 'bad'", 1, 1, 1, 8)),
        (
            "flask django\n",
            ParseProblem(
                "Invalid requirement: 'flask django': Expected semicolon (after name with no version specifier) or end",
                1,
                7,
                1,
                13,
            ),
        ),
    ],
)
def test_lines_pip_rejects(text: str, problem: ParseProblem) -> None:
    result = parse(text)
    assert result.requirements == ()
    assert result.problems == (problem,)


def test_invalid_editable_message_is_pips() -> None:
    assert invalid_editable_message("../x") == (
        "../x is not a valid editable requirement. It should either be a path to a local project or a VCS "
        f"URL (beginning with {VCS_SCHEMES})."
    )


def test_abbreviated_options_resolve_like_optparse() -> None:
    result = parse("--index https://i.example/simple\n--requirem base.txt\n--req x.txt\n")
    assert result.options == (PipOption("--index-url", "https://i.example/simple", 1, 1, 33),)
    assert result.includes == (Include(IncludeKind.REQUIREMENT, "base.txt", 2, 12, 20),)
    assert result.problems == (ParseProblem("ambiguous option: --req (--require-hashes, --requirement?)", 3, 1, 3, 6),)


def test_lines_with_environment_variables_are_not_reported() -> None:
    result = parse("${PKG}\ngit+https://${TOKEN}@github.com/o/r.git#egg=r\n")
    assert result.problems == ()
    assert [r.name for r in result.requirements] == ["r"]


def test_requirement_spanning_lines_is_clipped_to_its_first_line() -> None:
    requirement = only("django\\\n>=4\n")
    assert (requirement.specifier, requirement.line, requirement.col, requirement.end_col) == (">=4", 1, 1, 7)


def test_crlf_and_empty_input() -> None:
    assert parse("") == RequirementsFile(path="requirements.txt")
    result = parse("a==1\r\nb==2\r\n")
    assert [(r.name, r.line, r.end_col) for r in result.requirements] == [("a", 1, 5), ("b", 2, 5)]


def test_canonical() -> None:
    assert canonical("Django_REST.framework") == "django-rest-framework"


def test_never_raises_and_positions_stay_inside_the_text() -> None:
    # A seeded fuzz (hypothesis would leave a .hypothesis directory in the checkout).
    rng = random.Random(20261128)
    alphabet = "ab-e.=<>;@/\\#[] \n\t'\"$:{}~^+*,1rc"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        result = parse_requirements(text, "r.txt")
        lines = text.splitlines()
        positions = [(r.line, r.col) for r in result.requirements] + [(p.line, p.col) for p in result.problems]
        positions += [(i.line, i.col) for i in result.includes] + [(o.line, o.col) for o in result.options]
        for line, col in positions:
            assert 1 <= line <= max(len(lines), 1), text
            assert 1 <= col <= (len(lines[line - 1]) + 1 if lines else 1), text


CORPUS_FILES = (
    sorted(p for p in CORPUS.rglob("*.txt") if "requirements" in str(p.relative_to(CORPUS)).lower())
    if CORPUS.is_dir()
    else []
)


@pytest.mark.skipif(not CORPUS_FILES, reason="corpus not present")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_files_are_valid(path: Path) -> None:
    result = parse_requirements(decode(path.read_bytes()), str(path))
    assert result.problems == ()
    for include in result.includes:
        assert (path.parent / include.target).is_file()


@pytest.mark.skipif(not CORPUS_FILES, reason="corpus not present")
def test_corpus_details() -> None:
    netbox = parse_requirements(
        (CORPUS / "netbox-community__netbox-docker/requirements-container.txt").read_text(), "r.txt"
    )
    assert netbox.options == (PipOption("--no-binary", "lxml,xmlsec", 4, 22, 45),)
    sentry = (CORPUS / "getsentry__self-hosted/sentry/requirements.example.txt").read_text()
    assert parse_requirements(sentry, "r.txt") == RequirementsFile("r.txt")  # a comment only
    dev = parse_requirements((CORPUS / "celery__celery/requirements/dev.txt").read_text(), "dev.txt")
    assert [(r.url, r.vcs, r.name) for r in dev.requirements][:1] == [
        ("git+https://github.com/celery/py-amqp.git", True, None)
    ]


# Lines whose verdict changed between pip releases: preflight follows current pip, so an older
# pip (the one a fresh `python3 -m venv` bundles, 23.2 on Python 3.11) is expected to disagree
# on exactly these, in the direction its release notes say.
PIP_CHANGED_ITS_MIND = {
    # packaging 22 (vendored from pip 24.1) accepts a trailing comma in a specifier set
    "foo>=1,": ("packaging", (22,)),
    # pip 25.0 enforces PEP 508 names in `#egg=` fragments (a deprecation warning before)
    "https://x/y#egg=y[z]": ("pip", (25, 0)),
}


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def _current_pip_behaviour(line: str) -> bool:
    """Whether the installed pip behaves as current pip (and preflight) on a line of the table."""
    import pip
    from pip._vendor import packaging

    component, since = PIP_CHANGED_ITS_MIND[line]
    version = pip.__version__ if component == "pip" else packaging.__version__
    return _release(version) >= since


def test_pip_agrees_on_what_it_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    constructors = pytest.importorskip("pip._internal.req.constructors")
    monkeypatch.chdir(tmp_path)
    lines = [
        "pkg = 1.0",
        "flask django",
        "x[",
        "foo==1.0;",
        "foo ; bogus",
        "Django>=3.2,<4",
        "foo===1.0",
        "foo~=1",
        "foo>=1,",
        "a.b-c_d",
        "name@https://x/y.whl",
        "https://x/y#egg=y[z]",
        "bad.whl",
        "git+ssh://git@github.com/x/y.git#egg=y",
        "pkg[a,b]==1 ; extra == 'x'",
        "pkg>=1.0[extra]",
    ]
    for line in lines:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pip's own deprecation warnings
                constructors.install_req_from_line(line)
            pip_rejects = False
        except Exception:  # noqa: BLE001 - any pip error counts as a rejection
            pip_rejects = True
        we_reject = bool(parse(line).problems)
        if line in PIP_CHANGED_ITS_MIND and not _current_pip_behaviour(line):
            assert we_reject != pip_rejects, f"{line}: this pip should still judge it the old way"
        else:
            assert we_reject == pip_rejects, line
    for target in ["x==1", "git+https://x/y#egg=z", "git://x/y#egg=z", "https://x/y"]:
        try:
            constructors.parse_editable(target)
            pip_rejects = False
        except Exception:  # noqa: BLE001
            pip_rejects = True
        assert bool(parse(f"-e {target}").problems) == pip_rejects, target
    assert bool(parse('-e "foo @ https://x/y"').problems)  # pip rejects it too
    assert not parse("-e foo @ https://x/y").problems  # pip sees only "-e foo": fine if ./foo exists
    assert os.getcwd() == str(tmp_path)


def test_current_pip_verdicts_on_lines_pip_changed_its_mind_about() -> None:
    # what preflight says, whatever pip is installed: current pip's verdict
    assert not parse("foo>=1,").problems
    assert parse("https://x/y#egg=y[z]").problems


def test_url_credentials_never_reach_messages() -> None:
    """An index token or a URL password in a requirements file is a secret like any other."""
    parsed = parse_requirements(
        "flask @ https://user:cnryPass1@example.com/flask.whl\nbad @ https://__token__:cnryTok2@x/y z ===\n",
        "requirements.txt",
    )
    shown = [r.text for r in parsed.requirements] + [p.message for p in parsed.problems]
    assert shown
    assert not [s for s in shown if "cnry" in s]
    assert parsed.requirements[0].text == "flask @ https://***@example.com/flask.whl"


def test_a_bare_requirements_file_path_is_rejected_with_the_r_advice() -> None:
    parsed = parse_requirements("flask\nrequirements/base.txt\n./libs/shared\n-r requirements/dev.txt\n", "r.txt")
    assert [r.name or r.local_path for r in parsed.requirements] == ["flask", "./libs/shared"]
    assert [i.target for i in parsed.includes] == ["requirements/dev.txt"]
    (problem,) = parsed.problems
    assert (problem.line, problem.col) == (2, 1)
    assert problem.message.startswith("Invalid requirement: 'requirements/base.txt'")
    assert problem.help is not None
    assert problem.help.startswith("add `-r`: `-r requirements/base.txt`")


def test_a_path_to_an_archive_or_a_plain_name_ending_in_txt_is_not_a_requirements_file() -> None:
    parsed = parse_requirements("dist/app-1.0.tar.gz\nbase.txt\n", "r.txt")
    assert not parsed.problems
    assert [r.local_path for r in parsed.requirements] == ["dist/app-1.0.tar.gz", None]
