from distutils.util import strtobool

from celery import Celery
from flask import Flask
from redis import Redis


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["DEBUG"] = bool(strtobool("false"))
    return app


celery_app = Celery(__name__)
cache = Redis()
