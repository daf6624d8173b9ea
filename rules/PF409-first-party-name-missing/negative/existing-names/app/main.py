from fastapi import FastAPI

from app.services import search
from app.services.search import search as find
from app import services
from . import services as again

app = FastAPI()
