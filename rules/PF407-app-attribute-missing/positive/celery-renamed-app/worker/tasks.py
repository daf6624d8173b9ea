from celery import Celery

app = Celery("tasks")


@app.task
def ping() -> str:
    return "pong"
