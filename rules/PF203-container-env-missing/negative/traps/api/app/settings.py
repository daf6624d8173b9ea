from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_file="../.env")

    database_url: str
    debug: bool = False
    workers: int = 2
