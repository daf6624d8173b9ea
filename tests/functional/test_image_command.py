"""`preflight image`: explains an image and its container, and never prints a secret."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from preflight.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "incident"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["image", *args])
    return result.exit_code, result.output


def _planted(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the example whose `.env` values are unique canaries (a real value such as
    `pyairtable` is also a project name and a path, which may and must be shown)."""
    root = tmp_path / "incident"
    shutil.copytree(EXAMPLE, root)
    lines, values = [], []
    for number, line in enumerate((EXAMPLE / ".env").read_text(encoding="utf-8").splitlines()):
        key, sep, _ = line.partition("=")
        if sep and not key.startswith("#"):
            values.append(f"cnry{number}x")
            line = f"{key}={values[-1]}"
        lines.append(line)
    (root / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root, values


@pytest.mark.parametrize("service", ["api-gateway", "airtable-gateway", "llm-orchestrator", "llm-worker", "mcp-server"])
def test_image_explains_the_service_without_secrets(service: str, tmp_path: Path) -> None:
    root, values = _planted(tmp_path)
    code, output = _run(service, "--path", str(root))
    assert code == 0, output
    assert f"container of service {service}:" in output
    assert "sys.path: /app, site-packages" in output
    assert "environment (names only):" in output
    assert "entry point:" in output
    for value in values:
        assert value not in output


def test_image_shows_literals_and_hides_what_variables_provide(tmp_path: Path) -> None:
    """Literals are shown (even when a secret has the same text); substituted values never are."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(
        "ARG TAG=argdefault1\nFROM python:${TAG}\nARG DIR=/dirdefault2\nWORKDIR ${DIR}\n"
        'COPY catalog/ ./catalog/\nCMD ["gunicorn", "catalog.wsgi:app"]\n',
        encoding="utf-8",
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  catalog:\n    build:\n      context: app\n      args:\n        TAG: buildarg3\n"
        "    environment:\n      POSTGRES_PASSWORD: catalog\n      S: ab\n"
        "    working_dir: ${WD:-/wddefault4}\n",
        encoding="utf-8",
    )
    (tmp_path / ".env").write_text("WD=/envvalue5\n", encoding="utf-8")
    code, output = _run("catalog", "--path", str(tmp_path))
    assert code == 0, output
    for value in ("argdefault1", "dirdefault2", "buildarg3", "wddefault4", "envvalue5"):
        assert value not in output
    assert "image of catalog" in output
    assert "FROM python:${TAG}" in output
    assert "COPY catalog/ (context) -> ${DIR}/catalog/" in output
    assert "working dir: ${WD}" in output
    assert "'catalog.wsgi:app'" in output


def test_image_shows_the_copy_that_misses_config() -> None:
    code, output = _run("api-gateway", "--path", str(EXAMPLE))
    assert code == 0
    assert "COPY src/ (context) -> /app/src/" in output
    assert "REDIS_HOST  (environment)" in output
    assert "REDIS_PASSWORD" not in output  # only in .env: the container never gets it


def test_unknown_service_and_registry_image_are_usage_errors() -> None:
    code, output = _run("nope", "--path", str(EXAMPLE))
    assert code == 2
    assert "no service `nope` with a build" in output
    code, output = _run("redis", "--path", str(EXAMPLE))
    assert code == 2
    assert "runs a registry image" in output


def test_dockerfile_option() -> None:
    code, output = _run("--dockerfile", str(EXAMPLE / "mcp-server" / "Dockerfile"), "--path", str(EXAMPLE))
    assert code == 0
    assert "image of mcp-server" in output
