from .search import *
