"""Logging and request-timing helpers used by the gateway."""

from telemetry.logs import configure_logging
from telemetry.middleware import request_timing

__all__ = ["configure_logging", "request_timing"]
