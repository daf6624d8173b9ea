from fastapi import FastAPI

import app.settings.local

app = FastAPI()
