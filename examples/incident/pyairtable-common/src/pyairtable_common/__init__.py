"""Shared building blocks for the PyAirtable services."""

from pyairtable_common.airtable import AirtableClient
from pyairtable_common.errors import AirtableError, NotFound, RateLimited
from pyairtable_common.models import ListRecordsResponse, Record
from pyairtable_common.ttl_cache import TTLCache

__version__ = "0.4.2"

__all__ = [
    "AirtableClient",
    "AirtableError",
    "ListRecordsResponse",
    "NotFound",
    "RateLimited",
    "Record",
    "TTLCache",
]
