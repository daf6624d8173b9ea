"""Compose and build commands found in a repository's scripts, workflows, READMEs, devcontainers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.discover import walk_repository
from preflight.invocations import find_invocations

if TYPE_CHECKING:
    from pathlib import Path


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_compose_file_lists_from_workflows_makefiles_and_compose_file_variables(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "compose.yml": "services: {}\n",
            "compose.deploy.yml": "services: {}\n",
            ".ci/compose.ci.yaml": "services: {}\n",
            ".github/workflows/deploy.yml": "jobs:\n  d:\n    steps:\n"
            "      - run: docker compose -f compose.yml -f compose.deploy.yml up -d\n"
            "    env:\n      COMPOSE_FILE: .ci/compose.ci.yaml\n",
            "Makefile": "up:\n\tdocker-compose --file=compose.yml up\n# docker compose -f missing.yml up\n",
        },
    )
    found = find_invocations(tmp_path, walk_repository(tmp_path))
    assert sorted(tuple(f.relative_to(tmp_path).as_posix() for f in c.files) for c in found.compose) == [
        (".ci/compose.ci.yaml",),
        ("compose.yml",),
        ("compose.yml", "compose.deploy.yml"),
    ]


def test_docker_build_contexts_with_variables_in_paths_and_devcontainers(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "workstation/preinstall/Dockerfile": "FROM ubuntu\n",
            "workstation/postinstall/Dockerfile": "FROM ubuntu\n",
            "workstation/README.md": "```\ndocker build -t x --build-arg A=1 -f ./${PHASE}install/Dockerfile .\n```\n",
            "docker/Dockerfile": "FROM python:3.12\n",
            "build.sh": "#!/bin/sh\ndocker buildx build --platform linux/amd64 -f docker/Dockerfile .\n",
            ".devcontainer/Dockerfile": "FROM python:3.12\n",
            ".devcontainer/devcontainer.json": '{\n  // JSON with comments\n  "build": {"dockerfile": "Dockerfile", '
            '"context": ".."},\n}\n',
        },
    )
    found = find_invocations(tmp_path, walk_repository(tmp_path))
    builds = sorted(
        (b.dockerfile.relative_to(tmp_path).as_posix(), b.context.relative_to(tmp_path).as_posix() or ".")
        for b in found.builds
    )
    assert builds == [
        (".devcontainer/Dockerfile", "."),
        ("docker/Dockerfile", "."),
        ("workstation/postinstall/Dockerfile", "workstation"),
        ("workstation/preinstall/Dockerfile", "workstation"),
    ]


def test_file_options_after_the_sub_command_belong_to_the_container(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "compose.yml": "services: {}\n",
            "docs/m.yml": "site_name: x\n",
            "Makefile": "docs:\n\tdocker compose -p site --env-file .env run --rm blog mkdocs build -f docs/m.yml\n"
            "up:\n\tdocker compose -p site -f compose.yml up\n",
        },
    )
    found = find_invocations(tmp_path, walk_repository(tmp_path))
    assert [tuple(f.name for f in c.files) for c in found.compose] == [("compose.yml",)]


def test_devcontainer_run_services_restrict_what_starts_unless_another_command_starts_all(tmp_path: Path) -> None:
    devcontainer = '{"dockerComposeFile": ["../compose.yaml", "dev.yaml"], "service": "app", "runServices": ["db"]}'
    _tree(
        tmp_path,
        {
            "compose.yaml": "services: {}\n",
            ".devcontainer/dev.yaml": "services: {}\n",
            ".devcontainer/devcontainer.json": devcontainer,
            "other/.devcontainer/devcontainer.json": '{"dockerComposeFile": "../../compose.yaml"}',
        },
    )
    found = find_invocations(tmp_path, walk_repository(tmp_path))
    by_files = {tuple(f.relative_to(tmp_path).as_posix() for f in c.files): c.services for c in found.compose}
    assert by_files == {("compose.yaml", ".devcontainer/dev.yaml"): ("app", "db"), ("compose.yaml",): None}

    _tree(tmp_path, {"up.sh": "docker compose -f compose.yaml -f .devcontainer/dev.yaml up\n"})
    found = find_invocations(tmp_path, walk_repository(tmp_path))
    assert {c.services for c in found.compose} == {None}  # the script starts every service of the pair
