try:
    from flask import Flask
except ImportError:
    raise

if True:
    app = Flask(__name__)
