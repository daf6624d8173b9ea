import os

from fastapi import FastAPI

from app.settings import Settings

PASSWORD = os.environ["REDIS_PASSWORD"]
VERSION = os.environ["PYTHON_VERSION"]
MODE = os.environ["APP_MODE"]
FLAG = os.environ["FROM_ENV_FILE"]
DERIVED = os.environ["DERIVED_URL"]
LEVEL = os.getenv("LOG_LEVEL", "info")
if "OPTIONAL" in os.environ:
    OPT = os.environ["OPTIONAL"]
try:
    TOKEN = os.environ["TOKEN"]
except KeyError:
    TOKEN = None
settings = Settings()
app = FastAPI()
