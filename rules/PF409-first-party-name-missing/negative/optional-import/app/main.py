from fastapi import FastAPI

try:
    from app.services.search_index import search
except ImportError:
    from app.services.search import search

app = FastAPI()
