from proj import app
