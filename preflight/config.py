"""Configuration: `[tool.preflight]` in pyproject.toml or a `preflight.toml`, validated by pydantic."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preflight.diagnostics import Severity

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import BaseModel


class ConfigError(Exception):
    """A configuration or usage problem: the CLI exits with status 2."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything that steers a check; built from the config file and then the CLI options."""

    select: tuple[str, ...] = ()
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
    source: str | None = None

    def severity_for(self, code: str, default: Severity) -> Severity:
        """The severity configured for a rule, or its default."""
        return dict(self.severity).get(code, default)


def _schema() -> type[BaseModel]:
    # pydantic is imported only when a config file exists, to keep start-up fast
    from pydantic import BaseModel, ConfigDict, Field

    class FileConfig(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

        select: list[str] = Field(default_factory=list)
        ignore: list[str] = Field(default_factory=list)
        fail_on: Severity = Field(default=Severity.ERROR, alias="fail-on")
        severity: dict[str, Severity] = Field(default_factory=dict)
        provided_env: list[str] = Field(default_factory=list, alias="provided-env")
        import_names: dict[str, list[str]] = Field(default_factory=dict, alias="import-names")
        env_files: list[str] = Field(default_factory=list, alias="env-files")
        compose_files: list[str] = Field(default_factory=list, alias="compose-files")
        exclude: list[str] = Field(default_factory=list)
        per_path_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-path-ignores")
        profiles: list[str] = Field(default_factory=list)
        use_os_env: bool = Field(default=False, alias="use-os-env")

    return FileConfig


def _load_toml(path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read config: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from err


def _preflight_table(data: dict[str, object]) -> dict[str, object]:
    """`[tool.preflight]` when the file has a `tool` table, else the whole file."""
    tool = data.get("tool")
    if isinstance(tool, dict):
        table = tool.get("preflight", {})
        return table if isinstance(table, dict) else {}
    return data


def find_config_file(root: Path) -> tuple[Path, dict[str, object]] | None:
    """The config file that applies to `root` and its preflight table, if any."""
    own = root / "preflight.toml"
    if own.is_file():
        return own, _preflight_table(_load_toml(own))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _load_toml(pyproject)
        tool = data.get("tool")
        if isinstance(tool, dict) and isinstance(tool.get("preflight"), dict):
            return pyproject, tool["preflight"]
    return None


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read and validate the configuration for `root` (an explicit `--config` path wins)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        found: tuple[Path, dict[str, object]] | None = (explicit, _preflight_table(_load_toml(explicit)))
    else:
        found = find_config_file(root)
    if found is None:
        return Config()
    path, table = found
    return parse_config_table(table, str(path))


def parse_config_table(table: dict[str, object], source: str) -> Config:
    """Validate a `[tool.preflight]` table; unknown keys and bad values are ConfigError."""
    from pydantic import ValidationError

    try:
        parsed = _schema().model_validate(table)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: unknown config key `{where}`") from err
        raise ConfigError(f"{source}: invalid value for `{where}`: {first['msg']}") from err
    data = parsed.model_dump()
    return Config(
        select=tuple(data["select"]),
        ignore=tuple(data["ignore"]),
        fail_on=data["fail_on"],
        severity=tuple(sorted(data["severity"].items())),
        provided_env=tuple(data["provided_env"]),
        import_names=tuple((k, tuple(v)) for k, v in sorted(data["import_names"].items())),
        env_files=tuple(data["env_files"]),
        compose_files=tuple(data["compose_files"]),
        exclude=tuple(data["exclude"]),
        per_path_ignores=tuple((k, tuple(v)) for k, v in sorted(data["per_path_ignores"].items())),
        profiles=tuple(data["profiles"]),
        use_os_env=data["use_os_env"],
        source=source,
    )
