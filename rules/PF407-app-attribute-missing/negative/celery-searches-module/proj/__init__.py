from .celery import celery_app
