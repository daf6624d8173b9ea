"""Calls tools exposed by the MCP server (Airtable access for the model)."""

from __future__ import annotations

import json
from typing import Any

from mcp import ClientSession
from mcp.client.sse import sse_client


class McpTools:
    def __init__(self, url: str) -> None:
        self._url = url

    async def names(self) -> list[str]:
        async with sse_client(self._url) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
        return [tool.name for tool in listed.tools]

    async def call(self, name: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
        async with sse_client(self._url) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            result = await session.call_tool(name, arguments)
        if result.isError:
            raise RuntimeError(f"tool {name} failed")
        texts = [block.text for block in result.content if block.type == "text"]
        return [json.loads(text) for text in texts]
