class Settings: pass
