"""Configuration of the Airtable gateway."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    airtable_token: str
    airtable_base_id: str
    airtable_api_url: str = "https://api.airtable.com/v0"
    cache_ttl_seconds: float = 60.0
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
