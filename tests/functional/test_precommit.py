"""The pre-commit hook for real: `pre-commit try-repo` against a snapshot of this project.

`try-repo` on a checkout with uncommitted changes commits only *tracked* files (`git add -u`)
into a shadow clone, so new files (the hook manifest itself, new modules) would be missing.
The test therefore snapshots the working tree (tracked and untracked, minus ignored files)
into a temporary git repository and points `try-repo` at that. pre-commit then pip-installs
the project into its own environment, as it does for users.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
EXAMPLES = REPO / "examples"
GIT = shutil.which("git")
NETWORK_TROUBLE = re.compile(
    r"Failed to establish a new connection|Temporary failure in name resolution|Network is unreachable"
    r"|Could not fetch URL|ConnectTimeout|ReadTimeout|Max retries exceeded",
)
MINIMAL_PROJECT = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "preflight")

needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _hook() -> dict[str, Any]:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    assert len(hooks) == 1
    hook = hooks[0]
    assert isinstance(hook, dict)
    return hook


def test_manifest_validates() -> None:
    pytest.importorskip("pre_commit")
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["id"] == "preflight"
    assert hook["name"]
    assert hook["entry"] == "preflight check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


MATCHED = [
    "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "docker-compose.override.yml",
    "docker-compose.prod.yaml", "docker-compose-dev.yml", "compose.override.yaml", "compose.prod.yml",
    "deploy/compose.yaml", "Dockerfile", "api/Dockerfile", "Dockerfile.prod", "api/Dockerfile.dev",
    "api.Dockerfile", "worker.dockerfile", "Containerfile", ".dockerignore", "api/.dockerignore",
    "Dockerfile.dockerignore", "requirements.txt", "requirements-dev.txt", "api/requirements_test.txt",
    "requirements/base.txt", "constraints.txt", "requirements.in", "tools/dev.in", ".env", ".env.example",
    "svc/.env.prod", "pyproject.toml", "api/pyproject.toml", "setup.cfg", "preflight.toml", "app/main.py",
]  # fmt: skip
UNMATCHED = [
    "README.md", "compose.json", "docs/compose.md", "mycompose.yaml", "config.yaml",
    ".github/workflows/ci.yml", "src/app.js", "package.json", "notes.txt", "requirements.md",
    "env.txt", "app/templates/index.html", "docs/Dockerfile-guide.md", "setup.py.orig",
]  # fmt: skip


@pytest.mark.parametrize("path", MATCHED)
def test_files_pattern_matches(path: str) -> None:
    assert re.search(_hook()["files"], path), path


@pytest.mark.parametrize("path", UNMATCHED)
def test_files_pattern_skips(path: str) -> None:
    assert not re.search(_hook()["files"], path), path


def _git(*args: str, cwd: Path) -> str:
    assert GIT is not None
    proc = subprocess.run(
        [GIT, "-c", "user.name=preflight tests", "-c", "user.email=tests@example.invalid",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return proc.stdout


def _project_files() -> list[str]:
    """The working tree's files: tracked and untracked, not ignored (a fixed set without git)."""
    if (REPO / ".git").exists():
        listing = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=REPO)
        return [name for name in listing.split("\0") if name]
    return list(MINIMAL_PROJECT)


def _commit_copy(target: Path) -> None:
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "snapshot", cwd=target)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed snapshot of this project (the repository pre-commit installs the hook from)."""
    snapshot = tmp_path_factory.mktemp("hook") / "preflight"
    for name in _project_files():
        source = REPO / name
        if "__pycache__" in source.parts:
            continue
        if source.is_dir():
            shutil.copytree(source, snapshot / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    assert (snapshot / ".pre-commit-hooks.yaml").is_file()
    _commit_copy(snapshot)
    return snapshot


def _checked_repo(base: Path, example: str) -> Path:
    target = base / example
    shutil.copytree(EXAMPLES / example, target)
    _commit_copy(target)
    return target


@pytest.mark.slow
@needs_git
def test_try_repo_fails_on_the_broken_stack_and_passes_on_the_fixed_one(hook_repo: Path, tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_COLOR="1")
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "preflight", "--all-files"]
    runs = {}
    # Both runs install the hook's environment (try-repo uses a fresh store each time): in parallel.
    for example in ("incident", "incident-fixed"):
        runs[example] = subprocess.Popen(
            [*command, "--color=never"],
            cwd=_checked_repo(tmp_path, example), env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
    results = {}
    for example, proc in runs.items():
        output, _ = proc.communicate(timeout=300)
        results[example] = (proc.returncode, output)
    for code, output in results.values():
        if code not in (0, 1) and NETWORK_TROUBLE.search(output):
            pytest.skip("pre-commit could not install the hook environment (package index unreachable)")

    code, output = results["incident"]
    assert code == 1, output
    assert re.search(r"^preflight \(.*\)\.+Failed$", output, re.MULTILINE), output
    assert "- hook id: preflight" in output
    assert "- exit code: 1" in output
    assert "docker-compose.yml:35:25: PF201 [error] variable `AIRTABLE_BASE_ID` is not set" in output
    assert "Traceback" not in output

    code, output = results["incident-fixed"]
    assert code == 0, output
    assert re.search(r"^preflight \(.*\)\.+Passed$", output, re.MULTILINE), output
