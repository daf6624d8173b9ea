def search(q: str) -> list[str]:
    return []
