def __getattr__(name: str) -> object:
    from factory import build

    return build()
