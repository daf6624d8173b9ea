"""The model's environment questions: what a container has, what its code and commands read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.config import Config
from preflight.diagnostics import Span
from preflight.model.build import build_project
from preflight.model.env_reads import (
    InterpolationOnly,
    Nowhere,
    OtherService,
    SetAtStart,
    WhenMissing,
    command_refs,
    container_code,
    defined_elsewhere,
    healthy_dependents,
)
from preflight.model.runtime.environment import (
    ALWAYS_SET,
    EnvAbsent,
    EnvOrigin,
    EnvUnknown,
    RuntimeEnv,
    RuntimeVar,
    runtime_env,
)

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.model.project import Project

DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY app/ ./app/\nCMD ["python", "-m", "app.main"]\n'


def _project(tmp_path: Path, files: dict[str, str]) -> Project:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return build_project(tmp_path, Config())


def _built(tmp_path: Path, main: str, compose_extra: str = "", **files: str) -> Project:
    compose = "services:\n  api:\n    build: ./api\n" + compose_extra
    return _project(
        tmp_path,
        {
            "compose.yaml": compose,
            "api/Dockerfile": DOCKERFILE,
            "api/app/__init__.py": "",
            "api/app/main.py": main,
            **files,
        },
    )


# --- RuntimeEnv.lookup ---------------------------------------------------------------------------


def _env(complete: bool) -> RuntimeEnv:
    var = RuntimeVar("Redis_Url", "redis://", EnvOrigin.ENVIRONMENT, Span("compose.yaml", 4, 7))
    return RuntimeEnv({"Redis_Url": var}, complete)


def test_lookup_finds_a_variable_the_container_has() -> None:
    found = _env(complete=True).lookup("Redis_Url")
    assert isinstance(found, RuntimeVar)
    assert found.origin is EnvOrigin.ENVIRONMENT


def test_lookup_ignores_case_only_when_asked() -> None:
    env = _env(complete=True)
    assert isinstance(env.lookup("REDIS_URL"), EnvAbsent)
    found = env.lookup("REDIS_URL", case_sensitive=False)
    assert isinstance(found, RuntimeVar)
    assert found.name == "Redis_Url"


def test_lookup_is_unknown_when_the_image_may_add_variables() -> None:
    assert isinstance(_env(complete=False).lookup("OTHER"), EnvUnknown)
    assert isinstance(_env(complete=False).lookup("Redis_Url"), RuntimeVar)


# --- runtime_env: what the container gets -------------------------------------------------------


def _runtime_env(project: Project, name: str) -> RuntimeEnv:
    (compose,) = project.compose
    service = compose.services[name]
    model = project.image_of(service)
    stage = model.image.final if model is not None and model.image is not None else None
    return runtime_env(project, compose, service, stage)


def test_runtime_env_layers_image_env_file_and_environment(tmp_path: Path) -> None:
    compose = (
        "services:\n  api:\n    build: ./api\n    env_file: api.env\n"
        "    environment:\n      MODE: prod\n      FROM_BOTH: environment\n"
    )
    dockerfile = 'FROM python:3.12-slim\nENV APP_HOME=/app FROM_BOTH=dockerfile\nCMD ["python"]\n'
    files = {"compose.yaml": compose, "api/Dockerfile": dockerfile, "api.env": "FROM_FILE=1\nFROM_BOTH=file\n"}
    env = _runtime_env(_project(tmp_path, files), "api")
    assert env.complete  # python:3.12-slim is an image whose ENV is known
    origins = {name: var.origin for name, var in env.vars.items()}
    assert origins["APP_HOME"] is EnvOrigin.DOCKERFILE
    assert origins["FROM_FILE"] is EnvOrigin.ENV_FILE
    assert origins["MODE"] is EnvOrigin.ENVIRONMENT
    assert origins["FROM_BOTH"] is EnvOrigin.ENVIRONMENT  # environment wins over env_file and ENV
    assert origins["PYTHON_VERSION"] is EnvOrigin.BASE_IMAGE
    assert set(origins) >= ALWAYS_SET
    assert origins["HOSTNAME"] is EnvOrigin.DOCKER
    assert origins["PATH"] is EnvOrigin.BASE_IMAGE  # the image's own PATH replaces Docker's


def test_runtime_env_of_an_unknown_image_is_incomplete(tmp_path: Path) -> None:
    files = {"compose.yaml": "services:\n  app:\n    image: registry.example/app:1\n"}
    env = _runtime_env(_project(tmp_path, files), "app")
    assert not env.complete
    assert isinstance(env.lookup("ANYTHING"), EnvUnknown)


def test_runtime_env_of_a_known_registry_image(tmp_path: Path) -> None:
    files = {"compose.yaml": "services:\n  cache:\n    image: redis:7\n"}
    env = _runtime_env(_project(tmp_path, files), "cache")
    assert env.complete
    assert isinstance(env.lookup("REDIS_PASSWORD"), EnvAbsent)


# --- code reads ----------------------------------------------------------------------------------


def test_a_subscript_read_raises_and_the_container_lacks_it(tmp_path: Path) -> None:
    project = _built(tmp_path, 'import os\nKEY = os.environ["SECRET_KEY"]\nTZ = os.getenv("TZ", "UTC")\n')
    (code,) = container_code(project)
    assert code.runtime.service.name == "api"
    assert sorted(m.path for m in code.modules) == ["api/app/__init__.py", "api/app/main.py"]
    by_name = {read.name: read for read in code.reads}
    secret = by_name["SECRET_KEY"]
    assert secret.when_missing is WhenMissing.RAISES
    assert isinstance(secret.found, EnvAbsent)
    assert secret.span == Span("api/app/main.py", 2, 7, 2, 31)
    assert by_name["TZ"].when_missing is WhenMissing.HANDLED


def test_a_variable_passed_in_environment_is_received(tmp_path: Path) -> None:
    extra = "    environment:\n      SECRET_KEY: x\n"
    project = _built(tmp_path, 'import os\nKEY = os.environ["SECRET_KEY"]\n', extra)
    (code,) = container_code(project)
    (read,) = code.reads
    assert isinstance(read.found, RuntimeVar)
    assert read.found.origin is EnvOrigin.ENVIRONMENT


def test_a_getenv_whose_none_is_refused(tmp_path: Path) -> None:
    main = 'import os\nTOKEN = os.getenv("TOKEN")\nif TOKEN is None:\n    raise RuntimeError("TOKEN")\n'
    (code,) = container_code(_built(tmp_path, main))
    (read,) = code.reads
    assert read.when_missing is WhenMissing.NONE_REFUSED
    assert isinstance(read.found, EnvAbsent)


def test_a_required_settings_field(tmp_path: Path) -> None:
    main = (
        "from pydantic_settings import BaseSettings\n\n"
        "class Settings(BaseSettings):\n    database_url: str\n    debug: bool = False\n\n"
        "settings = Settings()\n"
    )
    (code,) = container_code(_built(tmp_path, main))
    required = [r for r in code.reads if r.when_missing is WhenMissing.INVALID_SETTINGS]
    assert [(r.name.upper(), r.settings, r.field) for r in required] == [("DATABASE_URL", "Settings", "database_url")]
    assert isinstance(required[0].found, EnvAbsent)


def test_a_container_whose_image_is_not_known_is_left_out(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "compose.yaml": "services:\n  api:\n    build: ./api\n",
            "api/Dockerfile": DOCKERFILE.replace("python:3.12-slim", "registry.example/base:1"),
            "api/app/__init__.py": "",
            "api/app/main.py": 'import os\nos.environ["X"]\n',
        },
    )
    assert container_code(project) == []


def test_an_env_file_the_code_loads_sets_its_keys_at_start(tmp_path: Path) -> None:
    main = 'from dotenv import load_dotenv\nload_dotenv()\nimport os\nos.environ["FROM_FILE"]\n'
    project = _built(tmp_path, main, **{"api/app/.env": "FROM_FILE=1\n"})
    (code,) = container_code(project)
    (read,) = code.reads
    assert isinstance(read.found, SetAtStart)


# --- command references --------------------------------------------------------------------------


def _refs(tmp_path: Path, service: str) -> list[tuple[str, str, bool, bool, str]]:
    project = _project(tmp_path, {"compose.yaml": "services:\n  redis:\n    image: redis:7\n" + service})
    return [(r.attr, r.name, r.shell, r.guarded, type(r.found).__name__) for r in command_refs(project)]


def test_a_shell_health_check_expands_a_variable_the_container_lacks(tmp_path: Path) -> None:
    service = '    healthcheck:\n      test: ["CMD-SHELL", "redis-cli -a $$REDIS_PASSWORD ping"]\n'
    assert _refs(tmp_path, service) == [("healthcheck.test", "REDIS_PASSWORD", True, False, "EnvAbsent")]


def test_an_exec_form_command_leaves_the_reference_literal(tmp_path: Path) -> None:
    service = '    command: ["redis-server", "--requirepass", "$$REDIS_PASSWORD"]\n'
    assert _refs(tmp_path, service) == [("command", "REDIS_PASSWORD", False, False, "EnvAbsent")]


def test_tested_defaulted_and_assigned_references(tmp_path: Path) -> None:
    service = '    command: ["sh", "-c", "P=1; [ -n \\"$$TOKEN\\" ] && echo $$P $${MODE:-x}"]\n'
    assert sorted(_refs(tmp_path, service)) == [
        ("command", "MODE", True, True, "EnvAbsent"),
        ("command", "P", True, False, "SetAtStart"),
        ("command", "TOKEN", True, True, "EnvAbsent"),
    ]


def test_a_variable_the_container_receives(tmp_path: Path) -> None:
    service = '    environment:\n      PW: x\n    command: ["sh", "-c", "echo $$PW"]\n'
    assert _refs(tmp_path, service) == [("command", "PW", True, False, "RuntimeVar")]


# --- where a missing variable is set instead -----------------------------------------------------


def test_defined_elsewhere_and_healthy_dependents(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  redis:\n    image: redis:7\n"
        "  worker:\n    image: w\n    environment:\n      ONLY_HERE: x\n"
        "    depends_on:\n      redis:\n        condition: service_healthy\n"
    )
    project = _project(tmp_path, {"compose.yaml": compose, ".env": "IN_DOTENV=1\n"})
    (compose_project,) = project.compose
    redis = compose_project.services["redis"]
    assert defined_elsewhere(compose_project, redis, "IN_DOTENV") == InterpolationOnly(".env", 1)
    elsewhere = defined_elsewhere(compose_project, redis, "ONLY_HERE")
    assert isinstance(elsewhere, OtherService)
    assert (elsewhere.name, elsewhere.key_span.line) == ("worker", 7)
    assert defined_elsewhere(compose_project, redis, "NOWHERE") == Nowhere()
    ((waiting, span),) = healthy_dependents(compose_project, redis)
    assert (waiting, span.line) == ("worker", 9)
