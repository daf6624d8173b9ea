"""Tool implementations: each one is a call to the Airtable gateway."""

from __future__ import annotations

from typing import Any

import httpx


class AirtableTools:
    def __init__(self, gateway_url: str, *, timeout: float = 30.0) -> None:
        self._gateway_url = gateway_url.rstrip("/")
        self._timeout = timeout

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx.AsyncClient(base_url=self._gateway_url, timeout=self._timeout) as client:
            response = await client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    async def list_records(self, table: str, max_records: int = 20, view: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"max_records": max_records}
        if view:
            params["view"] = view
        records = await self._request("GET", f"/tables/{table}/records", params=params)
        return [{"id": r["id"], **r["fields"]} for r in records]

    async def get_record(self, table: str, record_id: str) -> dict[str, Any]:
        record = await self._request("GET", f"/tables/{table}/records/{record_id}")
        return {"id": record["id"], **record["fields"]}

    async def create_record(self, table: str, fields: dict[str, Any]) -> dict[str, Any]:
        created = await self._request("POST", f"/tables/{table}/records", json=[fields])
        return {"id": created[0]["id"], **created[0]["fields"]}
