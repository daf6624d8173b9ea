def run() -> None:
    print("running")
