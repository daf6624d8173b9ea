"""Async client for the Airtable REST API (v0)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from pyairtable_common.errors import AirtableError, NotFound, RateLimited
from pyairtable_common.models import CreateRecordsRequest, ListRecordsResponse, Record

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.airtable.com/v0"


class AirtableClient:
    """Talks to one Airtable base with a personal access token."""

    def __init__(
        self,
        token: str,
        base_id: str,
        *,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 15.0,
        max_retries: int = 3,
    ) -> None:
        self._base_url = f"{api_url.rstrip('/')}/{base_id}"
        self._max_retries = max_retries
        self._http = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self._base_url}/{path}"
        for attempt in range(self._max_retries + 1):
            response = await self._http.request(method, url, **kwargs)
            if response.status_code == 429 and attempt < self._max_retries:
                # Airtable allows 5 requests per second per base and asks for a 30 s pause.
                delay = 2**attempt
                log.warning("airtable rate limit hit, retrying in %ss", delay)
                await asyncio.sleep(delay)
                continue
            if response.status_code == 429:
                raise RateLimited("Airtable rate limit exceeded", upstream_status=429)
            if response.status_code == 404:
                raise NotFound(f"{path} not found", upstream_status=404)
            if response.is_error:
                raise AirtableError(response.text, upstream_status=response.status_code)
            return response.json()
        raise RateLimited("Airtable rate limit exceeded", upstream_status=429)

    async def list_records(
        self,
        table: str,
        *,
        view: str | None = None,
        max_records: int | None = None,
        filter_formula: str | None = None,
    ) -> list[Record]:
        params: dict[str, Any] = {}
        if view:
            params["view"] = view
        if max_records:
            params["maxRecords"] = max_records
        if filter_formula:
            params["filterByFormula"] = filter_formula
        records: list[Record] = []
        while True:
            page = ListRecordsResponse.model_validate(await self._request("GET", table, params=params))
            records.extend(page.records)
            if not page.offset:
                return records
            params["offset"] = page.offset

    async def get_record(self, table: str, record_id: str) -> Record:
        return Record.model_validate(await self._request("GET", f"{table}/{record_id}"))

    async def create_records(self, table: str, rows: list[dict[str, Any]]) -> list[Record]:
        body = CreateRecordsRequest(records=[{"fields": row} for row in rows], typecast=True)
        data = await self._request("POST", table, json=body.model_dump())
        return [Record.model_validate(item) for item in data["records"]]

    async def aclose(self) -> None:
        await self._http.aclose()
