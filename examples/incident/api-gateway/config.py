"""Settings for the API gateway, read from the environment."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    airtable_gateway_url: str
    llm_orchestrator_url: str
    redis_host: str = "redis"
    redis_port: int = 6379
    rate_limit_per_minute: int = 120
    log_level: str = "info"
    cors_origins: str = ""

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


settings = Settings()
