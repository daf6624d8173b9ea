"""The one explicit registry of rules, sorted by id (imported only when rules run: it imports every rule)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.rules.compose.pf101_compose_schema import ComposeSchema
from preflight.rules.compose.pf102_undefined_service import UndefinedService
from preflight.rules.compose.pf103_healthcheck_missing import HealthcheckMissing
from preflight.rules.compose.pf104_build_context_missing import BuildContextMissing
from preflight.rules.compose.pf105_dockerfile_missing import DockerfileMissing
from preflight.rules.compose.pf106_port_conflict import PortConflict
from preflight.rules.compose.pf107_undefined_resource import UndefinedResource
from preflight.rules.compose.pf108_env_file_missing import EnvFileMissing
from preflight.rules.dockerfile.pf501_copy_source_missing import CopySourceMissing
from preflight.rules.dockerfile.pf502_copy_from_unknown_stage import CopyFromUnknownStage
from preflight.rules.dockerfile.pf503_base_image_invalid import BaseImageInvalid
from preflight.rules.dockerfile.pf504_editable_source_not_copied import EditableSourceNotCopied
from preflight.rules.env.pf201_unset_variable import UnsetVariable
from preflight.rules.env.pf202_required_variable import RequiredVariable
from preflight.rules.env.pf203_container_env_missing import ContainerEnvMissing
from preflight.rules.env.pf204_compose_time_expansion import ComposeTimeExpansion
from preflight.rules.env.pf205_dotenv_syntax import DotenvSyntax
from preflight.rules.env.pf206_dotenv_drift import DotenvDrift
from preflight.rules.env.pf207_image_required_env import ImageRequiredEnv
from preflight.rules.env.pf208_env_bool_cast import EnvBoolCast
from preflight.rules.env.pf209_unexpanded_variable import UnexpandedVariable
from preflight.rules.env.pf210_shell_variable_expanded_by_compose import ShellVariableExpandedByCompose
from preflight.rules.env.pf211_required_variable_empty_in_template import RequiredVariableEmptyInTemplate
from preflight.rules.env.pf212_unused_template_key import UnusedTemplateKey
from preflight.rules.imports.pf401_module_not_found import ModuleNotFound
from preflight.rules.imports.pf402_module_not_copied import ModuleNotCopied
from preflight.rules.imports.pf403_undeclared_dependency import UndeclaredDependency
from preflight.rules.imports.pf404_entrypoint_missing import EntrypointMissing
from preflight.rules.imports.pf405_stdlib_version_mismatch import StdlibVersionMismatch
from preflight.rules.imports.pf406_command_not_in_image import CommandNotInImage
from preflight.rules.imports.pf407_app_attribute_missing import AppAttributeMissing
from preflight.rules.imports.pf408_package_main_missing import PackageMainMissing
from preflight.rules.imports.pf409_first_party_name_missing import FirstPartyNameMissing
from preflight.rules.imports.pf410_app_factory_not_called import AppFactoryNotCalled
from preflight.rules.imports.pf411_namespace_shadows_install import NamespaceShadowsInstall
from preflight.rules.inputs.pf001_unparsable_file import UnparsableFile
from preflight.rules.inputs.pf002_unreadable_file import UnreadableFile
from preflight.rules.requirements.pf301_invalid_requirement import InvalidRequirement
from preflight.rules.requirements.pf302_requirement_outside_context import RequirementOutsideContext
from preflight.rules.requirements.pf303_include_missing import IncludeMissing
from preflight.rules.requirements.pf304_conflicting_pins import ConflictingPins
from preflight.rules.requirements.pf305_local_project_invalid import LocalProjectInvalid
from preflight.rules.requirements.pf306_package_copied_after_install import PackageCopiedAfterInstall
from preflight.rules.security.pf601_secret_in_image import SecretInImage

if TYPE_CHECKING:
    from preflight.rules.base import Rule

ALL_RULES: tuple[type[Rule], ...] = (
    UnparsableFile,
    UnreadableFile,
    ComposeSchema,
    UndefinedService,
    HealthcheckMissing,
    BuildContextMissing,
    DockerfileMissing,
    PortConflict,
    UndefinedResource,
    EnvFileMissing,
    UnsetVariable,
    RequiredVariable,
    ContainerEnvMissing,
    ComposeTimeExpansion,
    DotenvSyntax,
    DotenvDrift,
    ImageRequiredEnv,
    EnvBoolCast,
    UnexpandedVariable,
    ShellVariableExpandedByCompose,
    RequiredVariableEmptyInTemplate,
    UnusedTemplateKey,
    InvalidRequirement,
    RequirementOutsideContext,
    IncludeMissing,
    ConflictingPins,
    LocalProjectInvalid,
    PackageCopiedAfterInstall,
    ModuleNotFound,
    ModuleNotCopied,
    UndeclaredDependency,
    EntrypointMissing,
    StdlibVersionMismatch,
    CommandNotInImage,
    AppAttributeMissing,
    PackageMainMissing,
    FirstPartyNameMissing,
    AppFactoryNotCalled,
    NamespaceShadowsInstall,
    CopySourceMissing,
    CopyFromUnknownStage,
    BaseImageInvalid,
    EditableSourceNotCopied,
    SecretInImage,
)


def rule_by_id(code: str) -> type[Rule] | None:
    """Find a rule by id (`PF201`) or name (`unset-variable`)."""
    wanted = code.strip()
    return next((r for r in ALL_RULES if wanted.upper() == r.id or wanted == r.name), None)
