"""Public entry point of the stack: rate-limits callers and routes them to the internal services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from config import settings
from telemetry import configure_logging, request_timing

from .proxy import forward
from .ratelimit import RateLimiter

configure_logging(settings.log_level, service="api-gateway")
log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.http = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=5.0))
    app.state.limiter = RateLimiter.connect(
        settings.redis_host, settings.redis_port, per_minute=settings.rate_limit_per_minute
    )
    log.info("api-gateway ready")
    try:
        yield
    finally:
        await app.state.http.aclose()
        await app.state.limiter.close()


app = FastAPI(title="PyAirtable API Gateway", version="1.3.0", lifespan=lifespan)
app.middleware("http")(request_timing)
if settings.cors_origin_list:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["*"],
        allow_headers=["*"],
    )


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.api_route("/api/airtable/{path:path}", methods=["GET", "POST", "PATCH", "DELETE"])
async def airtable(path: str, request: Request) -> Response:
    await request.app.state.limiter.check(request.client.host if request.client else "anonymous")
    return await forward(request, f"{settings.airtable_gateway_url}/{path}")


@app.api_route("/api/llm/{path:path}", methods=["GET", "POST"])
async def llm(path: str, request: Request) -> Response:
    await request.app.state.limiter.check(request.client.host if request.client else "anonymous")
    return await forward(request, f"{settings.llm_orchestrator_url}/{path}")
