"""Configuration: `[tool.preflight]` in pyproject.toml or a `preflight.toml`, validated by pydantic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import ParseProblem, Severity

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import BaseModel


class ConfigError(Exception):
    """A configuration or usage problem: the CLI exits with status 2."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything that steers a check; built from the config file and then the CLI options."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    """Rules added to `select` (or to every rule when `select` is empty, which changes nothing)."""
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    severity: tuple[tuple[str, Severity], ...] = ()
    provided_env: tuple[str, ...] = ()
    import_names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Distribution -> the top-level modules it provides, when our tables do not know it."""
    env_files: tuple[str, ...] = ()
    compose_files: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    profiles: tuple[str, ...] = ()
    use_os_env: bool = False
    respect_gitignore: bool = True
    """Skip folders that `.gitignore` files ignore (never `.env` or compose files: compose reads them)."""
    source: str | None = None
    unread: UnreadConfig | None = None
    """Set when the root pyproject.toml could not be read: its `[tool.preflight]` (if any) is
    unknown, the defaults apply and the check reports the file (PF001/PF002)."""

    def severity_for(self, code: str, default: Severity) -> Severity:
        """The severity configured for a rule, or its default."""
        return dict(self.severity).get(code, default)


def _schema() -> type[BaseModel]:
    # pydantic is imported only when a config file exists, to keep start-up fast
    from pydantic import BaseModel, ConfigDict, Field

    class FileConfig(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

        select: list[str] = Field(default_factory=list)
        extend_select: list[str] = Field(default_factory=list, alias="extend-select")
        ignore: list[str] = Field(default_factory=list)
        extend_ignore: list[str] = Field(default_factory=list, alias="extend-ignore")
        fail_on: Severity = Field(default=Severity.ERROR, alias="fail-on")
        severity: dict[str, Severity] = Field(default_factory=dict)
        provided_env: list[str] = Field(default_factory=list, alias="provided-env")
        import_names: dict[str, list[str]] = Field(default_factory=dict, alias="import-names")
        env_files: list[str] = Field(default_factory=list, alias="env-files")
        compose_files: list[str] = Field(default_factory=list, alias="compose-files")
        exclude: list[str] = Field(default_factory=list)
        extend_exclude: list[str] = Field(default_factory=list, alias="extend-exclude")
        per_path_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-path-ignores")
        profiles: list[str] = Field(default_factory=list)
        use_os_env: bool = Field(default=False, alias="use-os-env")
        respect_gitignore: bool = Field(default=True, alias="respect-gitignore")

    return FileConfig


@dataclass(frozen=True, slots=True)
class UnreadConfig:
    """A config file that could not be read: not valid TOML (``syntax``) or not readable."""

    path: str
    problem: ParseProblem
    syntax: bool


class _Unreadable(ConfigError):
    """A config file that cannot be read (for a root pyproject.toml, only reported)."""

    def __init__(self, path: Path, problem: ParseProblem, syntax: bool) -> None:
        what = "invalid TOML" if syntax else "cannot read config"
        super().__init__(f"{path}:{problem.line}:{problem.col}: {what}: {problem.message}")
        self.problem, self.syntax = problem, syntax


def _load_toml(path: Path) -> dict[str, object]:
    from preflight.files import FileProblem, read_source
    from preflight.parse.toml import parse_toml

    source = read_source(path, str(path))
    if isinstance(source, FileProblem):
        raise _Unreadable(path, ParseProblem(source.message, source.line, source.col), syntax=False)
    parsed = parse_toml(source.text)
    if isinstance(parsed, ParseProblem):
        raise _Unreadable(path, parsed, syntax=True)
    return parsed


def _preflight_table(data: dict[str, object]) -> dict[str, object]:
    """`[tool.preflight]` when the file has a `tool` table, else the whole file."""
    tool = data.get("tool")
    if isinstance(tool, dict):
        table = tool.get("preflight", {})
        return table if isinstance(table, dict) else {}
    return data


def _config_in(folder: Path) -> tuple[Path, dict[str, object]] | None:
    own = folder / "preflight.toml"
    if own.is_file():
        return own, _preflight_table(_load_toml(own))
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        data = _load_toml(pyproject)  # an invalid one is reported by load_config's caller
        tool = data.get("tool")
        if isinstance(tool, dict) and isinstance(tool.get("preflight"), dict):
            return pyproject, tool["preflight"]
    return None


def find_config_file(root: Path) -> tuple[Path, dict[str, object]] | None:
    """The config file that applies to `root` and its preflight table, if any.

    As ruff does: the nearest `preflight.toml`, or `pyproject.toml` with a `[tool.preflight]`
    table, in `root` or a folder above it, up to the repository root (the folder holding
    `.git`); outside a repository only `root` itself is looked at.
    """
    from preflight.workspace import repository_root

    root = root.resolve()
    top = repository_root(root)
    folders = [root] if top is None else [root, *root.parents[: len(root.parents) - len(top.parents)]]
    for folder in folders:
        found = _config_in(folder)
        if found is not None:
            return found
    return None


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read and validate the configuration for `root` (an explicit `--config` path wins)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        found: tuple[Path, dict[str, object]] | None = (explicit, _preflight_table(_load_toml(explicit)))
    else:
        try:
            found = find_config_file(root)
        except _Unreadable as err:
            if (root / "preflight.toml").is_file():
                raise
            return Config(unread=UnreadConfig("pyproject.toml", err.problem, err.syntax))
    if found is None:
        return Config()
    path, table = found
    config = parse_config_table(table, str(path))
    return rebase(config, path.parent.resolve(), root) if explicit is None else config


def _rebased_patterns(patterns: tuple[str, ...], prefix: str) -> tuple[str, ...]:
    """Patterns relative to the config's folder, made relative to a root `prefix` below it."""
    kept = []
    for pattern in patterns:
        if pattern.startswith(prefix):
            kept.append(pattern[len(prefix) :])
        elif pattern.startswith(("*", "**/")):
            kept.append(pattern)
        # other patterns name places outside the checked root, or the root itself or its parents
    return tuple(kept)


def rebase(config: Config, config_dir: Path, root: Path) -> Config:
    """A config found in a folder above `root`: its paths and patterns made relative to `root`."""
    import dataclasses

    root = root.resolve()
    if root == config_dir:
        return config
    prefix = root.relative_to(config_dir).as_posix() + "/"
    pattern_ignores = [(p[len(prefix) :] if p.startswith(prefix) else p, c) for p, c in config.per_path_ignores]
    return dataclasses.replace(
        config,
        exclude=_rebased_patterns(config.exclude, prefix),
        per_path_ignores=tuple((p, c) for p, c in pattern_ignores if not p.startswith(("/", "../"))),
        env_files=tuple(str(config_dir / f) for f in config.env_files),
        compose_files=tuple(str(config_dir / f) for f in config.compose_files),
    )


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    """`; did you mean `fail-on`?` for a mistyped top-level key (nested tables take any key)."""
    import difflib

    if len(loc) != 1:
        return ""
    fields = _schema().model_fields
    known = [f.alias or name for name, f in fields.items()]
    close = difflib.get_close_matches(str(loc[0]).replace("_", "-"), known, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def parse_config_table(table: dict[str, object], source: str) -> Config:
    """Validate a `[tool.preflight]` table; unknown keys and bad values are ConfigError."""
    from pydantic import ValidationError

    try:
        parsed = _schema().model_validate(table)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: unknown config key `{where}`{_did_you_mean(first['loc'])}") from err
        raise ConfigError(f"{source}: invalid value for `{where}`: {first['msg']}") from err
    data = parsed.model_dump()
    return Config(
        select=tuple(data["select"]),
        extend_select=tuple(data["extend_select"]),
        ignore=tuple(data["ignore"] + data["extend_ignore"]),
        fail_on=data["fail_on"],
        severity=tuple(sorted(data["severity"].items())),
        provided_env=tuple(data["provided_env"]),
        import_names=tuple((k, tuple(v)) for k, v in sorted(data["import_names"].items())),
        env_files=tuple(data["env_files"]),
        compose_files=tuple(data["compose_files"]),
        exclude=tuple(data["exclude"] + data["extend_exclude"]),
        per_path_ignores=tuple((k, tuple(v)) for k, v in sorted(data["per_path_ignores"].items())),
        profiles=tuple(data["profiles"]),
        use_os_env=data["use_os_env"],
        respect_gitignore=data["respect_gitignore"],
        source=source,
    )
