import os

from fastapi import FastAPI

DEBUG = os.getenv("DEBUG", "").lower() in ("1", "true")
if os.getenv("DEBUG"):
    pass
app = FastAPI(debug=DEBUG)
