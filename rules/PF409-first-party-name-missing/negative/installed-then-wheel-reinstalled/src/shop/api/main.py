from shop.newmodule import X
from flask import Flask
app = Flask(__name__)
