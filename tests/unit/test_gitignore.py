"""`.gitignore` semantics, compared with `git check-ignore` itself; and the walk that uses them."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from preflight.discover import walk_repository
from preflight.parse.gitignore import Gitignore, parse_gitignore

if TYPE_CHECKING:
    from pathlib import Path

GIT = shutil.which("git")
ROOT_PATTERNS = (
    """\
# comment
*.log
!keep.log
build/
/only-root.txt
docs/*.md
**/cache
a/**/b
temp?
[abc].txt
[!x]y.txt
\\#hash
x/**
"""
    + "trailing-space.txt   \n"
)  # git strips unescaped trailing spaces
SUB_PATTERNS = "*.tmp\n!important.log\n/local\n"
DIRS = ["build", "src/build", "docs/api", "a/b", "a/x/y/b", "x/y", "sub/local", "sub/deep/local", "src/cache"]
FILES = [
    "app.log", "keep.log", "src/deep/app.log", "only-root.txt", "src/only-root.txt", "docs/readme.md",
    "docs/api/readme.md", "readme.md", "temp1", "temp12", "a.txt", "d.txt", "ay.txt", "xy.txt", "#hash",
    "trailing-space.txt", "x/file", "keep.txt", "sub/important.log", "sub/other.log", "sub/a.tmp",
    "a.tmp", "sub/local/file", "sub/deep/local/file", "a/x/y/b/f", "build/out.txt", "src/cache/f",
]  # fmt: skip


def _ours(rel: str, is_dir: bool, rules: Gitignore) -> bool:
    parts = rel.split("/")
    parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
    return any(rules.ignored(p, True) for p in parents) or rules.ignored(rel, is_dir)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_agrees_with_git_check_ignore(tmp_path: Path) -> None:
    assert GIT is not None
    subprocess.run([GIT, "init", "-q", str(tmp_path)], check=True, timeout=60)
    (tmp_path / ".gitignore").write_text(ROOT_PATTERNS, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text(SUB_PATTERNS, encoding="utf-8")
    for d in DIRS:
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    for f in FILES:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("x", encoding="utf-8")
    paths = DIRS + FILES
    proc = subprocess.run(
        [GIT, "check-ignore", "--no-index", *paths], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    git_says = set(proc.stdout.splitlines())
    rules = Gitignore()
    rules.add(parse_gitignore(ROOT_PATTERNS))
    rules.add(parse_gitignore(SUB_PATTERNS, "sub"))
    ours = {p for p in paths if _ours(p, (tmp_path / p).is_dir(), rules)}
    assert sorted(ours) == sorted(git_says)
    assert "keep.log" not in ours
    assert "sub/important.log" not in ours
    assert "build/out.txt" in ours


def test_the_walk_skips_ignored_folders_but_never_env_or_compose_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("out/\n.env\n*.yml\ngenerated.txt\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    for name in (".env", "docker-compose.override.yml", "generated.txt", "kept.txt"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    folders = walk_repository(tmp_path, gitignore=True)
    assert [f.path for f in folders] == [tmp_path]
    assert folders[0].files == (".env", ".gitignore", "docker-compose.override.yml", "kept.txt")
    everything = walk_repository(tmp_path, gitignore=False)
    assert [f.path.name for f in everything] == [tmp_path.name, "out"]


def test_the_walk_skips_build_output_but_enters_a_package_named_build(tmp_path: Path) -> None:
    for name in ("app/__init__.py", "app/build/__init__.py", "app/build/steps.py", "build/lib/app/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    walked = {f.path.relative_to(tmp_path).as_posix() for f in walk_repository(tmp_path)}
    assert walked == {".", "app", "app/build"}
