from flask import Flask

APP = Flask(__name__)
