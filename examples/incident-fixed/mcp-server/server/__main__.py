"""Entry point: `python -m server` serves the tools over SSE on MCP_PORT."""

from __future__ import annotations

import os
from typing import Any

from mcp.server.fastmcp import FastMCP

import telemetry
from server.tools import AirtableTools

log = telemetry.configure_logging(os.environ.get("LOG_LEVEL", "info"))

tools = AirtableTools(os.environ["AIRTABLE_GATEWAY_URL"])
mcp = FastMCP(
    "pyairtable",
    host="0.0.0.0",  # noqa: S104 - reachable from the other containers
    port=int(os.environ.get("MCP_PORT", "8001")),
)


@mcp.tool()
async def list_records(table: str, max_records: int = 20, view: str | None = None) -> list[dict[str, Any]]:
    """List up to `max_records` rows of an Airtable table, optionally through a named view."""
    return await tools.list_records(table, max_records=max_records, view=view)


@mcp.tool()
async def get_record(table: str, record_id: str) -> dict[str, Any]:
    """Fetch one row by its record id (recXXXXXXXXXXXXXX)."""
    return await tools.get_record(table, record_id)


@mcp.tool()
async def create_record(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Create one row; field names must match the table's columns."""
    return await tools.create_record(table, fields)


if __name__ == "__main__":
    log.info("serving MCP tools over SSE on port %s", mcp.settings.port)
    mcp.run(transport="sse")
