"""Forward a request to an internal service and relay its answer."""

from __future__ import annotations

import httpx
from fastapi import HTTPException, Request, Response

# Headers that describe one hop of the connection and must not be copied to the next one.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "content-encoding",
}


def _strip(headers: httpx.Headers | dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}


async def forward(request: Request, url: str) -> Response:
    client: httpx.AsyncClient = request.app.state.http
    try:
        upstream = await client.request(
            request.method,
            url,
            params=request.query_params,
            content=await request.body(),
            headers=_strip(dict(request.headers)),
        )
    except httpx.TransportError as exc:
        raise HTTPException(status_code=502, detail=f"upstream unavailable: {exc}") from exc
    return Response(
        content=upstream.content,
        status_code=upstream.status_code,
        headers=_strip(upstream.headers),
    )
