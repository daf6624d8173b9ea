from fastapi import FastAPI

from app.services.fastsearch import search

app = FastAPI()
