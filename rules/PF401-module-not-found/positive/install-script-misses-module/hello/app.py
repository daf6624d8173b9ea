from flask import Flask
from redis import Redis

app = Flask(__name__)
cache = Redis()


def create_app():
    return app
