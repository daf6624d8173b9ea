from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import dotenv
import yaml
from fastapi import FastAPI
from starlette.requests import Request

if TYPE_CHECKING:
    import mypy_extensions
try:
    import ujson
except ImportError:
    ujson = None
if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

app = FastAPI()
