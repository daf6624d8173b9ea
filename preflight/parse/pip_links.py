"""How pip reads the URL and archive parts of a requirement (its `Link`, `is_url`, `is_archive_file`).

Only what the requirements reader asks: a URL's scheme, its unquoted path, its ``#egg=`` name and
whether it names a VCS checkout; whether a requirement is a URL pip accepts; whether a path names
an archive pip installs. Written from pip's documented behaviour and tested against it; it needs
only :mod:`urllib.parse` (pip's own module brings :mod:`urllib.request`, :mod:`email` and
:mod:`http` with it, which cost more than reading a requirements file).
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from dataclasses import dataclass

VCS_SCHEMES = (
    "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp", "bzr+file",
    "git+http", "git+https", "git+ssh", "git+git", "git+file",
    "hg+file", "hg+http", "hg+https", "hg+ssh", "hg+static-http",
    "svn+ssh", "svn+http", "svn+https", "svn+svn", "svn+file",
)  # fmt: skip
"""The ``vcs+transport`` schemes pip installs from, in pip's order (its error message lists them)."""

_URL_SCHEMES = frozenset({"http", "https", "file", "ftp", *VCS_SCHEMES})
_ARCHIVES = (".zip", ".whl", ".tar.bz2", ".tbz", ".tar.gz", ".tgz", ".tar", ".tar.xz", ".txz", ".tlz", ".tar.lz",
             ".tar.lzma")  # fmt: skip
_EGG = re.compile(r"[#&]egg=([^&]*)")


@dataclass(frozen=True, slots=True)
class Link:
    """A requirement's URL as pip splits it."""

    url: str

    @property
    def scheme(self) -> str:
        """The scheme, lower-cased (``git+https``; ``""`` for none)."""
        return urllib.parse.urlsplit(self.url).scheme

    @property
    def path(self) -> str:
        """The URL's path, percent-decoded."""
        return urllib.parse.unquote(urllib.parse.urlsplit(self.url).path)

    @property
    def egg_fragment(self) -> str | None:
        """The project name of an ``#egg=`` fragment (the first one), else None."""
        match = _EGG.search(self.url.strip())
        return match[1] if match else None

    @property
    def is_vcs(self) -> bool:
        """Whether pip checks the URL out with a version control tool."""
        return self.scheme in VCS_SCHEMES


def is_url(name: str) -> bool:
    """Whether pip takes a requirement for a URL: its text before the first ``:`` (lower-cased)
    is http, https, file, ftp or a VCS scheme (``name @ https://...`` is not: it is PEP 508)."""
    scheme, colon, _ = name.partition(":")
    return bool(colon) and scheme.lower() in _URL_SCHEMES


def is_archive_file(name: str) -> bool:
    """Whether a path's extension names an archive pip installs (``.tar.gz`` counts as one)."""
    base, ext = posixpath.splitext(name)
    if base.lower().endswith(".tar"):
        ext = base[-4:] + ext
    return bool(name) and ext.lower() in _ARCHIVES
