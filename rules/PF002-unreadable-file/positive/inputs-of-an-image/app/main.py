import flask
import helpers
