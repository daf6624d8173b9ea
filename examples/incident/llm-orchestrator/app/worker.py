"""Celery worker: long-running jobs that should not hold an HTTP request open."""

from __future__ import annotations

import asyncio
from functools import lru_cache

import httpx
from celery import Celery
from pyairtable_common.models import Record

from config import settings

from .db import ConversationStore, make_engine
from .llm import GeminiClient
from .prompts import render

celery_app = Celery(
    "llm-orchestrator",
    broker=settings.celery_broker_url,
    backend=settings.celery_result_backend,
)
celery_app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, result_expires=3600)


@lru_cache(maxsize=1)
def _store() -> ConversationStore:
    return ConversationStore(make_engine(settings.database_url))


def _fetch_records(table: str, max_records: int) -> list[Record]:
    url = f"{settings.airtable_gateway_url}/tables/{table}/records"
    response = httpx.get(url, params={"max_records": max_records}, timeout=30.0)
    response.raise_for_status()
    return [Record.model_validate(item) for item in response.json()]


async def _summarise(table: str, records: list[Record]) -> str:
    client = GeminiClient(settings.gemini_api_key, settings.gemini_model)
    try:
        prompt = render("summary", table=table, records=[r.fields for r in records])
        return await client.generate(prompt, system=render("system"))
    finally:
        await client.aclose()


@celery_app.task(name="summarize_table", autoretry_for=(httpx.TransportError,), retry_backoff=True, max_retries=3)
def summarize_table(table: str, max_records: int = 100) -> str:
    records = _fetch_records(table, max_records)
    summary = asyncio.run(_summarise(table, records))
    _store().save_summary(table, summary)
    return summary
