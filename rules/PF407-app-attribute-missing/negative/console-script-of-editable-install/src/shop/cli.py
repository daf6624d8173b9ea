def run() -> None:
    print("serving")
