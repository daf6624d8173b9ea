from shared import settings
