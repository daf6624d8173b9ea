"""The composite GitHub Action, run locally: its `run:` scripts under bash, as the runner would.

The install step is replaced by a no-op (preflight is already on PATH here) and checked as
text; every other step runs for real with `${{ ... }}` expressions evaluated from test inputs
and the step's `if:` honoured (`success()` unless it says otherwise), like the runner does.
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
    pytest.mark.skipif(shutil.which("preflight", path=str(BIN)) is None, reason="preflight is not installed"),
]

_TOKEN = re.compile(r"\s*(always\(\)|success\(\)|failure\(\)|&&|\|\||==|!=|'(?:[^']|'')*'|[A-Za-z_][\w.-]*)")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load_action() -> dict[str, Any]:
    from ruamel.yaml import YAML

    action = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(action, dict)
    return action


@dataclass
class Runner:
    """Just enough of the Actions runner for a composite action: contexts, `if:`, bash steps."""

    inputs: dict[str, str]
    workspace: Path
    temp: Path
    failed: bool = False
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    stdout: dict[str, str] = field(default_factory=dict)

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
            return str(REPO)
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

    def run_step(self, step: dict[str, Any]) -> None:
        condition = step.get("if", "success()")
        condition = _EXPRESSION.sub(lambda m: m.group(1), str(condition))
        if not re.search(r"\b(always|success|failure|cancelled)\(\)", condition):
            condition = f"success() && {condition}"  # as the runner does without a status function
        if not self.evaluate(condition):
            return
        name = step.get("id", step["name"])
        self.ran.append(name)
        assert step["shell"] == "bash"
        script = self.temp / f"{len(self.ran)}.sh"
        script.write_text(self.substitute(step["run"]), encoding="utf-8")
        output_file = self.temp / f"{len(self.ran)}.out"
        output_file.write_text("", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
        env.update({k: self.substitute(str(v)) for k, v in step.get("env", {}).items()})
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            GITHUB_OUTPUT=str(output_file),
            GITHUB_PATH=str(self.temp / "path"),
            RUNNER_TEMP=str(self.temp),
            GITHUB_ACTION_PATH=str(REPO),
        )
        assert BASH is not None
        proc = subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        self.stdout[name] = proc.stdout
        if "id" in step:
            pairs = (line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line)
            self.outputs[step["id"]] = dict(pairs)
        if proc.returncode != 0:
            self.failed = True


def run_action(tmp_path: Path, example: Path, **inputs: str) -> Runner:
    action = load_action()
    workspace = tmp_path / "workspace"
    shutil.copytree(example, workspace)
    (tmp_path / "runner").mkdir()
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in inputs.items()})
    runner = Runner(values, workspace, tmp_path / "runner")
    install, *steps = action["runs"]["steps"]
    assert install["name"] == "Install preflight"
    for step in steps:
        runner.run_step(step)
    return runner


# --- metadata ---------------------------------------------------------------------------------


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
    assert all(step["shell"] == "bash" for step in action["runs"]["steps"])


def test_install_step_installs_the_action_itself() -> None:
    install = load_action()["runs"]["steps"][0]
    assert "if" not in install
    assert 'pip install --quiet --disable-pip-version-check "${{ github.action_path }}"' in install["run"]
    assert '>> "$GITHUB_PATH"' in install["run"]


def test_inputs_reach_the_scripts_only_through_the_environment() -> None:
    # `${{ inputs.* }}` pasted into a script would be a shell injection; env vars are not.
    for step in load_action()["runs"]["steps"]:
        assert "inputs." not in step["run"]


# --- runs -------------------------------------------------------------------------------------


def test_broken_stack_annotates_fails_and_still_writes_sarif(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT, sarif_file="preflight.sarif")
    assert runner.ran == ["check", "Write SARIF"]
    assert runner.failed
    assert runner.outputs["check"] == {"exit-code": "1"}
    assert runner.evaluate("steps.check.outputs.exit-code") == "1"
    annotations = runner.stdout["check"].splitlines()
    assert annotations
    assert all(re.match(r"^::(error|warning|notice) file=", line) for line in annotations)
    assert any(
        line.startswith("::error file=docker-compose.yml,line=35,col=25,endLine=35,endColumn=44,title=PF201 ")
        for line in annotations
    )
    log = json.loads((runner.workspace / "preflight.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert len(results) == len(annotations)
    assert any(r["ruleId"] == "PF201" and "AIRTABLE_BASE_ID" in r["message"]["text"] for r in results)
    assert runner.stdout["Write SARIF"] == ""


def test_without_sarif_file_the_sarif_step_is_skipped(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT)
    assert runner.ran == ["check"]
    assert runner.failed
    assert not list(runner.workspace.glob("*.sarif"))


def test_clean_stack_passes(tmp_path: Path) -> None:
    runner = run_action(tmp_path, FIXED, sarif_file="preflight.sarif")
    assert runner.ran == ["check", "Write SARIF"]
    assert not runner.failed
    assert runner.outputs["check"] == {"exit-code": "0"}
    assert runner.stdout["check"] == ""
    log = json.loads((runner.workspace / "preflight.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"] == []


def test_args_and_fail_on_are_passed(tmp_path: Path) -> None:
    runner = run_action(tmp_path / "a", INCIDENT, args="--ignore PF2 --select PF1,PF2", sarif_file="x.sarif")
    codes = {re.search(r"title=(PF\d+) ", line).group(1) for line in runner.stdout["check"].splitlines()}  # type: ignore[union-attr]
    assert "PF103" in codes
    assert not any(code.startswith("PF2") for code in codes)
    results = json.loads((runner.workspace / "x.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == codes
    runner = run_action(tmp_path / "b", INCIDENT, fail_on="bogus")
    assert runner.failed
    assert runner.outputs["check"] == {"exit-code": "2"}


def test_args_are_not_glob_expanded(tmp_path: Path) -> None:
    runner = run_action(tmp_path, INCIDENT, args="--select PF1*")
    # `PF1*` reaches preflight literally (an unknown selector), not as a list of matching files
    assert runner.outputs["check"] == {"exit-code": "2"}
