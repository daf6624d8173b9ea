"""The composite GitHub Action, run locally the way the Actions runner runs it.

Every step runs: `run:` scripts under bash with `${{ ... }}` expressions evaluated and each
step's `if:` honoured, in a temporary workspace with the runner's variables (GITHUB_WORKSPACE,
RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ACTION_PATH...). `actions/cache` is played by a
folder of saved trees: restored before the install, saved after the job when it missed. The
test environment's own `preflight` is NOT on PATH: the action has to find its install itself.
A seeded cache stands for a previous job's install in the quick tests; the slow test installs
for real, twice, and checks that the second job uses the cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
INCIDENT = REPO / "examples" / "incident"
FIXED = REPO / "examples" / "incident-fixed"
BIN = Path(sys.executable).parent
BASH = shutil.which("bash")

pytestmark = [
    pytest.mark.skipif(BASH is None, reason="bash is not installed"),
    pytest.mark.skipif(os.name == "nt", reason="the runner is played with POSIX paths"),
]

_TOKEN = re.compile(r"\s*(always\(\)|success\(\)|failure\(\)|&&|\|\||==|!=|'(?:[^']|'')*'|[A-Za-z_][\w.-]*)")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_action() -> dict[str, Any]:
    from ruamel.yaml import YAML

    action = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(action, dict)
    return action


def _path_without_test_env() -> str:
    """PATH with this test environment's scripts removed (its `preflight` must not be used)."""
    keep = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != BIN.resolve()]
    return os.pathsep.join(keep)


@dataclass
class Runner:
    """Just enough of the Actions runner for a composite action: contexts, `if:`, bash steps, cache."""

    inputs: dict[str, str]
    workspace: Path
    temp: Path
    cache_store: Path
    failed: bool = False
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    stdout: dict[str, str] = field(default_factory=dict)
    to_save: list[tuple[str, Path]] = field(default_factory=list)
    seeded: bool = False
    """Play a cache that holds a previous job's install under any key."""
    action_path: Path = REPO

    def value(self, name: str) -> str | bool:
        if name == "always()":
            return True
        if name == "success()":
            return not self.failed
        if name == "failure()":
            return self.failed
        if name.startswith("'"):
            return name[1:-1].replace("''", "'")
        parts = name.split(".")
        if parts[0] == "inputs":
            return self.inputs[parts[1]]
        if parts[0] == "github" and parts[1] == "action_path":
            return str(self.action_path)
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"unsupported expression {name!r}")

    def evaluate(self, expression: str) -> str | bool:
        """`a`, `a == b`, `a != b`, joined by `&&` and `||` (the subset action.yml uses)."""
        assert not _TOKEN.sub("", expression).strip(), f"unsupported expression {expression!r}"
        tokens = _TOKEN.findall(expression)
        alternatives: list[list[list[str]]] = [[[]]]
        for word in tokens:
            if word == "||":
                alternatives.append([[]])
            elif word == "&&":
                alternatives[-1].append([])
            else:
                alternatives[-1][-1].append(word)
        result: str | bool = False
        for terms in alternatives:
            result = True
            for term in terms:
                if len(term) == 3 and term[1] in ("==", "!="):
                    outcome: str | bool = (self.value(term[0]) == self.value(term[2])) is (term[1] == "==")
                else:
                    assert len(term) == 1, term
                    outcome = self.value(term[0])
                result = outcome
                if not outcome:
                    break
            if result:
                return result
        return result

    def substitute(self, text: str) -> str:
        return _EXPRESSION.sub(lambda m: str(self.evaluate(m.group(1))), text)

    def environment(self) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "VIRTUAL_ENV") and not k.startswith("PYTEST")
        }
        env.update(
            CI="true",
            GITHUB_ACTIONS="true",
            PATH=_path_without_test_env(),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_PATH=str(self.temp / "path"),
            GITHUB_ENV=str(self.temp / "env"),
            RUNNER_TEMP=str(self.temp),
            RUNNER_OS="Linux" if sys.platform.startswith("linux") else "macOS",
            RUNNER_ARCH="X64",
            GITHUB_ACTION_PATH=str(self.action_path),
        )
        return env

    def run_step(self, step: dict[str, Any]) -> None:
        condition = step.get("if", "success()")
        condition = _EXPRESSION.sub(lambda m: m.group(1), str(condition))
        if not re.search(r"\b(always|success|failure|cancelled)\(\)", condition):
            condition = f"success() && {condition}"  # as the runner does without a status function
        if not self.evaluate(condition):
            return
        name = step.get("id", step["name"])
        self.ran.append(name)
        if "uses" in step:
            self.use(step)
            return
        assert step["shell"] == "bash"
        script = self.temp / f"{len(self.ran)}.sh"
        script.write_text(self.substitute(step["run"]), encoding="utf-8")
        output_file = self.temp / f"{len(self.ran)}.out"
        output_file.write_text("", encoding="utf-8")
        env = self.environment()
        env.update({k: self.substitute(str(v)) for k, v in step.get("env", {}).items()})
        env["GITHUB_OUTPUT"] = str(output_file)
        assert BASH is not None
        proc = subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        self.stdout[name] = proc.stdout + proc.stderr if "id" not in step else proc.stdout
        if "id" in step:
            pairs = (line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line)
            self.outputs[step["id"]] = dict(pairs)
        if proc.returncode != 0:
            self.failed = True

    def use(self, step: dict[str, Any]) -> None:
        """`actions/cache`: restore the tree saved under the key, or save it after the job."""
        assert step["uses"].startswith("actions/cache@"), step["uses"]
        with_ = {k: self.substitute(str(v)) for k, v in step["with"].items()}
        path, saved = Path(with_["path"]), self.cache_store / with_["key"]
        if self.seeded and not saved.exists():
            fake_install(saved)
        hit = saved.is_dir()
        if hit:
            shutil.copytree(saved, path, symlinks=True)
        else:
            self.to_save.append((with_["key"], path))
        self.outputs[step["id"]] = {"cache-hit": "true" if hit else "false"}

    def finish(self) -> None:
        """The post-job part of `actions/cache`."""
        for key, path in self.to_save:
            if path.is_dir() and not (self.cache_store / key).exists():
                shutil.copytree(path, self.cache_store / key, symlinks=True)


def fake_install(venv: Path) -> None:
    """A venv as the install step leaves it, whose `preflight` is the one under test."""
    (venv / "bin").mkdir(parents=True)
    script = venv / "bin" / "preflight"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m preflight "$@"\n', encoding="utf-8")
    script.chmod(0o755)


def run_action(
    tmp_path: Path,
    example: Path,
    *,
    cache: Path | None = None,
    subdir: str = "",
    before: list[str] | None = None,
    **inputs: str,
) -> Runner:
    action = load_action()
    workspace = tmp_path / "workspace"
    shutil.copytree(example, workspace / subdir if subdir else workspace)
    if before is not None:
        subprocess.run(before, check=True, capture_output=True, timeout=60)
    (tmp_path / "runner").mkdir()
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in inputs.items()})
    runner = Runner(values, workspace, tmp_path / "runner", cache or tmp_path / "cache", seeded=cache is None)
    runner.cache_store.mkdir(exist_ok=True)
    for step in action["runs"]["steps"]:
        runner.run_step(step)
    runner.finish()
    return runner


# --- metadata ---------------------------------------------------------------------------------

STEPS = ["venv", "cache", "Install preflight", "check"]


def test_action_metadata() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {"path", "args", "sarif-file", "fail-on"}
    assert inputs["path"]["default"] == "."
    assert inputs["fail-on"]["default"] == "error"
    assert inputs["args"]["default"] == inputs["sarif-file"]["default"] == ""
    assert all(spec["description"] for spec in inputs.values())
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"
    assert all(step.get("shell") == "bash" for step in action["runs"]["steps"] if "run" in step)


def test_the_install_stays_off_path_and_is_cached() -> None:
    steps = load_action()["runs"]["steps"]
    assert not any("GITHUB_PATH" in step.get("run", "") or "GITHUB_ENV" in step.get("run", "") for step in steps)
    (cache,) = (step for step in steps if "uses" in step)
    assert cache["uses"].startswith("actions/cache@v")
    assert cache["with"] == {"path": "${{ steps.venv.outputs.dir }}", "key": "${{ steps.venv.outputs.key }}"}


def test_inputs_reach_the_scripts_only_through_the_environment() -> None:
    # `${{ inputs.* }}` pasted into a script would be a shell injection; env vars are not.
    for step in load_action()["runs"]["steps"]:
        assert "inputs." not in step.get("run", "")


# --- runs -------------------------------------------------------------------------------------


def _sarif(runner: Runner, name: str = "preflight.sarif") -> Any:
    return json.loads((runner.workspace / name).read_text(encoding="utf-8"))


def test_broken_stack_annotates_fails_and_writes_sarif_in_one_run(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT, sarif_file="preflight.sarif")
    assert runner.ran == STEPS
    assert runner.failed
    assert runner.outputs["check"] == {"exit-code": "1"}
    assert runner.evaluate("steps.check.outputs.exit-code") == "1"
    assert "using the cached install" in runner.stdout["Install preflight"]
    annotations = runner.stdout["check"].splitlines()
    assert annotations
    assert all(re.match(r"^::(error|warning|notice) file=", line) for line in annotations)
    assert any(
        line.startswith("::error file=docker-compose.yml,line=35,col=25,endLine=35,endColumn=44,title=PF201 ")
        for line in annotations
    )
    log = _sarif(runner)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == runner.workspace.as_uri() + "/"
    results = run["results"]
    assert len(results) == len(annotations)
    assert any(r["ruleId"] == "PF201" and "AIRTABLE_BASE_ID" in r["message"]["text"] for r in results)
    # nothing was added to the PATH or environment of the job's later steps
    assert not (runner.temp / "path").exists()
    assert not (runner.temp / "env").exists()


@pytest.mark.parametrize("checkout", ["git", "tarball"])
def test_paths_are_relative_to_the_repository_root_whatever_path_is(tmp_path: Path, checkout: str) -> None:
    # actions/checkout leaves a git work tree (found by its .git); without one the workspace counts
    git = shutil.which("git")
    if checkout == "git" and git is None:
        pytest.skip("git is not installed")
    init = [git, "init", "-q", str(tmp_path / "workspace")] if checkout == "git" and git else None
    runner = run_action(
        tmp_path, INCIDENT, subdir="deploy/stack", before=init, path="deploy/stack", sarif_file="out.sarif"
    )
    assert runner.outputs["check"] == {"exit-code": "1"}
    annotations = runner.stdout["check"].splitlines()
    assert any(line.startswith("::error file=deploy/stack/docker-compose.yml,line=35,col=25,") for line in annotations)
    assert all(line.split("file=", 1)[1].startswith("deploy/stack/") for line in annotations)
    assert "note: deploy/stack/" in runner.stdout["check"].replace("%0A", "\n")
    run = _sarif(runner, "out.sarif")["runs"][0]
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        for loc in r["locations"] + r.get("relatedLocations", [])
    }
    assert uris
    assert all(uri.startswith("deploy/stack/") and (runner.workspace / uri).is_file() for uri in uris)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == runner.workspace.as_uri() + "/"


def test_without_sarif_file_no_sarif_is_written(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT)
    assert runner.ran == STEPS
    assert runner.failed
    assert not list(runner.workspace.rglob("*.sarif"))


def test_clean_stack_passes(tmp_path: Path) -> None:
    runner = run_action(tmp_path, FIXED, sarif_file="preflight.sarif")
    assert runner.ran == STEPS
    assert not runner.failed
    assert runner.outputs["check"] == {"exit-code": "0"}
    assert runner.stdout["check"] == ""
    assert _sarif(runner)["runs"][0]["results"] == []


def test_args_and_fail_on_are_passed(tmp_path: Path) -> None:
    runner = run_action(tmp_path / "a", INCIDENT, args="--ignore PF2 --select PF1,PF2", sarif_file="x.sarif")
    codes = set()
    for line in runner.stdout["check"].splitlines():
        title = re.search(r"title=(PF\d+) ", line)
        assert title, line
        codes.add(title.group(1))
    assert "PF103" in codes
    assert not any(code.startswith("PF2") for code in codes)
    assert {r["ruleId"] for r in _sarif(runner, "x.sarif")["runs"][0]["results"]} == codes


def test_a_usage_error_still_writes_sarif_with_the_error(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT, fail_on="bogus", sarif_file="preflight.sarif")
    assert runner.failed
    assert runner.outputs["check"] == {"exit-code": "2"}
    run = _sarif(runner)["runs"][0]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert "--fail-on" in notification["message"]["text"]


def test_a_path_with_nothing_to_check_warns(tmp_path: Path) -> None:
    docs = tmp_path / "checkout" / "docs"  # a folder of the checkout without a stack
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# docs\n", encoding="utf-8")
    runner = run_action(tmp_path, tmp_path / "checkout", path="docs")
    assert runner.outputs["check"] == {"exit-code": "0"}
    assert runner.stdout["check"] == (
        "::warning title=preflight::nothing to check in docs: no compose file or Dockerfile found\n"
    )


def test_args_are_not_glob_expanded(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT, args="--select PF1*")
    # `PF1*` reaches preflight literally (an unknown selector), not as a list of matching files
    assert runner.outputs["check"] == {"exit-code": "2"}


def test_the_cache_key_follows_the_source_and_the_interpreter(tmp_path: Path) -> None:
    (locate,) = [step for step in load_action()["runs"]["steps"] if step.get("id") == "venv"]
    action = tmp_path / "action"
    shutil.copytree(REPO / "preflight", action / "preflight", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "pyproject.toml", action)

    def key(job: str) -> dict[str, str]:
        (tmp_path / job).mkdir()
        runner = Runner({}, tmp_path, tmp_path / job, tmp_path / "cache", action_path=action)
        runner.run_step(locate)
        assert not runner.failed, runner.stdout
        return runner.outputs["venv"]

    first, same = key("one"), key("two")
    assert first["key"] == same["key"]  # another job on the same runner finds it
    assert first["dir"] == str(tmp_path / "one" / "preflight-venv")
    assert first["bin"] == str(tmp_path / "one" / "preflight-venv" / "bin")
    assert re.fullmatch(r"preflight-venv-Linux-X64-cpython3\.\d+\.\d+-[0-9a-f]{8}-[0-9a-f]{16}", first["key"])
    (action / "preflight" / "cli.py").write_text("# changed\n", encoding="utf-8")
    assert key("three")["key"] != first["key"]


@pytest.mark.slow
def test_real_install_then_the_cache_serves_the_next_job(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = run_action(tmp_path / "one", FIXED, cache=cache)
    trouble = r"Could not fetch URL|Network is unreachable|Failed to establish a new connection"
    if first.failed and re.search(trouble, first.stdout["Install preflight"]):
        pytest.skip("the package index is unreachable")
    assert first.outputs["cache"] == {"cache-hit": "false"}
    assert "using the cached install" not in first.stdout["Install preflight"]
    assert first.outputs["check"] == {"exit-code": "0"}, first.stdout
    assert len(list(cache.iterdir())) == 1
    second = run_action(tmp_path / "two", INCIDENT, cache=cache)
    assert second.outputs["cache"] == {"cache-hit": "true"}
    assert "using the cached install" in second.stdout["Install preflight"]
    assert second.outputs["check"] == {"exit-code": "1"}
