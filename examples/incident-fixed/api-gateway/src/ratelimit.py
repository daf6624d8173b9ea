"""Fixed-window rate limiting shared by all gateway replicas through Redis."""

from __future__ import annotations

import os
import time

import redis.asyncio as redis
from fastapi import HTTPException, status


class RateLimiter:
    """Allows `per_minute` requests per client key in each wall-clock minute."""

    def __init__(self, client: redis.Redis, per_minute: int) -> None:
        self._client = client
        self._per_minute = per_minute

    @classmethod
    def connect(cls, host: str, port: int, *, per_minute: int) -> RateLimiter:
        client = redis.Redis(
            host=host,
            port=port,
            password=os.environ["REDIS_PASSWORD"],
            decode_responses=True,
            socket_connect_timeout=2,
        )
        return cls(client, per_minute)

    async def check(self, key: str) -> None:
        window = int(time.time() // 60)
        name = f"ratelimit:{key}:{window}"
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, 90)
            count, _ = await pipe.execute()
        if count > self._per_minute:
            raise HTTPException(
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                detail="rate limit exceeded",
                headers={"Retry-After": str(60 - int(time.time()) % 60)},
            )

    async def close(self) -> None:
        await self._client.aclose()
