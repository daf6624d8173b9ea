"""The command line end to end: exit codes, options, messages, and hostile input."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preflight.cli import main
from preflight.cli.options import Progress
from preflight.rules.registry import ALL_RULES

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "incident"
FIXED = REPO / "examples" / "incident-fixed"
FINDING_LINE = re.compile(r"^[^\s:][^:]*:\d+:\d+: PF\d{3} \[(error|warning|info)\] \S.*$")
PF201_LINE = (
    "docker-compose.yml:35:25: PF201 [error] variable `AIRTABLE_BASE_ID` is not set; "
    "compose substitutes an empty string"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`preflight ARGS` in-process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_module(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m preflight ARGS` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "preflight", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else {k: v for k, v in os.environ.items() if k != "NO_COLOR"},
        check=False,
    )


def _codes(out: str) -> list[str]:
    return [d["code"] for d in json.loads(out)["diagnostics"]]


# --- exit codes -------------------------------------------------------------------------------


def test_clean_project_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(FIXED))
    assert code == 0
    assert out == "All checks passed (14 files read).\n"
    assert err == ""


def test_findings_exit_1_with_exact_positions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(INCIDENT))
    assert code == 1
    assert PF201_LINE in out.splitlines()
    assert re.search(r"^Found \d+ errors?, \d+ warnings? in \d+ files?\.$", out, re.MULTILINE)


@pytest.mark.parametrize(("target", "expected"), [(INCIDENT, 1), (FIXED, 0)])
def test_python_dash_m(target: Path, expected: int) -> None:
    proc = run_module("check", str(target))
    assert proc.returncode == expected, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (PF201_LINE in proc.stdout) is (expected == 1)
    assert "\x1b" not in proc.stdout + proc.stderr  # piped: no colour, no progress line
    assert "\r" not in proc.stderr


def test_version() -> None:
    proc = run_module("--version")
    assert proc.returncode == 0
    assert re.fullmatch(r"preflight, version \d+\.\d+\.\d+\S*\n", proc.stdout)


def test_unknown_option_exits_2() -> None:
    proc = run_module("check", "--no-such-option", str(FIXED))
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    assert "--no-such-option" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_selector_exits_2(capsys: pytest.CaptureFixture[str], option: str) -> None:
    code, out, err = run(capsys, "check", option, "PF9", str(FIXED))
    assert code == 2
    assert f"{option}: unknown rule selector `PF9`" in err
    assert out == ""


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("preflight.toml", 'select = ["PF2"]\nbogus-key = 1\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.preflight]\nbogus-key = 1\n'),
    ],
)
def test_unknown_config_key_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, filename: str, content: str
) -> None:
    (tmp_path / filename).write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    assert "bogus-key" in err
    assert str(tmp_path / filename) in err


def test_path_that_is_not_a_folder_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", str(INCIDENT / "docker-compose.yml"))
    assert code == 2
    assert "docker-compose.yml" in err


def test_crashing_rule_exits_3_naming_it(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from preflight.rules.env.pf201_unset_variable import UnsetVariable

    def boom(self: object, project: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(UnsetVariable, "check", boom)
    code, out, err = run(capsys, "check", str(INCIDENT))
    assert code == 3
    assert "PF201" in err
    assert "unset-variable" in err
    assert "RuntimeError: kaboom" in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


# --- selection and thresholds -----------------------------------------------------------------


def test_select_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", "--select", "PF1", str(INCIDENT))
    codes = _codes(out)
    assert code == 1
    assert "PF103" in codes
    assert all(c.startswith("PF1") for c in codes)


def test_ignore_prefix_and_exact_id(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--format", "json", str(INCIDENT))
    everything = _codes(out)
    assert {"PF103", "PF201", "PF204"} <= set(everything)
    _, out, _ = run(capsys, "check", "--format", "json", "--ignore", "PF2", str(INCIDENT))
    assert _codes(out) == [c for c in everything if not c.startswith("PF2")]
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "PF2", "--ignore", "PF204", str(INCIDENT))
    assert _codes(out) == [c for c in everything if c.startswith("PF2") and c != "PF204"]


def test_select_everything_off_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--select", "PF108", str(INCIDENT))
    assert code == 0
    assert out.startswith("All checks passed")


@pytest.fixture
def warning_only(tmp_path: Path) -> Path:
    """A project whose only finding is a PF206 warning."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n", encoding="utf-8")
    (tmp_path / ".env").write_text("A=1\n", encoding="utf-8")
    (tmp_path / ".env.example").write_text("A=\nB=\n", encoding="utf-8")
    return tmp_path


def test_fail_on_warning(capsys: pytest.CaptureFixture[str], warning_only: Path) -> None:
    code, out, _ = run(capsys, "check", str(warning_only))
    assert code == 0
    assert ".env.example:2:1: PF206 [warning]" in out
    code, _, _ = run(capsys, "check", "--fail-on", "warning", str(warning_only))
    assert code == 1
    (warning_only / "preflight.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    code, _, _ = run(capsys, "check", str(warning_only))
    assert code == 1
    code, _, _ = run(capsys, "check", "--fail-on", "error", str(warning_only))
    assert code == 0


def test_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--exit-zero", str(INCIDENT))
    assert code == 0
    assert PF201_LINE in out.splitlines()


# --- output options ---------------------------------------------------------------------------


def test_quiet_prints_one_line_per_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "-q", str(INCIDENT))
    lines = out.splitlines()
    assert code == 1
    assert PF201_LINE in lines
    assert all(FINDING_LINE.match(line) for line in lines), lines
    _, full, _ = run(capsys, "check", "--format", "json", str(INCIDENT))
    assert len(lines) == len(json.loads(full)["diagnostics"])


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    code, out, _ = run(capsys, "check", "-o", str(target), str(INCIDENT))
    assert code == 1
    assert out == ""
    assert PF201_LINE in target.read_text(encoding="utf-8").splitlines()


def test_unwritable_output_file_is_a_one_line_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", "--output-file", str(tmp_path / "missing" / "r.txt"), str(FIXED))
    assert code == 2
    assert err.count("\n") == 1
    assert "cannot write" in err


def test_statistics(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, "check", "--statistics", str(INCIDENT))
    assert re.search(r"^\s+1  PF201 unset-variable$", out, re.MULTILINE)
    assert err == ""
    code, out, err = run(capsys, "check", "--statistics", "--format", "json", str(INCIDENT))
    assert code == 1
    assert "PF201" in _codes(out)  # stdout stays pure JSON
    assert re.search(r"^\s+1  PF201 unset-variable$", err, re.MULTILINE)


def _read_pty(args: list[str], env: dict[str, str]) -> str:
    """Run `python -m preflight ARGS` with stdout on a pseudo-terminal; return what it printed."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "preflight", *args], stdout=slave, stderr=subprocess.DEVNULL, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_color_on_a_terminal_and_no_color() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    colored = _read_pty(["check", str(INCIDENT)], env)
    assert "\x1b[31m[error]\x1b[0m" in colored
    assert "\x1b[" not in _read_pty(["check", str(INCIDENT)], {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in _read_pty(["check", "--no-color", str(INCIDENT)], env)


# --- rules documentation ----------------------------------------------------------------------


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [r.id for r in ALL_RULES]
    assert re.search(r"^PF201  unset-variable\s+error\s+\S", out, re.MULTILINE)
    _, out, _ = run(capsys, "rules", "--format", "json")
    data = json.loads(out)
    assert [r["code"] for r in data] == [r.id for r in ALL_RULES]
    assert set(data[0]) == {"code", "name", "severity", "summary", "doc"}


def test_rule_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rule", "PF201")
    assert code == 0
    assert out.startswith("# PF201 unset-variable\n\nDefault severity: error\n")
    assert "## What it does" in out
    code, out, _ = run(capsys, "rule", "unset-variable")
    assert code == 0
    assert out.startswith("# PF201 unset-variable")
    code, out, _ = run(capsys, "rule", "--all")
    assert code == 0
    assert [line[2:7] for line in out.splitlines() if re.match(r"^# PF\d{3} ", line)] == [r.id for r in ALL_RULES]


@pytest.mark.parametrize("args", [["rule", "PF999"], ["rule"]])
def test_rule_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "Error:" in err


# --- odd repositories and hostile input -------------------------------------------------------


def test_repository_without_compose_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert out.startswith("Nothing to check: no compose file or Dockerfile found")
    assert err == ""


def _alias_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    lines.append("services:\n  web:\n    image: nginx\n    command: *j")
    return "\n".join(lines) + "\n"


def _write_big(path: Path) -> None:
    """A syntactically valid compose file of just over 50 MB."""
    line = "      K{}: " + '"' + "x" * 100 + '"\n'
    with path.open("w", encoding="utf-8") as out:
        out.write("services:\n  web:\n    image: nginx\n    environment:\n")
        chunk = "".join(line.format(i) for i in range(10_000))
        while out.tell() < 50 * 1024 * 1024:
            out.write(chunk)


def _make_bad(kind: str, folder: Path) -> None:
    target = folder / "compose.yaml"
    if kind == "broken-yaml":
        target.write_text("services:\n  web:\n    image: nginx\n    ports: [\n", encoding="utf-8")
    elif kind == "alias-bomb":
        target.write_text(_alias_bomb(), encoding="utf-8")
    elif kind == "huge":
        _write_big(target)
    elif kind == "non-utf8":
        target.write_bytes(b"services:\n  web:\n    image: ngin\xffx\n")
    elif kind == "symlink-loop":
        target.symlink_to("compose.yaml")
    elif kind == "duplicate-keys":
        target.write_text("services:\n  web:\n    image: nginx\n    image: redis\n", encoding="utf-8")


BAD_INPUTS = [
    ("broken-yaml", "bad/compose.yaml:5:1: PF001 [error] invalid YAML"),
    ("alias-bomb", "bad/compose.yaml:1:1: PF001 [error] document contains excessive aliasing"),
    ("huge", "bad/compose.yaml:1:1: PF002 [error] file is too large"),
    ("non-utf8", "bad/compose.yaml:3:16: PF002 [error] file is not valid UTF-8 text"),
    ("symlink-loop", "bad/compose.yaml:1:1: PF002 [error] symlink loop"),
    ("duplicate-keys", 'bad/compose.yaml:4:5: PF001 [error] mapping key "image" already defined at line 3'),
]


@pytest.mark.parametrize(("kind", "expected"), BAD_INPUTS, ids=[k for k, _ in BAD_INPUTS])
def test_bad_input_is_a_finding_and_the_rest_is_still_checked(tmp_path: Path, kind: str, expected: str) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "compose.yaml").write_text(
        "services:\n  api:\n    image: nginx:1.27\n    environment:\n      TOKEN: ${UNSET_TOKEN}\n",
        encoding="utf-8",
    )
    (tmp_path / "bad").mkdir()
    _make_bad(kind, tmp_path / "bad")
    started = time.monotonic()
    proc = run_module("check", "-q", str(tmp_path), timeout=60)
    assert time.monotonic() - started < 20
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert any(line.startswith(expected) for line in lines), lines
    assert "good/compose.yaml:5:14: PF201 [error] variable `UNSET_TOKEN` is not set" in proc.stdout


# --- progress ---------------------------------------------------------------------------------


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PRE_COMMIT", "CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    stream = _FakeTerminal()
    with Progress("preflight: checking .", stream, delay=0.0, interval=0.01):
        time.sleep(0.2)
    text = stream.getvalue()
    assert text.startswith("\rpreflight: checking . ")
    assert re.search(r"\d+\.\ds", text)
    assert text.endswith("\r\x1b[K")


def test_no_progress_for_short_checks_pipes_and_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PRE_COMMIT", "CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    quick = _FakeTerminal()
    with Progress("x", quick, delay=5.0):
        pass
    assert quick.getvalue() == ""
    piped = io.StringIO()
    with Progress("x", piped, delay=0.0, interval=0.01):
        time.sleep(0.05)
    assert piped.getvalue() == ""
    monkeypatch.setenv("PRE_COMMIT", "1")
    hooked = _FakeTerminal()
    with Progress("x", hooked, delay=0.0, interval=0.01):
        time.sleep(0.05)
    assert hooked.getvalue() == ""
