from mylib import helpers
