"""Build the image model of every service with `build:` and of every other Dockerfile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem, Span
from preflight.discover import dockerfile_names
from preflight.files import PathKind, SourceText, SourceTree, probe
from preflight.invocations import Invocations
from preflight.model.compose.merge import as_mapping
from preflight.model.image.build_paths import build_paths
from preflight.model.image.context import ContextFS
from preflight.model.image.evaluation import evaluate
from preflight.model.image.filesystem import ImageFS
from preflight.model.image.stages import BuildSpec, Env, Image
from preflight.parse.dockerfile import parse_dockerfile
from preflight.parse.dockerignore import DockerIgnore, find_dockerignore, parse_dockerignore
from preflight.parse.interpolate import Unknown
from preflight.parse.yaml import YMap, YScalar

if TYPE_CHECKING:
    from pathlib import Path

    from preflight.discover import Folder
    from preflight.model.compose.project import ComposeProject, Service


@dataclass(slots=True)
class ImageModel:
    """One image as built: its Dockerfile evaluated, its context, the services that run it."""

    spec: BuildSpec
    dockerfile_rel: str
    context_rel: str
    image: Image | None
    fs: ImageFS | None
    services: list[Service] = field(default_factory=list)
    compose: ComposeProject | None = None
    problems: list[tuple[str, ParseProblem]] = field(default_factory=list)
    dockerignore_rel: str | None = None

    @property
    def name(self) -> str:
        """A label for messages: the services, or the Dockerfile."""
        return ", ".join(s.name for s in self.services) if self.services else self.dockerfile_rel


def _build_args(project: ComposeProject, build: YMap) -> Env:
    args: Env = {}
    for key, value in as_mapping(build.get("args") or YMap((), build.span)).items:
        if not isinstance(value, YScalar):
            continue
        if value.value is None and not value.quoted:
            passed = project.env.lookup(key.text())
            if passed is None:
                continue
            args[key.text()] = None if isinstance(passed, Unknown) else passed
        else:
            args[key.text()] = None if value.unknown else value.text()
    return args


def _spec_for(service: Service, project: ComposeProject) -> BuildSpec | None:
    paths = build_paths(service)
    if paths is None or probe(paths.context) is not PathKind.DIR:
        return None
    build = service.get("build")
    args: Env = {}
    target = None
    extra: dict[str, str] = {}
    inline = None
    if isinstance(build, YMap):
        args = _build_args(project, build)
        target_node = build.get("target")
        target = target_node.text() if isinstance(target_node, YScalar) and not target_node.unknown else None
        for key, value in as_mapping(build.get("additional_contexts") or YMap((), build.span)).items:
            extra[key.text()] = value.text() if isinstance(value, YScalar) else ""
        inline_node = build.get("dockerfile_inline")
        inline = inline_node.text() if isinstance(inline_node, YScalar) and not inline_node.unknown else None
    return BuildSpec(paths.context, paths.dockerfile, inline, args, target, extra, paths.context_span, service.name)


def build_image(tree: SourceTree, spec: BuildSpec) -> ImageModel | None:
    """Parse and evaluate the Dockerfile of a build spec (None when it cannot be read)."""
    context_rel = tree.rel(spec.context) if spec.context != tree.root else "."
    if spec.dockerfile_text is not None:
        dockerfile_rel = f"{context_rel}/<dockerfile_inline>"
        text = spec.dockerfile_text
    else:
        if spec.dockerfile_path is None or probe(spec.dockerfile_path) is PathKind.MISSING:
            return None
        source = tree.read_text(spec.dockerfile_path)
        if not isinstance(source, SourceText):
            return None
        dockerfile_rel, text = source.path, source.text
    dockerfile = parse_dockerfile(text, dockerfile_rel)
    model = ImageModel(spec, dockerfile_rel, context_rel, None, None)
    model.problems.extend((dockerfile_rel, p) for p in dockerfile.problems)
    ignore = _dockerignore(tree, spec, model)
    image = evaluate(dockerfile, spec)
    model.image = image
    model.fs = ImageFS(image, ContextFS(spec.context, ignore, spec.invoked, tree))
    return model


def _dockerignore(tree: SourceTree, spec: BuildSpec, model: ImageModel) -> DockerIgnore | None:
    path = find_dockerignore(spec.context, spec.dockerfile_path)
    if path is None:
        return None
    source = tree.read_text(path)
    if not isinstance(source, SourceText):
        return None
    model.dockerignore_rel = source.path
    ignore = parse_dockerignore(source.text, source.path)
    model.problems.extend((source.path, p) for p in ignore.problems)
    return ignore


def build_images(
    tree: SourceTree, composes: list[ComposeProject], folders: list[Folder], invocations: Invocations | None = None
) -> list[ImageModel]:
    """One ImageModel per distinct build (services sharing a build share it), plus lone Dockerfiles."""
    models: dict[tuple[object, ...], ImageModel] = {}
    used: set[Path] = set()
    for compose in composes:
        for service in compose.services.values():
            spec = _spec_for(service, compose)
            if spec is None:
                continue
            key = (
                spec.context,
                spec.dockerfile_path,
                spec.dockerfile_text,
                tuple(sorted(spec.args.items())),
                spec.target,
            )
            if key not in models:
                model = build_image(tree, spec)
                if model is None:
                    continue
                model.compose = compose
                models[key] = model
            models[key].services.append(service)
            if spec.dockerfile_path is not None:
                used.add(spec.dockerfile_path.resolve())
    result = list(models.values())
    result.extend(_lone_dockerfiles(tree, used, folders, invocations or Invocations()))
    return result


def _lone_dockerfiles(
    tree: SourceTree, used: set[Path], folders: list[Folder], invocations: Invocations
) -> list[ImageModel]:
    """Dockerfiles no compose service builds: their context and build args are unknown, so only
    what the Dockerfile alone decides is checked (syntax, stages, base image references)."""
    found = []
    for folder in folders:
        for name in dockerfile_names(folder.files):
            path = folder.path / name
            if path.resolve() in used:
                continue
            build = invocations.build_of(path)
            if build is not None:  # `docker build -f X CTX` seen in a script: the context is known
                spec = BuildSpec(build.context, path, None, {}, None, {}, Span(tree.rel(path)), args_known=False)
            else:
                spec = BuildSpec(folder.path, path, None, {}, None, {}, Span(tree.rel(path)), invoked=False)
            model = build_image(tree, spec)
            if model is not None:
                found.append(model)
    return found
