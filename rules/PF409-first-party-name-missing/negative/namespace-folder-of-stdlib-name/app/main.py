from fastapi import FastAPI

from logging import getLogger

app = FastAPI()
