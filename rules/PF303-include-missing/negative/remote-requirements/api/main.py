import flask
import redis
