"""Build the Project model from a root folder and a Config."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from preflight.discover import (
    ComposeTarget,
    dockerfile_names,
    explicit_target,
    find_compose_projects,
    walk_repository,
)
from preflight.files import SourceTree
from preflight.invocations import Invocations, find_invocations
from preflight.model.project import Project

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.config import Config
    from preflight.model.compose.project import ComposeProject
    from preflight.model.image.build import ImageModel
    from preflight.model.python_sources import FactStore


def _env_string(values: dict[str, object], name: str) -> str | None:
    found = values.get(name)
    value = getattr(found, "value", None)
    return value if isinstance(value, str) and value else None


def build_project(
    root: Path, config: Config, cwd: Path | None = None, python_facts: FactStore | None = None
) -> Project:
    """Discover and load every compose project under `root` (Python facts from `python_facts` when given)."""
    root = root.resolve()
    tree = SourceTree(root)
    folders = walk_repository(root, config.exclude, config.respect_gitignore, tree.folder_error)
    composes: list[ComposeProject] = []
    targets: list[ComposeTarget]
    invocations = Invocations()
    if config.compose_files:
        targets = [explicit_target(root, config.compose_files, cwd)]
    else:
        targets = find_compose_projects(folders)
        invocations = find_invocations(root, folders)
        targets.extend(_invoked_targets(targets, invocations))
    if targets:
        # the compose, YAML and env parsers load only when there is a compose project to read
        from preflight.model.compose.env import build_env
        from preflight.model.compose.load import load_project
    for target in targets:
        # the shell or CI job that runs a command found in the repository supplies its environment
        provided = config.provided_env if target.seen_in is None else ("*",)
        env = build_env(tree, target.directory, config.env_files, provided, config.use_os_env)
        files = list(target.files)
        compose_file = _env_string(dict(env.values), "COMPOSE_FILE")
        if compose_file and not target.explicit:
            separator = _env_string(dict(env.values), "COMPOSE_PATH_SEPARATOR") or ":"
            files = [target.directory / part for part in compose_file.split(separator) if part]
        if not files:
            continue  # a `.env` that names no compose file after all
        profiles = config.profiles
        env_profiles = _env_string(dict(env.values), "COMPOSE_PROFILES")
        if not profiles and env_profiles:
            profiles = tuple(p.strip() for p in env_profiles.split(",") if p.strip())
        compose = load_project(tree, target.directory, files, env, profiles)
        compose.name = _env_string(dict(env.values), "COMPOSE_PROJECT_NAME") or compose.name
        compose.explicit = target.explicit
        compose.started = target.services
        composes.append(compose)
    images: list[ImageModel] = []
    if composes or any(dockerfile_names(folder.files) for folder in folders):
        from preflight.model.image.build import build_images

        images = build_images(tree, composes, folders, invocations)
    return Project(root, tree, config, folders, composes, images, python_facts)


def _invoked_targets(defaults: list[ComposeTarget], invocations: Invocations) -> list[ComposeTarget]:
    """Compose file combinations the repository's commands use, beyond the default ones."""
    known = {tuple(os.path.realpath(f) for f in t.files) for t in defaults}
    added = []
    for invocation in invocations.compose:
        files = tuple(os.path.realpath(f) for f in invocation.files)
        if files not in known:
            known.add(files)
            directory = invocation.files[0].parent
            added.append(ComposeTarget(directory, invocation.files, True, invocation.seen_in, invocation.services))
    return added
