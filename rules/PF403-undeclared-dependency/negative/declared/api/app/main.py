import requests
from fastapi import FastAPI

app = FastAPI()
