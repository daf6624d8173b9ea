from fastapi import FastAPI

from app.services import search_index

app = FastAPI()
