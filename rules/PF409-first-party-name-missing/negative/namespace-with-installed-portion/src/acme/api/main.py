from acme.common.util import X
from flask import Flask
app = Flask(__name__)
