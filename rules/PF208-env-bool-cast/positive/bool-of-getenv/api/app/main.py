import os

from fastapi import FastAPI

DEBUG = bool(os.getenv("DEBUG"))
VERBOSE = bool(os.environ.get("VERBOSE", "0"))
app = FastAPI(debug=DEBUG)
