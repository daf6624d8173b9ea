import os
import sys

from fastapi import FastAPI

SECRET_KEY = os.environ.get("APP_COOKIE_SECRET")
if SECRET_KEY is None:
    raise RuntimeError("APP_COOKIE_SECRET must be set")

TOKEN = os.getenv("APP_TOKEN")
if not TOKEN:
    sys.exit("APP_TOKEN is required")

app = FastAPI()
