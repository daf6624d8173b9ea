# Celery finds the app among the attributes of the package
from .tasks import app as celery_app

__all__ = ("celery_app",)
