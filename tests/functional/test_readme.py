"""README's snippets work as written: the commands CI runs, and the revisions users pin."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")
GIT = shutil.which("git")


def _sh_block_after(phrase: str) -> str:
    """The first line of the first ```sh block after `phrase` (as .ci/run reads it)."""
    after = README[README.index(phrase) :]
    match = re.search(r"^```sh\n(.*)\n", after, re.MULTILINE)
    assert match, phrase
    return match.group(1)


def test_ci_runs_readme_test_command_as_written() -> None:
    command = _sh_block_after("run the whole test suite")
    assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && ")
    assert command.endswith("&& .venv/bin/pytest")
    # .ci/run reads the command from README.md and runs it; nothing upgrades pip before it
    assert "awk '/run the whole test suite/" in CI
    assert 'bash -euo pipefail -c "$readme_command"' in CI
    assert "--upgrade pip" not in CI
    assert "--upgrade pip" not in command


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    assert GIT is not None
    return subprocess.run([GIT, *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)


def _history_available() -> None:
    if GIT is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    if _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("shallow clone: older commits are not here")


PINS = {
    "pre-commit rev": re.compile(r"^\s+rev: ([0-9a-f]{40})\b", re.MULTILINE),
    "action ref": re.compile(r"uses: preflight-dev/preflight@([0-9a-f]{40})\b"),
}


@pytest.mark.parametrize("pin", list(PINS))
def test_pinned_revisions_are_commits_of_this_repository(pin: str) -> None:
    found = PINS[pin].findall(README)
    assert len(found) == 1, f"README should pin the {pin} to one full commit sha"
    _history_available()
    (sha,) = found
    assert _git("cat-file", "-e", f"{sha}^{{commit}}").returncode == 0, f"{sha} is not a commit here"
    if pin == "pre-commit rev":
        hooks = _git("show", f"{sha}:.pre-commit-hooks.yaml")
        assert hooks.returncode == 0
        assert "- id: preflight" in hooks.stdout
    else:
        action = _git("show", f"{sha}:action.yml")
        assert action.returncode == 0
        snippet = README[README.index("uses: preflight-dev/preflight@") :].split("```")[0]
        used = re.findall(r"^\s{6}([a-z-]+):", snippet, re.MULTILINE)
        assert used
        for name in used:
            assert re.search(rf"^  {name}:$", action.stdout, re.MULTILINE), f"input {name} missing at {sha}"


def test_readme_verdict_table_is_what_the_incident_prints(capsys: pytest.CaptureFixture[str]) -> None:
    from preflight.cli import main

    block = README[README.index("```\nServices:\n  api-gateway") + 4 :].split("```", 1)[0]
    assert main(["check", "--no-color", str(REPO / "examples" / "incident")]) == 1
    out = capsys.readouterr().out
    assert block in out
