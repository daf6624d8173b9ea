"""Settings shared by the orchestrator API and its Celery worker."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    database_url: str
    celery_broker_url: str
    celery_result_backend: str
    airtable_gateway_url: str
    mcp_server_url: str
    gemini_api_key: str
    gemini_model: str = "gemini-1.5-flash"
    log_level: str = "info"
    max_context_records: int = 20


settings = Settings()
