import json

type Payload = dict[str, object]


def first[T](items: list[T]) -> T:
    return items[0]


def load(text: str) -> Payload:
    try:
        return json.loads(text)
    except ValueError, TypeError:
        return {}


print(f"{"nested quotes"}")
