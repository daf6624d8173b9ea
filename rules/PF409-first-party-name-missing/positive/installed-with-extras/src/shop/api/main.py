from shop.missing import X
from flask import Flask
app = Flask(__name__)
