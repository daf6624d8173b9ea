from flask import Flask

globals()["app"] = Flask(__name__)
