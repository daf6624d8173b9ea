"""Wire models for the Airtable REST API, shared so every service parses records the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """One Airtable row."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    created_time: datetime = Field(alias="createdTime")
    fields: dict[str, Any] = Field(default_factory=dict)


class ListRecordsResponse(BaseModel):
    """One page of `GET /v0/{base}/{table}`."""

    records: list[Record]
    offset: str | None = None


class CreateRecordsRequest(BaseModel):
    """Body of `POST /v0/{base}/{table}`; Airtable accepts at most ten records per call."""

    records: list[dict[str, dict[str, Any]]] = Field(max_length=10)
    typecast: bool = False
