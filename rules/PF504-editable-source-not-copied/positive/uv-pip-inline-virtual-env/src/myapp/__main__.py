from myapp.main import run

run()
