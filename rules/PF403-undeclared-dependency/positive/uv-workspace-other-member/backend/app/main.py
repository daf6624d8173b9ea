from celery import Celery
from fastapi import FastAPI

app = FastAPI()
worker = Celery()
