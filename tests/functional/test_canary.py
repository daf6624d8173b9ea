"""Canary values planted everywhere a secret lives must appear in no output of any command.

Every value below is unique and appears only as a value (never as a name, path or literal that
a report may legitimately show), so finding one in any output, written file included, is a leak.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from preflight.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

PEM_BODY = "MIIEpCnryPemBody0"
CANARIES = {
    "dotenv": "cnryDotenv1",
    "dotenv_short": "Zq9X",
    "dotenv_quoted": "cnryQuoted2",
    "dotenv_unterminated": "cnryUnterm3",
    "dotenv_badkey": "cnryBadKey4",
    "dotenv_unclosed": "cnryUnclosed5",
    "pem": PEM_BODY,
    "json": "cnryJsonKey6",
    "env_file": "cnryEnvFile7",
    "environment": "cnryEnvironment8",
    "environment_unclosed": "cnryEnvUnclosed9",
    "default": "cnryDefault10",
    "build_arg": "cnryBuildArg11",
    "arg_default": "cnryArgDefault12",
    "dockerfile_env": "cnryDockerEnv13",
    "healthcheck": "cnryHealth14",
    "workdir_default": "cnryWorkdir15",
    "command_default": "cnryCommand16",
    "arg_in_copy": "cnryArgCopy17",
    "build_arg_in_from": "cnryFromTag18",
    "index_token": "cnryIndexToken19",
    "url_password": "cnryUrlPass20",
    "volume_name": "cnryVolume21",
    "module_from_env": "cnrymod22",
}
C = CANARIES


def _plant(root: Path) -> None:
    (root / "api").mkdir()
    (root / "worker").mkdir()
    (root / ".env").write_text(
        f'TOKEN={C["dotenv"]}\nAPPMOD={C["module_from_env"]}\nVOLUME={C["volume_name"]}\nSHORT={C["dotenv_short"]}\nQUOTED="{C["dotenv_quoted"]}"\n'
        f"PEM=-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\nQUJDcnJ5+x==\n-----END PRIVATE KEY-----\n"
        f'JSON={{\n  "private_key": "{C["json"]}"\n}}\n'
        f"BAD+KEY={C['dotenv_badkey']}\nUNCLOSED=a${{{C['dotenv_unclosed']}\n"
        f'OPEN="{C["dotenv_unterminated"]}\nNEVER=1\n',
        encoding="utf-8",
    )
    (root / ".env.example").write_text("TOKEN=\nOTHER=\n", encoding="utf-8")
    (root / "api.env").write_text(f"API_KEY={C['env_file']}\nBROKEN line {C['env_file']}x\n", encoding="utf-8")
    (root / "compose.yaml").write_text(
        "services:\n"
        "  api:\n"
        "    build:\n"
        "      context: ./api\n"
        "      args:\n"
        f"        BUILD_TOKEN: {C['build_arg']}\n"
        f"        BASE_TAG: {C['build_arg_in_from']}\n"
        "        FROM_ENV: ${TOKEN}\n"
        "    env_file: api.env\n"
        f"    working_dir: ${{WORKDIR:-/{C['workdir_default']}}}\n"
        f"    command: ${{CMD:-python -m {C['command_default']}}}\n"
        "    environment:\n"
        f"      PASSWORD: {C['environment']}\n"
        f'      BROKEN: "x${{{C["environment_unclosed"]}"\n'
        f"      WITH_DEFAULT: ${{MISSING_VAR:-{C['default']}}}\n"
        "      TOKEN: ${TOKEN}\n"
        "      SHORT: ${SHORT}\n"
        "    healthcheck:\n"
        f'      test: ["CMD", "curl", "-H", "X-Token: $${{TOKEN:-{C["healthcheck"]}}}", "http://localhost"]\n'
        "    depends_on: [db]\n"
        "    volumes:\n"
        "      - ${VOLUME}:/data\n"
        "  worker:\n"
        "    build: ./worker\n"
        "    command: gunicorn ${APPMOD}.wsgi:app --bind 0.0.0.0:8000\n"
        "    environment:\n"
        "      TOKEN: ${TOKEN}\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        f"      POSTGRES_USER: ${{PGUSER:-{C['default']}}}\n",
        encoding="utf-8",
    )
    dockerfile = (
        f"ARG BASE_TAG=3.12-slim\nFROM python:${{BASE_TAG}}\nARG BUILD_TOKEN={C['arg_default']}\n"
        f"ARG FROM_ENV\nARG SUBDIR={C['arg_in_copy']}\nCOPY app/ /opt/${{SUBDIR}}/\n"
        f"ENV SECRET_SETTING={C['dockerfile_env']}\nWORKDIR /app\nCOPY requirements.txt .\n"
        'RUN pip install -r requirements.txt\nCOPY app/ ./app/\nCMD ["python", "-m", "app"]\n'
    )
    for name in ("api", "worker"):
        (root / name / "Dockerfile").write_text(dockerfile, encoding="utf-8")
        (root / name / "requirements.txt").write_text(
            f"--extra-index-url https://__token__:{C['index_token']}@pypi.example.com/simple\n"
            f"flask==3.0.0\nflask==2.0.0\nlib @ https://user:{C['url_password']}@example.com/lib.whl ===\n",
            encoding="utf-8",
        )
        (root / name / "app").mkdir()
        (root / name / "app" / "__main__.py").write_text(
            "import os\nimport missing_module\nos.environ['NOT_GIVEN']\n", encoding="utf-8"
        )


def _outputs(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Every command and format, stdout and stderr, and every file they write."""
    out: dict[str, str] = {}

    def run(name: str, *args: str) -> None:
        code = main(list(args))
        stdout, stderr = capsys.readouterr()
        assert code in (0, 1), (name, code, stderr)
        out[name] = stdout + stderr

    for fmt in ("text", "json", "sarif", "github", "junit"):
        run(f"check-{fmt}", "check", "--format", fmt, "--statistics", str(root))
        written = tmp_path / f"report.{fmt}"
        run(f"check-{fmt}-o", "check", "--format", fmt, "-o", str(written), str(root))
        out[f"file-{fmt}"] = written.read_text(encoding="utf-8")
    run("check-quiet", "check", "-q", "--fail-on", "info", str(root))
    baseline = tmp_path / "baseline.json"
    run("write-baseline", "check", "--write-baseline", str(baseline), str(root))
    out["file-baseline"] = baseline.read_text(encoding="utf-8")
    run("baseline", "check", "--baseline", str(baseline), str(root))
    for fmt in ("mermaid", "dot"):
        run(f"graph-{fmt}", "graph", "--format", fmt, str(root))
        written = tmp_path / f"graph.{fmt}"
        run(f"graph-{fmt}-o", "graph", "--format", fmt, "-o", str(written), str(root))
        out[f"file-graph-{fmt}"] = written.read_text(encoding="utf-8")
    for service in ("api", "worker"):
        run(f"image-{service}", "image", service, "--path", str(root))
    run("image-dockerfile", "image", "--dockerfile", str(root / "api" / "Dockerfile"), "--path", str(root))
    return out


def test_no_planted_value_reaches_any_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "project"
    root.mkdir()
    _plant(root)
    outputs = _outputs(root, tmp_path, capsys)
    report = json.loads(outputs["check-json"].split("\n}\n", 1)[0] + "\n}")
    assert {d["code"] for d in report["diagnostics"]} >= {"PF001", "PF101", "PF107", "PF205", "PF206", "PF301", "PF304"}
    leaks = [(where, name) for where, text in outputs.items() for name, value in C.items() if value in text]
    assert leaks == []
    for where, text in outputs.items():  # nothing of the PEM body, not even a fragment as a name
        assert "QUJDcnJ5" not in text, where
