"""The Django settings module a container loads when its code selects it (`os.environ.setdefault`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from preflight.config import Config
from preflight.model.build import build_project
from preflight.model.runtime.container import project_runtimes

if TYPE_CHECKING:
    from pathlib import Path

MANAGE = (
    "import os\nimport sys\n\n\ndef main():\n"
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    "    from django.core.management import execute_from_command_line\n\n"
    "    execute_from_command_line(sys.argv)\n\n\n"
    'if __name__ == "__main__":\n    main()\n'
)
WSGI = (
    "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
    "application = get_wsgi_application()\n"
)
DOCKERFILE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"


def _reached(tmp_path: Path, command: str, service_extra: str = "", files: dict[str, str] | None = None) -> set[str]:
    """The modules the one service's container loads."""
    tree = {
        "compose.yaml": f"services:\n  web:\n    build: ./web\n    command: {command}\n{service_extra}",
        "web/Dockerfile": DOCKERFILE,
        "web/requirements.txt": "django==5.1\ngunicorn==23.0.0\n",
        "web/manage.py": MANAGE,
        "web/proj/__init__.py": "",
        "web/proj/settings.py": "DEBUG = False\n",
        "web/proj/production.py": "DEBUG = False\n",
        "web/proj/wsgi.py": WSGI,
        **(files or {}),
    }
    for name, text in tree.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (runtime,) = project_runtimes(build_project(tmp_path, Config()))
    return set(runtime.reached)


@pytest.mark.parametrize(
    "command",
    ["python manage.py runserver", "gunicorn proj.wsgi:application", "uvicorn proj.wsgi:application"],
)
def test_the_settings_module_the_code_selects_is_loaded(tmp_path: Path, command: str) -> None:
    assert "proj.settings" in _reached(tmp_path, command)


def test_the_container_environment_wins(tmp_path: Path) -> None:
    extra = "    environment:\n      DJANGO_SETTINGS_MODULE: proj.production\n"
    reached = _reached(tmp_path, "gunicorn proj.wsgi:application", extra)
    assert "proj.production" in reached
    assert "proj.settings" not in reached


def test_manage_py_settings_option_wins(tmp_path: Path) -> None:
    # manage.py's own default and --settings disagree: which one loads is left unknown
    reached = _reached(tmp_path, "python manage.py runserver --settings=proj.production")
    assert "proj.settings" not in reached


@pytest.mark.parametrize(
    "command",
    [
        "gunicorn -e DJANGO_SETTINGS_MODULE=proj.production proj.wsgi:application",
        "gunicorn -c gunicorn.conf.py proj.wsgi:application",
        "uvicorn --env-file prod.env proj.wsgi:application",
    ],
)
def test_a_launcher_that_sets_variables_leaves_it_unknown(tmp_path: Path, command: str) -> None:
    assert "proj.settings" not in _reached(tmp_path, command, files={"web/prod.env": "X=1\n"})


def test_default_gunicorn_config_with_raw_env(tmp_path: Path) -> None:
    config = 'raw_env = ["DJANGO_SETTINGS_MODULE=proj.production"]\n'
    assert "proj.settings" not in _reached(
        tmp_path, "gunicorn proj.wsgi:application", files={"web/gunicorn.conf.py": config}
    )


def test_code_that_loads_an_env_file_leaves_it_unknown(tmp_path: Path) -> None:
    wsgi = "from dotenv import load_dotenv\nload_dotenv()\n" + WSGI
    assert "proj.settings" not in _reached(tmp_path, "gunicorn proj.wsgi:application", files={"web/proj/wsgi.py": wsgi})


def test_disagreeing_defaults_leave_it_unknown(tmp_path: Path) -> None:
    celery = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.production")\n'
    wsgi = "from proj import celery_app\n" + WSGI
    reached = _reached(
        tmp_path,
        "gunicorn proj.wsgi:application",
        files={"web/proj/wsgi.py": wsgi, "web/proj/celery_app.py": celery},
    )
    assert "proj.settings" not in reached
    assert "proj.production" not in reached


def test_without_django_nothing_is_loaded(tmp_path: Path) -> None:
    reached = _reached(tmp_path, "gunicorn proj.wsgi:application", files={"web/requirements.txt": "gunicorn==23.0.0\n"})
    assert "proj.settings" not in reached
