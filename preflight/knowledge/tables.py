"""Reading and validating the knowledge tables shipped under ``preflight/data/`` (see :mod:`preflight.knowledge`).

Package-private: the table loaders of :mod:`preflight.knowledge.images` and
:mod:`preflight.knowledge.python` read their text through :func:`_read_data` (looked up on this
module at call time, so tests can serve replacement texts) and validate it with pydantic when
asked to (:data:`VALIDATE`, :func:`preflight.knowledge.validate_tables`).
"""

from __future__ import annotations

import sys
from importlib import resources
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

_DATA_PACKAGE = "preflight"
_DATA_DIR = "data"


VALIDATE = False
"""Validate tables with pydantic as they load. The shipped tables are validated by the test suite
(``validate_tables``), so a run trusts them and does not pay for pydantic; tests that serve other
table texts turn this on."""


class KnowledgeError(ValueError):
    """A shipped knowledge table is malformed."""


def _read_data(*parts: str) -> str:
    node = resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR)
    for part in parts:
        node = node.joinpath(part)
    return node.read_text(encoding="utf-8")


def _load_toml(name: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(_read_data(name))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KnowledgeError(f"{name}: {exc}") from exc


_Model = TypeVar("_Model", bound="BaseModel")


def _validate(model: type[_Model], raw: object, name: str) -> _Model:
    from pydantic import ValidationError

    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(f"{name}: {exc}") from exc
