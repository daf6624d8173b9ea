import os

DEBUG = bool(os.environ.get("DEBUG"))
ALLOWED_HOSTS = ["*"]
