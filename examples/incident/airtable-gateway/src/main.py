"""Thin HTTP facade over one Airtable base, with a read cache in front of the rate-limited API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pyairtable_common import AirtableClient, AirtableError, Record, TTLCache

from .settings import get_settings

settings = get_settings()
logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
log = logging.getLogger("airtable-gateway")

cache: TTLCache[list[Record]] = TTLCache(ttl=settings.cache_ttl_seconds)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.airtable = AirtableClient(
        settings.airtable_token, settings.airtable_base_id, api_url=settings.airtable_api_url
    )
    try:
        yield
    finally:
        await app.state.airtable.aclose()


app = FastAPI(title="Airtable Gateway", version="0.9.0", lifespan=lifespan)


@app.exception_handler(AirtableError)
async def airtable_error(_: Request, exc: AirtableError) -> JSONResponse:
    log.warning("airtable error: %s (upstream %s)", exc, exc.upstream_status)
    return JSONResponse(status_code=exc.status_code, content={"detail": str(exc)})


@app.get("/healthz")
async def healthz() -> dict[str, Any]:
    return {"status": "ok", "cached_queries": len(cache)}


@app.get("/tables/{table}/records")
async def list_records(
    table: str,
    request: Request,
    view: str | None = None,
    max_records: int = Query(100, ge=1, le=1000),
) -> list[Record]:
    key = f"{table}:{view}:{max_records}"
    records = cache.get(key)
    if records is None:
        records = await request.app.state.airtable.list_records(table, view=view, max_records=max_records)
        cache.set(key, records)
    return records


@app.get("/tables/{table}/records/{record_id}")
async def get_record(table: str, record_id: str, request: Request) -> Record:
    return await request.app.state.airtable.get_record(table, record_id)


@app.post("/tables/{table}/records", status_code=201)
async def create_records(table: str, rows: list[dict[str, Any]], request: Request) -> list[Record]:
    if not 1 <= len(rows) <= 10:
        raise HTTPException(status_code=422, detail="send between 1 and 10 rows per request")
    created = await request.app.state.airtable.create_records(table, rows)
    cache.invalidate_prefix(f"{table}:")
    return created
