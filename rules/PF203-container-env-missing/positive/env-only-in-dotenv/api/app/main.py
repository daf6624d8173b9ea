import os

from fastapi import FastAPI

from app.settings import Settings

PASSWORD = os.environ["REDIS_PASSWORD"]
LEVEL = os.environ["LOG_LEVEL"]
SENTRY = os.getenv("SENTRY_DSN")
settings = Settings()
app = FastAPI()
