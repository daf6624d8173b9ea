from a import app


def create_app():
    return app
