from decouple import config

TOKEN = config("WORKER_TOKEN")
