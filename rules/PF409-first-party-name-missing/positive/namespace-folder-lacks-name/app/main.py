from fastapi import FastAPI

from plugins import registry

app = FastAPI()
