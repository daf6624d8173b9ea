import redis
from fastapi import FastAPI
import starlette.responses

app = FastAPI()
