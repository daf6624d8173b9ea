"""Logging setup for the MCP server.

With the SSE transport stdout is free, but keep logs on stderr so the same code also works
when the server is launched over stdio by a desktop client.
"""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str = "info") -> logging.Logger:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request at INFO; that is one line per tool call, too noisy here.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return logging.getLogger("mcp-server")
