"""`preflight image SERVICE` / `--dockerfile PATH`: print the model of one image."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("image")
@click.argument("service", required=False)
@click.option(
    "--dockerfile", type=click.Path(dir_okay=False, path_type=Path), help="A Dockerfile instead of a service."
)
@click.option(
    "--path",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The repository root.",
)
@click.option("-f", "--compose-file", multiple=True, help="Compose file(s), in merge order.")
@click.option("--env-file", multiple=True, help="Env file(s) for interpolation instead of .env.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Config file.")
def image_command(
    service: str | None,
    dockerfile: Path | None,
    root: Path,
    compose_file: tuple[str, ...],
    env_file: tuple[str, ...],
    config_path: Path | None,
) -> int:
    """Explain what the image of SERVICE (or of a Dockerfile) will contain."""
    import dataclasses

    from preflight.config import ConfigError, load_config
    from preflight.model.build import build_project
    from preflight.model.image.requirements import analyze_image
    from preflight.model.runtime.container import project_runtimes
    from preflight.report.image import render_image, runtime_lines

    if (service is None) == (dockerfile is None):
        raise click.UsageError("give a SERVICE name or --dockerfile PATH")
    try:
        config = load_config(root.resolve(), config_path)
    except ConfigError as err:
        raise click.UsageError(str(err)) from err
    overrides: dict[str, object] = {}
    if compose_file:
        overrides["compose_files"] = compose_file
    if env_file:
        overrides["env_files"] = env_file
    config = dataclasses.replace(config, **overrides)  # type: ignore[arg-type]
    project = build_project(root, config, Path.cwd())
    if service is not None:
        found = [m for m in project.images if any(s.name == service for s in m.services)]
        known = sorted({s.name for _c, s in project.services()})
        if not found:
            import difflib

            with_build = sorted({s.name for m in project.images for s in m.services})
            close = difflib.get_close_matches(service, known, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`? " if close and service not in known else ""
            raise click.UsageError(
                f"no service `{service}` with a build; {hint}services with a build: {', '.join(with_build) or '(none)'}"
                if service not in known
                else f"service `{service}` has no `build:` (it runs a registry image)"
            )
        model = found[0]
    else:
        assert dockerfile is not None  # noqa: S101 - checked above
        target = dockerfile.resolve()
        candidates = [
            m
            for m in project.images
            if m.spec.dockerfile_path is not None and m.spec.dockerfile_path.resolve() == target
        ]
        if not candidates:
            raise click.UsageError(f"{dockerfile}: not a Dockerfile of this repository")
        model = candidates[0]
    # an image several services share is shown once; of the containers, only the one asked for
    runtimes = [
        r for r in project_runtimes(project) if r.model is model and (service is None or r.service.name == service)
    ]
    extra = [line for r in runtimes for line in runtime_lines(r)]
    text = render_image(model, analyze_image(project.tree, model), extra)
    click.echo(text, nl=False)
    return 0
