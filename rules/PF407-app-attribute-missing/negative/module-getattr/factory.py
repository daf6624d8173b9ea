from flask import Flask


def build() -> Flask:
    return Flask(__name__)
