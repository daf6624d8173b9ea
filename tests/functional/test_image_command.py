"""`preflight image`: explains an image and its container, and never prints a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from preflight.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "incident"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["image", *args])
    return result.exit_code, result.output


def _env_values() -> list[str]:
    values = []
    for line in (EXAMPLE / ".env").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#") and len(value.strip("'\"")) >= 6:
            values.append(value.strip("'\""))
    return values


@pytest.mark.parametrize("service", ["api-gateway", "airtable-gateway", "llm-orchestrator", "llm-worker", "mcp-server"])
def test_image_explains_the_service_without_secrets(service: str) -> None:
    code, output = _run(service, "--path", str(EXAMPLE))
    assert code == 0, output
    assert f"container of service {service}:" in output
    assert "sys.path: /app, site-packages" in output
    assert "environment (names only):" in output
    assert "entry point:" in output
    for value in _env_values():
        assert value not in output


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
