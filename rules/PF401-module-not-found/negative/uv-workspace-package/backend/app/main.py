import jwt
import pytest
from emails import Message
from fastapi import FastAPI
from sqlmodel import SQLModel

app = FastAPI()
