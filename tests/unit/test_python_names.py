"""The names a module binds at top level: bound, unbound, or unknown when syntax cannot tell."""

from __future__ import annotations

import pytest

from preflight.parse.python import Binding, analyze_python


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("app = 1\n", "app"),
        ("app: int = 1\n", "app"),
        ("app += 1\n", "app"),
        ("a, (b, *app) = x\n", "app"),
        ("def app(): pass\n", "app"),
        ("async def app(scope, receive, send): pass\n", "app"),
        ("class app: pass\n", "app"),
        ("import app\n", "app"),
        ("import app.wsgi\n", "app"),
        ("import os.path as app\n", "app"),
        ("from .factory import create as app\n", "app"),
        ("try:\n    from x import app\nexcept ImportError:\n    pass\n", "app"),
        ("if DEBUG:\n    app = 1\nelse:\n    app = 2\n", "app"),
        ("for app in range(3): pass\n", "app"),
        ("with open('f') as app: pass\n", "app"),
        ("while x:\n    app = 1\n", "app"),
        ("match x:\n    case [app]: pass\n", "app"),
        ("print(app := 1)\n", "app"),
        ("def init():\n    global app\n    app = 1\n", "app"),
    ],
)
def test_bound(source: str, name: str) -> None:
    assert analyze_python(source, "m.py").top_level.binds(name) is Binding.BOUND


@pytest.mark.parametrize(
    "source",
    [
        "APP = 1\n",
        "app: int\n",
        "def create_app():\n    app = 1\n    return app\n",
        "class Config:\n    app = 1\n",
        "self.app = 1\n",
        "from x import application\n",
        "import x.app\n",
        "setattr(self, 'app', 1)\n",
    ],
)
def test_unbound(source: str) -> None:
    assert analyze_python(source, "m.py").top_level.binds("app") is Binding.UNBOUND


@pytest.mark.parametrize(
    "source",
    [
        "from x import *\n",
        "def __getattr__(name):\n    return 1\n",
        "globals()['app'] = 1\n",
        "globals().update(app=1)\n",
        "vars()['app'] = 1\n",
        "exec('app = 1')\n",
        "import sys\nsetattr(sys.modules[__name__], 'app', 1)\n",
        "setattr(module, 'app', 1)\n",
        "import sys\nsys.modules[__name__].__dict__['app'] = 1\n",
        "app = (\n",
        "x = 1\0\n",
    ],
)
def test_unknown(source: str) -> None:
    assert analyze_python(source, "m.py").top_level.binds("app") is Binding.UNKNOWN


def test_factories_are_told_by_their_positional_arguments() -> None:
    names = analyze_python(
        "def create_app(config=None): ...\n"
        "def wsgi(environ, start_response): ...\n"
        "def wrapped(): ...\n"
        "wrapped = decorate(wrapped)\n"
        "@cache\ndef decorated(): ...\n",
        "m.py",
    ).top_level
    factory = names.function("create_app")
    assert factory is not None
    assert (factory.line, factory.max_positional, factory.required_positional) == (1, 1, 0)
    assert names.function("wsgi") is not None
    assert names.function("wrapped") is None  # rebound: not certainly the function
    assert names.function("decorated") is None  # a decorator may return anything


def test_the_fast_and_full_walks_agree() -> None:
    source = "import os\nAPP = os.environ.get('X')\n"
    assert analyze_python(source, "m.py").top_level == analyze_python(source, "m.py", full=True).top_level
