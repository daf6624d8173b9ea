from flask import Flask

from shop.settings import DEBUG

app = Flask(__name__)
app.config["DEBUG"] = DEBUG
