from .index import *
