"""`preflight.parse.pip_links` against pip-requirements-parser (pip's own `Link`, `is_url`,
`is_archive_file`), on handwritten URLs and paths and on generated ones."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from preflight.parse import pip_links

pip = pytest.importorskip("pip_requirements_parser")

SAMPLES = [
    "git+https://github.com/a/b.git#egg=foo",
    "git+ssh://git@github.com/a/b@v1#egg=pkg&x=1",
    "hg+static-http://h/x#egg=a&subdirectory=b",
    " https://a/b#egg=x ",
    "https://x/y/z-1.0.tar.gz",
    "file:///tmp/a%20b/c",
    "FILE:///X",
    "Git+HTTPS://example.com/r.git",
    "name@http://foo.com",
    "name @ https://foo.com/p.whl",
    "git://foo.com",
    "www.foo.com",
    "ftp://foo.com",
    "svn+svn://s/p",
    "git+file:///a#egg=",
    "./a.whl",
    "x.TAR.GZ",
    "x.tar.baz",
    "a.tgz",
    "foo.tar",
    ".tar",
    "C:/foo/bar.zip",
    "",
]

_PIECES = [*"ab.+:/#&=@%20 [tgzipwhlrxTAR", "git+", "https", "file", "egg=", ".tar", "://"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


def _same(text: str) -> None:
    assert pip_links.is_url(text) == pip.is_url(text)
    assert pip_links.is_archive_file(text) == pip.is_archive_file(text)
    try:
        theirs = pip.Link(text)
        expected = (theirs.scheme, theirs.path, theirs.egg_fragment, theirs.is_vcs)
    except ValueError:  # urlsplit refuses it (an invalid IPv6 host): so do we
        with pytest.raises(ValueError, match="IPv6"):  # noqa: PT012 - every property splits the URL
            ours = pip_links.Link(text)
            _ = (ours.scheme, ours.path)
        return
    ours = pip_links.Link(text)
    assert (ours.scheme, ours.path, ours.egg_fragment, ours.is_vcs) == expected


@pytest.mark.parametrize("text", SAMPLES)
def test_handwritten(text: str) -> None:
    _same(text)


@given(_TEXT)
@example("git+https://h/p#egg=x&egg=y")
def test_generated(text: str) -> None:
    _same(text)


def test_vcs_schemes_in_pips_order() -> None:
    assert list(pip_links.VCS_SCHEMES) == list(pip.vcs_all_schemes)
