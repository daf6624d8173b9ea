"""Exceptions raised by the Airtable client; services map them onto HTTP status codes."""

from __future__ import annotations


class AirtableError(Exception):
    """Airtable answered with an error the caller cannot recover from."""

    status_code = 502

    def __init__(self, message: str, *, upstream_status: int | None = None) -> None:
        super().__init__(message)
        self.upstream_status = upstream_status


class NotFound(AirtableError):
    """The table or record does not exist (or the token cannot see it)."""

    status_code = 404


class RateLimited(AirtableError):
    """Airtable kept answering 429 after every retry."""

    status_code = 503
