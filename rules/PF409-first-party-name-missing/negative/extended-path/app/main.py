from fastapi import FastAPI

from app.services.plugin import run

app = FastAPI()
