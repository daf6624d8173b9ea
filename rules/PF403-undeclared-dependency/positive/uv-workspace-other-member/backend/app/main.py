from celery import Celery
from fastapi import FastAPI

from app import tasks

app = FastAPI()
worker = Celery()
print(tasks)
