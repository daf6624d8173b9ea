from celery import Celery

app = Celery("proj")


@app.task
def add(x, y):
    return x + y
