"""The persistent cache: it never changes a result, survives damage, and holds no secret.

Every fixture project and example is checked without the cache, then cold, warm (the report
replayed) and with only the Python facts reused, and the four JSON reports must be identical.
Projects are checked in aged copies (files modified an hour ago): the cache does not trust a
file modified in the last seconds, which a fresh checkout's files would be.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from preflight.cli import main

REPO = Path(__file__).resolve().parents[2]
CASES = sorted(
    [p for p in (REPO / "rules").glob("*/*/*") if p.is_dir() and p.parent.name in ("positive", "negative")]
    + [p for p in (REPO / "examples").iterdir() if p.is_dir()]
)


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFLIGHT_NO_CACHE", raising=False)
    monkeypatch.delenv("PREFLIGHT_CACHE_DIR", raising=False)


def _aged_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    old = time.time() - 3600
    for folder, dirs, files in os.walk(target):
        for name in [*dirs, *files]:
            os.utime(Path(folder) / name, (old, old), follow_symlinks=False)
    os.utime(target, (old, old))
    return target


def _check(capsys: pytest.CaptureFixture[str], project: Path, *options: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", str(project), "--format", "json", *options])
    out, _err = capsys.readouterr()
    return code, out


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(REPO)) for c in CASES])
def test_the_cache_never_changes_results(capsys: pytest.CaptureFixture[str], tmp_path: Path, case: Path) -> None:
    project = _aged_copy(case, tmp_path / case.name)
    cache = tmp_path / "cache"
    reference = _check(capsys, project, "--no-cache")
    assert not cache.exists()
    assert _check(capsys, project, "--cache-dir", str(cache)) == reference  # cold
    assert _check(capsys, project, "--cache-dir", str(cache)) == reference  # warm: replayed
    for report in cache.glob("report-*.json"):
        report.unlink()
    assert _check(capsys, project, "--cache-dir", str(cache)) == reference  # Python facts reused


def _incident(tmp_path: Path) -> Path:
    return _aged_copy(REPO / "examples" / "incident", tmp_path / "incident")


def test_an_unchanged_tree_replays_without_running_the_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _incident(tmp_path)
    first = _check(capsys, project)
    assert first[0] == 1
    folder = project / ".preflight_cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert list(folder.glob("report-*.json"))

    def no_check(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check ran although nothing changed")

    monkeypatch.setattr("preflight.engine.check", no_check)
    assert _check(capsys, project) == first


@pytest.mark.parametrize(
    "change",
    ["edit a module", "add a file", "remove a file", "change the config", "change an option"],
)
def test_any_change_is_seen(capsys: pytest.CaptureFixture[str], tmp_path: Path, change: str) -> None:
    project = _incident(tmp_path)
    cold = _check(capsys, project)
    options: tuple[str, ...] = ()
    if change == "edit a module":
        main_py = project / "api-gateway" / "src" / "main.py"
        main_py.write_text(main_py.read_text(encoding="utf-8") + "\nimport never_installed_anywhere\n", "utf-8")
    elif change == "add a file":
        (project / "requirements-extra.txt").write_text("not a requirement ===\n", encoding="utf-8")
    elif change == "remove a file":
        (project / ".env").unlink()
    elif change == "change the config":
        (project / "preflight.toml").write_text('[tool.preflight]\nignore = ["PF2"]\n', encoding="utf-8")
    else:
        options = ("--select", "PF3")
    assert _check(capsys, project, *options) == _check(capsys, project, "--no-cache", *options)
    assert _check(capsys, project, *options) != cold


def test_damaged_or_foreign_cache_files_are_ignored_and_rewritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = _incident(tmp_path)
    reference = _check(capsys, project, "--no-cache")
    folder = project / ".preflight_cache"
    _check(capsys, project)
    files = sorted(folder.glob("*.json*"))
    assert [f.name.split("-")[0] for f in files] == ["python", "report"]
    damages = [
        b"\x00\xff not json",
        b"{}",
        b"[1, 2, 3]",
        b'{"format": 1, "key": "other", "state": "x", "report": []}',
        b'{"format": 1, "key": "k"}\n["x.py", 1, 2, "s"]\t[1, 2]\n',
        b'{"format": 1, "key": "k"}\nno tab here\n',
    ]
    for damage in damages:
        for cached in files:
            cached.write_bytes(damage)
        assert _check(capsys, project) == reference
        assert _check(capsys, project) == reference
        for cached in files:
            json.loads(cached.read_text(encoding="utf-8").splitlines()[0])  # rewritten


def test_wrongly_typed_facts_are_not_trusted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _incident(tmp_path)
    reference = _check(capsys, project, "--no-cache")
    folder = project / ".preflight_cache"
    _check(capsys, project)
    facts_file = next(folder.glob("python-*.jsonl"))
    header, *lines = facts_file.read_text(encoding="utf-8").splitlines()
    assert lines
    damaged = [line.partition("\t")[0] + '\t["", "not a tuple of imports"]' for line in lines]
    facts_file.write_text("\n".join([header, *damaged]) + "\n", encoding="utf-8")
    for report in folder.glob("report-*.json"):
        report.unlink()
    assert _check(capsys, project) == reference


def test_no_secret_value_is_cached(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _incident(tmp_path)
    secret = "s3cr3t-value-that-must-never-be-written"  # noqa: S105 - the value that must not leak
    with (project / ".env").open("a", encoding="utf-8") as env:
        env.write(f"\nREDIS_PASSWORD={secret}\nAPI_TOKEN={secret}\n")
    (project / "api-gateway" / "src" / "tokens.py").write_text(
        f'import os\nTOKEN = os.getenv("API_TOKEN", "{secret}")\n', encoding="utf-8"
    )
    old = time.time() - 3600
    for path in (project / ".env", project / "api-gateway" / "src" / "tokens.py"):
        os.utime(path, (old, old))
    _check(capsys, project)
    _check(capsys, project)
    written = list((project / ".preflight_cache").iterdir())
    assert written
    for path in written:
        assert secret not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_a_cache_that_cannot_be_written_is_silently_skipped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _incident(tmp_path)
    reference = _check(capsys, project, "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert _check(capsys, project, "--cache-dir", str(blocker / "cache")) == reference
    project.chmod(0o555)  # no write bits: not written to, even by root
    try:
        assert _check(capsys, project) == reference
        assert not (project / ".preflight_cache").exists()
    finally:
        project.chmod(0o755)


def test_environment_variables_choose_or_disable_the_cache(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _incident(tmp_path)
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "elsewhere"))
    _check(capsys, project)
    assert (tmp_path / "elsewhere" / "CACHEDIR.TAG").is_file()
    assert not (project / ".preflight_cache").exists()
    monkeypatch.setenv("PREFLIGHT_NO_CACHE", "1")
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "third"))
    _check(capsys, project)
    assert not (tmp_path / "third").exists()


def test_clean_removes_the_cache_and_nothing_else(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = _incident(tmp_path)
    _check(capsys, project)
    assert (project / ".preflight_cache").is_dir()
    assert main(["clean", str(project)]) == 0
    assert not (project / ".preflight_cache").exists()
    assert (project / "docker-compose.yml").is_file()
    assert main(["clean", str(project)]) == 0  # nothing to remove
    not_a_cache = tmp_path / "precious"
    not_a_cache.mkdir()
    (not_a_cache / "keep.txt").write_text("x", encoding="utf-8")
    assert main(["clean", str(project), "--cache-dir", str(not_a_cache)]) == 2
    assert (not_a_cache / "keep.txt").is_file()


def test_a_check_that_reads_beyond_the_watched_tree_is_not_replayed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outer = tmp_path / "outer"
    (outer / "lib").mkdir(parents=True)
    (outer / "lib" / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\nCMD python /app/main.py\n", "utf-8")
    (outer / "lib" / "main.py").write_text("import os\n", encoding="utf-8")
    (outer / "app").mkdir()
    (outer / "app" / "compose.yaml").write_text("services:\n  web:\n    build: ../lib\n", encoding="utf-8")
    project = _aged_copy(outer, tmp_path / "aged") / "app"
    first = _check(capsys, project)
    assert not list((project / ".preflight_cache").glob("report-*.json"))  # ../lib is not fingerprinted
    (project.parent / "lib" / "main.py").write_text("import os\ndef broken(:\n", encoding="utf-8")
    assert _check(capsys, project) != first
    assert _check(capsys, project) == _check(capsys, project, "--no-cache")


def test_facts_of_another_analysis_version_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from preflight import cache

    before = cache._facts_key()
    monkeypatch.setattr(cache, "FACTS_VERSION", cache.FACTS_VERSION + 1)
    assert cache._facts_key() != before
