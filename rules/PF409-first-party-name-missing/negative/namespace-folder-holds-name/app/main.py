from fastapi import FastAPI

from plugins import builtin

app = FastAPI()
