from common import helpers

print(helpers.VALUE)
