"""Chat and summary endpoints: grounds Gemini answers in Airtable records fetched through MCP tools."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from celery.result import AsyncResult
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from config import settings

from .db import ConversationStore, make_engine
from .llm import GeminiClient, LLMError
from .prompts import render
from .tools import McpTools
from .worker import celery_app, summarize_table

logging.basicConfig(level=settings.log_level.upper())
log = logging.getLogger("llm-orchestrator")


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=8000)
    table: str | None = None
    conversation_id: str | None = None


class ChatResponse(BaseModel):
    conversation_id: str
    answer: str


class SummaryRequest(BaseModel):
    table: str
    max_records: int = Field(100, ge=1, le=1000)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.store = ConversationStore(await asyncio.to_thread(make_engine, settings.database_url))
    app.state.llm = GeminiClient(settings.gemini_api_key, settings.gemini_model)
    app.state.tools = McpTools(settings.mcp_server_url)
    try:
        yield
    finally:
        await app.state.llm.aclose()


app = FastAPI(title="LLM Orchestrator", version="0.7.1", lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/chat")
async def chat(body: ChatRequest, request: Request) -> ChatResponse:
    store: ConversationStore = request.app.state.store
    conversation_id = body.conversation_id or uuid.uuid4().hex
    prompt = body.message
    if body.table:
        records = await request.app.state.tools.call(
            "list_records", {"table": body.table, "max_records": settings.max_context_records}
        )
        prompt = render("with_context", table=body.table, records=records) + "\n\n" + body.message
    try:
        answer = await request.app.state.llm.generate(prompt, system=render("system"))
    except LLMError as exc:
        log.error("llm call failed: %s", exc)
        raise HTTPException(status_code=502, detail="language model unavailable") from exc
    await asyncio.to_thread(store.add, conversation_id, "user", body.message)
    await asyncio.to_thread(store.add, conversation_id, "assistant", answer)
    return ChatResponse(conversation_id=conversation_id, answer=answer)


@app.post("/jobs/summarize", status_code=202)
async def enqueue_summary(body: SummaryRequest) -> dict[str, str]:
    result = summarize_table.delay(body.table, body.max_records)
    return {"job_id": result.id}


@app.get("/jobs/{job_id}")
async def job_status(job_id: str) -> dict[str, str | None]:
    result = AsyncResult(job_id, app=celery_app)
    return {"job_id": job_id, "state": result.state, "result": result.result if result.successful() else None}
