from common import Settings

print(Settings())
