from fastapi import FastAPI

from app.services import indexer, search

app = FastAPI()
