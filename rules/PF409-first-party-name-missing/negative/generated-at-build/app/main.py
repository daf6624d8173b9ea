from fastapi import FastAPI

from app.services.search_pb2 import Query

app = FastAPI()
