import config


def main() -> None:
    print(config.NAME)
