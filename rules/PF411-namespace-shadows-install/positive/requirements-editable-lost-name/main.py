import common.db
from common import Settings, db, helpers

print(common.db.connect(), db, helpers.helper(), Settings())
