from fastapi import FastAPI

from app.services import indexer

app = FastAPI()
