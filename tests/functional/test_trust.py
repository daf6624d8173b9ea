"""Hostile and clumsy inputs through the CLI: a clear finding at the file, never a crash (exit 3),
never an aborted run, never a silent skip."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from preflight.cli import main

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "incident"
FORMATS = ("text", "json", "sarif", "github", "junit")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, err = run(capsys, "check", "--format", "json", *args, str(root))
    assert code in (0, 1), err
    return code, json.loads(out)["diagnostics"]


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    root = tmp_path / "incident"
    shutil.copytree(INCIDENT, root)
    return root


def _deep_toml(prefix: str) -> str:
    return prefix + "x = " + "[" * 5000 + "]" * 5000 + "\n"


# --- nothing aborts the run -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["[tool.preflight\nselect = 1\n", "[project]\nname = 'x'\nname = 'y'\n", _deep_toml("[tool]\n")]
)
def test_invalid_root_pyproject_is_pf001_and_the_check_goes_on(
    capsys: pytest.CaptureFixture[str], incident: Path, text: str
) -> None:
    (incident / "pyproject.toml").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(incident))
    assert code == 1
    assert "pyproject.toml:" in out
    assert "PF001 [error] invalid TOML" in out
    assert "PF402" in out  # the rest of the check ran
    assert "[tool.preflight] in pyproject.toml could not be read: the defaults applied." in out


def test_a_broken_preflight_config_still_stops_the_run(capsys: pytest.CaptureFixture[str], incident: Path) -> None:
    (incident / "preflight.toml").write_text(_deep_toml(""), encoding="utf-8")
    code, _, err = run(capsys, "check", str(incident))
    assert code == 2
    assert "preflight.toml:1:1: invalid TOML: TOML nesting is too deep to read" in err


def test_huge_sparse_root_pyproject_is_not_read(capsys: pytest.CaptureFixture[str], incident: Path) -> None:
    with (incident / "pyproject.toml").open("wb") as stream:
        stream.truncate(1 << 30)  # 1 GiB of holes: reading it whole would need 1 GiB of memory
    code, found = findings(capsys, incident)
    assert code == 1
    (problem,) = [d for d in found if d["path"] == "pyproject.toml"]
    assert problem["code"] == "PF002"
    assert "too large" in problem["message"]


# --- no crash ---------------------------------------------------------------------------------


def test_deeply_nested_toml_of_an_installed_project(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "pyproject.toml").write_text(_deep_toml("[project]\nname = 'lib'\n"), encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        'FROM python:3.12-slim\nCOPY lib /lib\nRUN pip install /lib\nCOPY app.py .\nCMD ["python", "app.py"]\n',
        encoding="utf-8",
    )
    (tmp_path / "app.py").write_text("import lib\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: .\n", encoding="utf-8")
    _, found = findings(capsys, tmp_path)
    assert not [d for d in found if d["code"] in ("PF401", "PF403")]  # what lib provides is unknown


@pytest.mark.skipif(os.name == "nt", reason="file names are UTF-16 on Windows")
@pytest.mark.parametrize("output_format", FORMATS)
def test_file_names_that_are_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path, output_format: str) -> None:
    folder = os.fsencode(tmp_path) + b"/svc\xff"
    os.mkdir(folder)
    with open(folder + b"/compose.yaml", "wb") as stream:
        stream.write(b"services:\n  a:\n    image: nginx:1.27\n    environment:\n      X: ${UNSET}\n")
    code, out, err = run(capsys, "check", "--format", output_format, str(tmp_path))
    assert code == 1, err
    out.encode("utf-8")  # valid Unicode on every format
    assert any(shown in out for shown in ("svc\\xff", "svc\\\\xff", "svc%5Cxff"))
    written = tmp_path / f"report.{output_format}"
    assert run(capsys, "check", "--format", output_format, "-o", str(written), str(tmp_path))[0] == 1
    written.read_text(encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert run(capsys, "check", "--write-baseline", str(baseline), str(tmp_path))[0] == 0
    assert run(capsys, "check", "--baseline", str(baseline), str(tmp_path))[0] == 0


# --- one reading policy -------------------------------------------------------------------------

_DOCKERFILE = 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nCMD ["python", "app.py"]\n'  # noqa: E501


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_every_input_is_read_under_one_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Not regular, linked out, too large, binary: PF002 at the path, and nothing that file would
    have provided is reported missing."""
    services = {"big": "big.env", "fifo": "fifo.env", "linked": None, "pipe": None, "nul": None, "huge": None}
    lines = ["services:"]
    for name, env_file in services.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(_DOCKERFILE, encoding="utf-8")
        (tmp_path / name / "requirements.txt").write_text("flask\n", encoding="utf-8")
        reads = "import os\nos.environ['NEEDED']\n" if env_file else ""  # what the env_file would give
        (tmp_path / name / "app.py").write_text("import flask\n" + reads, encoding="utf-8")
        lines += [f"  {name}:", f"    build: ./{name}", "    environment:", "      A: ${FROM_DOTENV}"]
        lines += [f"    env_file: {env_file}"] if env_file else []
    (tmp_path / "compose.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.mkfifo(tmp_path / ".env")
    os.mkfifo(tmp_path / "fifo.env")
    (tmp_path / "big.env").write_text("NEEDED=1\n" + "#" * 6_000_000 + "\n", encoding="utf-8")
    (tmp_path / "big" / "requirements.txt").write_text("flask\n" + "x" * 6_000_000 + "\n", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("flask\n", encoding="utf-8")
    (tmp_path / "linked" / "requirements.txt").unlink()
    (tmp_path / "linked" / "requirements.txt").symlink_to(outside)
    (tmp_path / "pipe" / "requirements.txt").unlink()
    os.mkfifo(tmp_path / "pipe" / "requirements.txt")
    (tmp_path / "nul" / "app.py").write_bytes(b"import flask\x00\n")
    with (tmp_path / "huge" / "Dockerfile").open("wb") as stream:
        stream.truncate(1 << 30)
    _, found = findings(capsys, tmp_path)
    unreadable = {d["path"]: d["message"] for d in found if d["code"] == "PF002"}
    assert unreadable == {
        ".env": "not a regular file",
        "fifo.env": "not a regular file",
        "big.env": "file is too large (6000010 bytes; the limit is 5242880)",
        "big/requirements.txt": "file is too large (6000007 bytes; the limit is 5242880)",
        "linked/requirements.txt": "symlink points outside the checked root",
        "pipe/requirements.txt": "not a regular file",
        "nul/app.py": "file looks binary (contains NUL bytes)",
        "huge/Dockerfile": "file is too large (1073741824 bytes; the limit is 5242880)",
    }
    assert [d for d in found if d["code"] != "PF002"] == []  # no follow-on finding


def test_a_build_context_folder_that_cannot_be_read(
    capsys: pytest.CaptureFixture[str], incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied on a folder: PF002 once, at the folder; what it holds is unknown."""
    blocked = incident / "api-gateway" / "src"
    real_stat, real_os_stat, real_scandir = Path.stat, os.stat, os.scandir

    def stat(self: Path, *args: Any, **kwargs: Any) -> os.stat_result:
        if blocked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    def os_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if blocked in Path(path).parents:
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_stat(path, *args, **kwargs)

    def scandir(path: Any = ".") -> Any:
        if Path(path) == blocked or blocked in Path(path).parents:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(Path, "stat", stat)
    monkeypatch.setattr(os, "stat", os_stat)  # the build context asks file kinds with it
    monkeypatch.setattr(os, "scandir", scandir)  # os.walk lists folders with it too
    _, found = findings(capsys, incident)
    assert [(d["code"], d["message"]) for d in found if d["path"] == "api-gateway/src"] == [
        ("PF002", "cannot read folder: Permission denied")
    ]
    api = [d for d in found if d["service"] == "api-gateway" or d["path"].startswith("api-gateway/")]
    assert not [d for d in api if d["code"] in ("PF401", "PF402", "PF404")]
