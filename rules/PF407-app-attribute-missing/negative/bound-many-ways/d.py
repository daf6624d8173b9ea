def init() -> None:
    global app
    from a import app


init()
