"""Secret files of a build context that a COPY puts into the final image.

A candidate is found by its name and confirmed by its shape, never shown:

* an env file (`.env`, `.env.production`; not a template such as `.env.example`) that gives a
  secret-named variable (`*SECRET*`, `*PASSWORD*`, `*TOKEN*`, `*_KEY`...) a value;
* a private key: `id_rsa`, `*.pem`, `*.key` holding a `PRIVATE KEY` block;
* a credentials file: `.pypirc`, `.netrc`, `.git-credentials`, a cloud service-account key.

Folders of tests, fixtures and examples are left out: the keys there are made for tests. An
env file counts only when git ignores it: it then holds this working copy's own values, while
a committed one holds the project's shared defaults.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from preflight.files import read_small_text
from preflight.model.compose.env import TEMPLATE_NAMES
from preflight.model.image.context import path_under
from preflight.model.image.filesystem import Presence, image_paths_of
from preflight.model.image.stages import CopyOp
from preflight.parse.gitignore import MAX_GITIGNORE_BYTES, Gitignore, parse_gitignore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from preflight.model.image.build import ImageModel
    from preflight.model.project import Project

_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        "site-packages",
    }
)
_NOT_SECRET_DIRS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "testdata",
        "test_data",
        "fixtures",
        "fixture",
        "example",
        "examples",
        "sample",
        "samples",
        "docs",
        "doc",
        "demo",
        "spec",
    }
)
_TEMPLATE_SUFFIXES = frozenset(
    {"example", "sample", "template", "tmpl", "tpl", "dist", "default", "defaults", "skel", "in", "j2", "test", "ci"}
)
_KEY_FILES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
_SECRET_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_.]*"
    r"(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|_KEY\b|_PASS\b|_DSN\b)"
    r"[A-Za-z0-9_.]*[ \t]*=[ \t]*[^\s#]",
    re.MULTILINE | re.IGNORECASE,
)
_MAX_FILES = 50_000


@dataclass(frozen=True, slots=True)
class BakedSecret:
    """A secret file of the build context that the final image contains."""

    model: ImageModel
    context_path: str
    """Path in the build context (POSIX)."""
    repo_path: str
    """Root-relative path in the repository."""
    image_path: str
    kind: str
    """What it is, in words: 'env file', 'private key', 'credentials file'."""
    copy: CopyOp
    """The COPY/ADD that puts it there."""


def baked_secrets(project: Project) -> Iterator[BakedSecret]:
    """Secret files that end up in the final stage of every image compose builds."""
    for model in project.images:
        if not model.services or model.fs is None or model.image is None or model.image.final is None:
            continue
        context = model.fs.context
        if not context.known:
            continue
        final = model.image.final
        for rel, kind in _secret_files(project, context.root):
            if context.excluded_by(rel) is not None:
                continue
            repo_path = project.rel(context.root / rel)
            if kind == "env file" and not _git_ignored(project.root, repo_path):
                continue  # committed: the project's shared defaults, not a local secret
            for image_path in _image_paths(model, rel):
                found = model.fs.locate(final, image_path)
                if found.presence is Presence.PRESENT and found.context_path == rel and found.op is not None:
                    yield BakedSecret(model, rel, repo_path, image_path, kind, found.op)
                    break


def _secret_files(project: Project, root: Path) -> list[tuple[str, str]]:
    """`_candidates` of a build context, found once per check (images often share a context)."""
    found = project.derived(_secret_files_by_context)
    if root not in found:
        found[root] = list(_candidates(root))
    return found[root]


def _secret_files_by_context(project: Project) -> dict[Path, list[tuple[str, str]]]:
    """The check's cache of `_secret_files`, by build context."""
    return {}


def _git_ignored(root: Path, repo_path: str) -> bool:
    """Whether the `.gitignore` files from the checked root down to the file ignore it: a file
    that exists only in this working copy (local values), not one the repository shares."""
    ignore = Gitignore()
    parts = repo_path.split("/")
    for depth in range(len(parts)):
        base = "/".join(parts[:depth])
        text = read_small_text(root / base / ".gitignore", MAX_GITIGNORE_BYTES)
        if text is not None:
            ignore.add(parse_gitignore(text, base))
    return ignore.ignored(repo_path, is_dir=False) or any(
        ignore.ignored("/".join(parts[:depth]), is_dir=True) for depth in range(1, len(parts))
    )


def _image_paths(model: ImageModel, rel: str) -> list[str]:
    """Where the stages' COPYs put a context path, and where a `COPY --from=<stage>` takes it on."""
    assert model.fs is not None  # noqa: S101 - checked by the caller
    assert model.image is not None  # noqa: S101 - checked by the caller
    paths: dict[str, None] = {}
    for stage in model.image.stages:
        for path in image_paths_of(model.fs, stage, rel):
            paths[path] = None
            for later in model.image.stages:
                for op in later.ops:
                    if isinstance(op, CopyOp) and op.from_stage == stage.index and op.dest and op.sources:
                        for source in op.sources:
                            under = path_under(path, posixpath.normpath(posixpath.join("/", source)))
                            if under is not None:
                                paths[posixpath.normpath(posixpath.join(op.dest, under))] = None
    return list(paths)


def _candidates(root: Path) -> Iterator[tuple[str, str]]:
    """(context path, kind) of the secret-shaped files under ``root``."""
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and d.lower() not in _NOT_SECRET_DIRS)
        for name in sorted(files):
            seen += 1
            if seen > _MAX_FILES:
                return
            kind = _kind_by_name(name)
            if kind is None:
                continue
            path = Path(folder) / name
            if path.is_symlink():
                continue
            text = read_small_text(path, 256_000)
            if text is None or not _confirmed(kind, name, text):
                continue
            rel = path.relative_to(root).as_posix()
            yield rel, kind


def _kind_by_name(name: str) -> str | None:
    lower = name.lower()
    if lower == ".env" or (lower.startswith(".env.") and not _is_template(lower)):
        return "env file"
    if lower in _KEY_FILES or lower.endswith((".pem", ".key")):
        return "private key"
    if lower in (".pypirc", ".netrc", ".git-credentials") or (
        lower.endswith(".json") and ("service-account" in lower or "service_account" in lower or "credentials" in lower)
    ):
        return "credentials file"
    return None


def _is_template(lower: str) -> bool:
    if lower in TEMPLATE_NAMES:
        return True
    suffixes = set(lower.removeprefix(".env.").split("."))
    return bool(suffixes & _TEMPLATE_SUFFIXES)


def _confirmed(kind: str, name: str, text: str) -> bool:
    """Whether the file's contents have the shape of a secret (the contents are never reported)."""
    if kind == "env file":
        return _SECRET_ASSIGNMENT.search(text) is not None
    if kind == "private key":
        return _PRIVATE_KEY.search(text) is not None
    lower = name.lower()
    if lower.endswith(".json"):
        return '"private_key"' in text or '"client_secret"' in text
    if lower == ".git-credentials":
        return "@" in text
    return "password" in text.lower()
