import os
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = os.environ.get("DEBUG", "0") == "1"
INSTALLED_APPS = ["polls"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
