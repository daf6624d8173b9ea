from typing import Callable

application: Callable[..., object]
