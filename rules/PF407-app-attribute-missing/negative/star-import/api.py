from factory import *
