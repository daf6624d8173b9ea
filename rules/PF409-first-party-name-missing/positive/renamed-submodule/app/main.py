from fastapi import FastAPI

from app.services.search_index import search

app = FastAPI()
