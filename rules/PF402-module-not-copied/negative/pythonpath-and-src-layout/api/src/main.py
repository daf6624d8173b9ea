from fastapi import FastAPI

from config import X

app = FastAPI()
