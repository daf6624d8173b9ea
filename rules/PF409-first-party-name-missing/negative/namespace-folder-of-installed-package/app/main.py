from fastapi import FastAPI

from redis import Redis

app = FastAPI()
