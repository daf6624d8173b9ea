"""The pydantic models that validate ``images.toml`` (run by the test suite; a check trusts the
shipped file and never imports pydantic for it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from preflight.knowledge.image_types import EnvRuleKind, Level

if TYPE_CHECKING:
    from pydantic import BaseModel


def image_schema() -> type[BaseModel]:
    """The model of the whole table (pydantic is imported only here)."""
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    strict = ConfigDict(extra="forbid", frozen=True)

    class RuleModel(BaseModel):
        model_config = strict
        kind: EnvRuleKind
        vars: tuple[str, ...] = Field(min_length=1)
        values: tuple[str, ...] = ()
        min_length: int = Field(default=0, ge=0)
        when_set: tuple[str, ...] = ()
        when_equals: dict[str, tuple[str, ...]] = Field(default_factory=dict)
        unless_equals: dict[str, tuple[str, ...]] = Field(default_factory=dict)
        ignore_case: bool = False
        level: Level = "error"
        default_command_only: bool = False
        tags: tuple[str, ...] = ("*",)
        not_tags: tuple[str, ...] = ()
        why: str = Field(min_length=10)
        docs: str = Field(pattern=r"^https://")

        @model_validator(mode="after")
        def _consistent(self) -> RuleModel:
            if self.kind == "pattern":
                if not self.values:
                    raise ValueError("pattern rules need regular expressions in values")
                for pattern in self.values:
                    re.compile(pattern)
            if self.kind == "min_length" and self.min_length < 1:
                raise ValueError("min_length rules need min_length >= 1")
            if self.kind == "exclusive" and len(self.vars) < 2:
                raise ValueError("exclusive rules need two or more vars")
            return self

    class CommandArgModel(BaseModel):
        model_config = strict
        flag: str = Field(pattern=r"^-")
        requires_value: bool
        why: str = Field(min_length=10)
        docs: str = Field(pattern=r"^https://")

    class EnvSetModel(BaseModel):
        model_config = strict
        tags: tuple[str, ...] = ("*",)
        not_tags: tuple[str, ...] = ()
        vars: dict[str, str]

    class TagEnvModel(BaseModel):
        model_config = strict
        var: str
        regex: str

        @model_validator(mode="after")
        def _one_group(self) -> TagEnvModel:
            if re.compile(self.regex).groups < 1:
                raise ValueError("tag_env regex needs a capturing group")
            return self

    class ProgramsModel(BaseModel):
        model_config = strict
        tags: tuple[str, ...] = ("*",)
        not_tags: tuple[str, ...] = ()
        present: tuple[str, ...] = ()
        absent: tuple[str, ...] = ()

        @model_validator(mode="after")
        def _disjoint(self) -> ProgramsModel:
            both = set(self.present) & set(self.absent)
            if both:
                raise ValueError(f"programs both present and absent: {sorted(both)}")
            return self

    class ImageModel(BaseModel):
        model_config = strict
        docs: str = Field(pattern=r"^https://")
        aliases: tuple[str, ...] = ()
        inherits: str | None = None
        declares_healthcheck: bool | None = None
        file_env: tuple[str, ...] | None = None
        env_rules: tuple[RuleModel, ...] | None = None
        command_args: tuple[CommandArgModel, ...] | None = None
        env: tuple[EnvSetModel, ...] | None = None
        tag_env: tuple[TagEnvModel, ...] | None = None
        programs: tuple[ProgramsModel, ...] | None = None
        python_version_regex: str | None = None

    class Table(BaseModel):
        model_config = strict
        schema_version: Literal[1]
        images: dict[str, ImageModel]

    return Table
