"""Exact tests of the static Python analysis (imports, environment reads, settings classes)."""

from __future__ import annotations

import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from preflight.diagnostics import ParseProblem
from preflight.parse.python import (
    BoolCast,
    EnvKind,
    EnvLibrary,
    EnvRead,
    ImportKind,
    ImportRef,
    PythonModule,
    SettingsClass,
    SettingsField,
    SettingsFlavor,
    analyze_python,
    resolve_relative,
)

IMPORT = ImportKind.IMPORT
FROM = ImportKind.FROM
IMPORTLIB = ImportKind.IMPORTLIB


def analyze(source: str) -> PythonModule:
    module = analyze_python(textwrap.dedent(source), "app/main.py")
    assert module.path == "app/main.py"
    return module


def imports(source: str) -> list[tuple[str, int, tuple[str, ...], ImportKind, bool, str | None]]:
    """(module, level, names, kind, optional, guard) of each import."""
    module = analyze(source)
    assert module.problems == ()
    return [(r.module, r.level, r.names, r.kind, r.optional, r.guard) for r in module.imports]


def reads(source: str) -> list[tuple[str, EnvKind, bool, bool, str | None]]:
    """(name, kind, has_default, optional, guard) of each environment read."""
    module = analyze(source)
    assert module.problems == ()
    return [(r.name, r.kind, r.has_default, r.optional, r.guard) for r in module.env_reads]


# imports ------------------------------------------------------------------------------------------


def test_every_import_statement_form_with_positions() -> None:
    module = analyze(
        """\
        import sys, os
        import a.b.c as d
        from x import a, b as c
        from . import sibling
        from ..db import session
        from ...pkg.mod import thing
        from .models import *
        from y import (
            first,
            second,
        )
        """
    )
    assert module.imports == (
        ImportRef("sys", 0, (), IMPORT, 1, 1, 1, 15),
        ImportRef("os", 0, (), IMPORT, 1, 1, 1, 15),
        ImportRef("a.b.c", 0, (), IMPORT, 2, 1, 2, 18),
        ImportRef("x", 0, ("a", "b"), FROM, 3, 1, 3, 24),
        ImportRef("", 1, ("sibling",), FROM, 4, 1, 4, 22),
        ImportRef("db", 2, ("session",), FROM, 5, 1, 5, 25),
        ImportRef("pkg.mod", 3, ("thing",), FROM, 6, 1, 6, 29),
        ImportRef("models", 1, ("*",), FROM, 7, 1, 7, 22),
        ImportRef("y", 0, ("first", "second"), FROM, 8, 1, 11, 2),
    )
    assert module.problems == ()
    assert module.has_main_guard is False


def test_function_and_class_level_imports() -> None:
    module = analyze(
        """\
        class Handler:
            import json

            def run(self):
                import yaml
                return lambda: __import__("toml")

        async def main():
            from .jobs import queue
        """
    )
    assert [(r.module, r.level, r.in_function, r.kind) for r in module.imports] == [
        ("json", 0, False, IMPORT),
        ("yaml", 0, True, IMPORT),
        ("toml", 0, True, IMPORTLIB),
        ("jobs", 1, True, FROM),
    ]
    assert module.imports[1] == ImportRef("yaml", 0, (), IMPORT, 5, 9, 5, 20, in_function=True)


def test_type_checking_in_both_spellings_and_negated() -> None:
    module = analyze(
        """\
        import typing
        import typing as t
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from app.models import User
        else:
            User = None
        if typing.TYPE_CHECKING:
            import mypy_boto3_s3
        if t.TYPE_CHECKING:
            import numpy.typing
        if not TYPE_CHECKING:
            import runtime_only
        else:
            import checker_only
        if TYPE_CHECKING:
            def helper():
                import inside_helper
        """
    )
    found = [(r.module, r.optional, r.type_checking, r.guard, r.in_function) for r in module.imports[3:]]
    assert found == [
        ("app.models", True, True, "TYPE_CHECKING", False),
        ("mypy_boto3_s3", True, True, "TYPE_CHECKING", False),
        ("numpy.typing", True, True, "TYPE_CHECKING", False),
        ("runtime_only", False, False, None, False),
        ("checker_only", True, True, "TYPE_CHECKING", False),
        ("inside_helper", True, True, "TYPE_CHECKING", True),
    ]
    assert module.imports[3] == ImportRef(
        "app.models", 0, ("User",), FROM, 6, 5, 6, 32, optional=True, type_checking=True, guard="TYPE_CHECKING"
    )


def test_try_except_import_error_and_its_fallback() -> None:
    assert imports(
        """\
        try:
            import ujson as json
        except ImportError:
            import json
        else:
            import orjson_extras
        finally:
            import atexit
        """
    ) == [
        ("ujson", 0, (), IMPORT, True, "try/except ImportError"),
        ("json", 0, (), IMPORT, True, "except ImportError fallback"),
        ("orjson_extras", 0, (), IMPORT, False, None),
        ("atexit", 0, (), IMPORT, False, None),
    ]


@pytest.mark.parametrize(
    ("handler", "guard"),
    [
        ("except ModuleNotFoundError:", "try/except ModuleNotFoundError"),
        ("except (AttributeError, ImportError):", "try/except ImportError"),
        ("except Exception:", "try/except Exception"),
        ("except BaseException as exc:", "try/except BaseException"),
        ("except:", "try/bare except"),
        ("except builtins.ImportError:", "try/except ImportError"),
        ("except ValueError:", None),
        ("except KeyError:", None),
    ],
)
def test_which_handlers_make_an_import_optional(handler: str, guard: str | None) -> None:
    source = f"try:\n    import redis\n{handler}\n    pass\n"
    assert imports(source) == [("redis", 0, (), IMPORT, guard is not None, guard)]


def test_try_guards_do_not_reach_into_function_bodies_but_class_bodies() -> None:
    assert imports(
        """\
        try:
            def later():
                import celery
            class Now:
                import kombu
            with suppress(ImportError):
                import sentry_sdk
        except ImportError:
            pass
        def outer():
            try:
                import rich
            except ImportError:
                rich = None
        with contextlib.suppress(ModuleNotFoundError, KeyError):
            import uvloop
        with open("x") as f:
            import plain
        """
    ) == [
        ("celery", 0, (), IMPORT, False, None),
        ("kombu", 0, (), IMPORT, True, "try/except ImportError"),
        ("sentry_sdk", 0, (), IMPORT, True, "suppress(ImportError)"),
        ("rich", 0, (), IMPORT, True, "try/except ImportError"),
        ("uvloop", 0, (), IMPORT, True, "suppress(ModuleNotFoundError)"),
        ("plain", 0, (), IMPORT, False, None),
    ]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs Python 3.11")
def test_exception_groups_guard_like_try() -> None:
    assert imports("try:\n    import a\nexcept* ImportError:\n    import b\n") == [
        ("a", 0, (), IMPORT, True, "try/except ImportError"),
        ("b", 0, (), IMPORT, True, "except ImportError fallback"),
    ]


def test_python_version_conditions() -> None:
    module = analyze(
        """\
        import sys
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli as tomllib
        if sys.version_info[:2] < (3, 9):
            if sys.version_info > (3, 7):
                import importlib_metadata
        def f():
            if sys.version_info >= (3, 12):
                import x
        if sys.platform == "win32":
            import winreg
        """
    )
    assert [(r.module, r.python_version, r.optional) for r in module.imports] == [
        ("sys", None, False),
        ("tomllib", ">=3.11", False),
        ("tomli", "<3.11", False),
        ("importlib_metadata", "<3.9,>3.7", False),
        ("x", ">=3.12", False),
        ("winreg", None, False),
    ]


def test_importlib_literal_relative_and_dynamic() -> None:
    module = analyze(
        """\
        import importlib
        from importlib import import_module as load

        a = importlib.import_module("plugins.s3")
        b = load(".sub", package="app.routes")
        c = importlib.import_module("..shared", "app.routes")
        d = importlib.import_module(".local")
        e = importlib.import_module(".x", package=__package__)
        f = __import__("pkg.mod", globals(), locals(), ["name"], 0)
        g = __import__("sibling", fromlist=("a",), level=1)
        h = importlib.import_module(name)
        i = importlib.import_module(f"plugins.{name}")
        j = importlib.import_module("...too.far", package="app")
        try:
            k = importlib.import_module("optional_backend")
        except ImportError:
            k = None
        """
    )
    assert [(r.module, r.level, r.names, r.kind, r.optional) for r in module.imports[2:]] == [
        ("plugins.s3", 0, (), IMPORTLIB, False),
        ("app.routes.sub", 0, (), IMPORTLIB, False),
        ("app.shared", 0, (), IMPORTLIB, False),
        ("local", 1, (), IMPORTLIB, False),
        ("x", 1, (), IMPORTLIB, False),
        ("pkg.mod", 0, ("name",), IMPORTLIB, False),
        ("sibling", 1, ("a",), IMPORTLIB, False),
        ("too.far", 3, (), IMPORTLIB, False),
        ("optional_backend", 0, (), IMPORTLIB, True),
    ]
    assert module.imports[2] == ImportRef("plugins.s3", 0, (), IMPORTLIB, 4, 5, 4, 42)
    assert module.dynamic_imports == 2


@pytest.mark.parametrize(
    ("module", "level", "package", "expected"),
    [
        ("db", 2, "app.routes", "app.db"),
        ("db", 1, "app.routes", "app.routes.db"),
        ("", 1, "app.routes", "app.routes"),
        ("", 2, "app.routes", "app"),
        ("x", 3, "app.routes", None),
        ("x", 1, "", None),
        ("config", 0, "app", "config"),
        ("a.b", 1, "pkg", "pkg.a.b"),
    ],
)
def test_resolve_relative(module: str, level: int, package: str, expected: str | None) -> None:
    ref = ImportRef(module, level, (), FROM, 1, 1, 1, 1)
    assert resolve_relative(ref, package) == expected


# environment reads -----------------------------------------------------------------------------


def test_every_environment_read_form_with_positions() -> None:
    module = analyze(
        """\
        import os
        import os as o
        from os import environ, getenv
        from os import environ as E

        A = os.environ["A"]
        B = os.environ.get("B")
        C = os.environ.get("C", "d")
        D = os.getenv("D")
        F = getenv("F", "x")
        G = environ.get("G", None)
        H = os.environ.setdefault("H", "1")
        I = "I" in os.environ
        J = o.environ["J"]
        K = E["K"]
        L = os.getenv("L", default="5")
        M = os.environ.pop("M")
        N = os.environ.pop("N", "n")
        P = "P" not in os.environ
        """
    )
    R = EnvRead
    assert module.env_reads == (
        R("A", EnvKind.SUBSCRIPT, False, 6, 5, 6, 20),
        R("B", EnvKind.GET, False, 7, 5, 7, 24),
        R("C", EnvKind.GET_DEFAULT, True, 8, 5, 8, 29),
        R("D", EnvKind.GET, False, 9, 5, 9, 19),
        R("F", EnvKind.GET_DEFAULT, True, 10, 5, 10, 21),
        R("G", EnvKind.GET, False, 11, 5, 11, 27),
        R("H", EnvKind.SETDEFAULT, True, 12, 5, 12, 36),
        R("I", EnvKind.CONTAINS, False, 13, 5, 13, 22),
        R("J", EnvKind.SUBSCRIPT, False, 14, 5, 14, 19),
        R("K", EnvKind.SUBSCRIPT, False, 15, 5, 15, 11),
        R("L", EnvKind.GET_DEFAULT, True, 16, 5, 16, 32),
        R("M", EnvKind.SUBSCRIPT, False, 17, 5, 17, 24),
        R("N", EnvKind.GET_DEFAULT, True, 18, 5, 18, 29),
        R("P", EnvKind.CONTAINS, False, 19, 5, 19, 26),
    )
    assert module.dynamic_reads == 0


def test_or_fallbacks_count_as_defaults_for_getters_only() -> None:
    assert reads(
        """\
        import os
        a = os.getenv("A") or "d"
        b = os.environ.get("B") or None
        c = os.environ["C"] or "d"
        d = os.getenv("D1") or os.getenv("D2") or "d"
        e = (os.getenv("E1") or os.getenv("E2")) or 5
        f = x or os.getenv("F")
        g = int(os.getenv("G") or 0)
        h = int(os.getenv("H")) or 0
        """
    ) == [
        ("A", EnvKind.GET, True, False, None),
        ("B", EnvKind.GET, False, False, None),
        ("C", EnvKind.SUBSCRIPT, False, False, None),
        ("D1", EnvKind.GET, True, False, None),
        ("D2", EnvKind.GET, True, False, None),
        ("E1", EnvKind.GET, True, False, None),
        ("E2", EnvKind.GET, True, False, None),
        ("F", EnvKind.GET, False, False, None),
        ("G", EnvKind.GET, True, False, None),
        ("H", EnvKind.GET, False, False, None),
    ]


def test_guards_that_make_a_missing_variable_harmless() -> None:
    assert reads(
        """\
        import os
        from contextlib import suppress
        try:
            A = os.environ["A"]
        except KeyError:
            A = None
        try:
            B = os.environ["B"]
        except ImportError:
            B = None
        with suppress(LookupError):
            C = os.environ["C"]
        if "D" in os.environ:
            D = os.environ["D"]
        else:
            D2 = os.environ["D"]
        if os.getenv("E") and flag:
            E = os.environ["E"]
        F = os.environ["F"] if "F" in os.environ else "f"
        G = "G" in os.environ and os.environ["G"]
        if os.environ.get("H") is not None:
            H = os.environ["H"]
        if (url := os.getenv("URL")):
            U = os.environ["URL"]
        """
    ) == [
        ("A", EnvKind.SUBSCRIPT, False, True, "try/except KeyError"),
        ("B", EnvKind.SUBSCRIPT, False, False, None),
        ("C", EnvKind.SUBSCRIPT, False, True, "suppress(LookupError)"),
        ("D", EnvKind.CONTAINS, False, False, None),
        ("D", EnvKind.SUBSCRIPT, False, True, "presence check"),
        ("D", EnvKind.SUBSCRIPT, False, False, None),
        ("E", EnvKind.GET, False, False, None),
        ("E", EnvKind.SUBSCRIPT, False, True, "presence check"),
        ("F", EnvKind.SUBSCRIPT, False, True, "presence check"),
        ("F", EnvKind.CONTAINS, False, False, None),
        ("G", EnvKind.CONTAINS, False, False, None),
        ("G", EnvKind.SUBSCRIPT, False, True, "presence check"),
        ("H", EnvKind.GET, False, False, None),
        ("H", EnvKind.SUBSCRIPT, False, True, "presence check"),
        ("URL", EnvKind.GET, False, False, None),
        ("URL", EnvKind.SUBSCRIPT, False, True, "presence check"),
    ]


def test_reads_in_functions_lambdas_and_comprehensions() -> None:
    module = analyze(
        """\
        import os
        def get_url():
            return os.environ["URL"]
        fetch = lambda: os.environ["LAZY"]
        names = [os.environ[n] for n in ("X",)]
        eager = {k: os.getenv("EAGER") for k in range(2)}
        try:
            def later():
                return os.environ["LATER"]
        except KeyError:
            pass
        """
    )
    assert [(r.name, r.in_function, r.optional) for r in module.env_reads] == [
        ("URL", True, False),
        ("LAZY", True, False),
        ("EAGER", False, False),
        ("LATER", True, False),
    ]
    assert module.dynamic_reads == 1


def test_non_literal_names_and_writes_are_not_reads() -> None:
    module = analyze(
        """\
        import os
        prefix = "APP_"
        os.environ["SET_ME"] = "1"
        del os.environ["DROP_ME"]
        a = os.environ[f"{prefix}KEY"]
        b = os.getenv(prefix + "KEY")
        c = os.environ.get(name)
        d = "X" + "Y" in os.environ
        e = os.environ.copy()
        f = dict(os.environ)
        g = other["NOT_ENV"]
        h = environ.get("NOT_IMPORTED")
        """
    )
    assert module.env_reads == ()
    assert module.dynamic_reads == 4


def test_non_ascii_lines_give_character_columns() -> None:
    module = analyze('import os\nx = "é" + os.environ["Ü"]  # ünïcode\n')
    assert module.env_reads == (EnvRead("Ü", EnvKind.SUBSCRIPT, False, 2, 11, 2, 26),)


def test_library_reads_django_environ_environs_decouple() -> None:
    module = analyze(
        """\
        import environ
        import decouple
        from environs import Env
        from decouple import config, Csv

        env = environ.Env(DEBUG=(bool, False), SECRET=str)
        envs = Env()
        envs.read_env()
        environ.Env.read_env()

        DEBUG = env("DEBUG")
        SECRET = env("SECRET")
        NAME = env.str("NAME", default="app")
        HOSTS = env.list("HOSTS", str, [])
        DB = env.db()
        CACHE = env.cache_url("REDIS_URL")
        X = envs.str("X")
        Y = envs.int("Y", 5)
        Z = envs("Z")
        C = config("C", cast=bool)
        C2 = config("C2", default=None)
        C3 = decouple.config("C3", "fallback")
        try:
            Q = envs.str("Q")
        except envs.EnvError:
            Q = None
        W = env.unknown_method("W")
        """
    )
    DJ, ENVS, DEC = EnvLibrary.DJANGO_ENVIRON, EnvLibrary.ENVIRONS, EnvLibrary.DECOUPLE
    assert [(r.name, r.kind, r.has_default, r.library, r.guard) for r in module.env_reads] == [
        ("DEBUG", EnvKind.LIBRARY, True, DJ, None),
        ("SECRET", EnvKind.LIBRARY, False, DJ, None),
        ("NAME", EnvKind.LIBRARY, True, DJ, None),
        ("HOSTS", EnvKind.LIBRARY, True, DJ, None),
        ("DATABASE_URL", EnvKind.LIBRARY, False, DJ, None),
        ("REDIS_URL", EnvKind.LIBRARY, False, DJ, None),
        ("X", EnvKind.LIBRARY, False, ENVS, None),
        ("Y", EnvKind.LIBRARY, True, ENVS, None),
        ("Z", EnvKind.LIBRARY, False, ENVS, None),
        ("C", EnvKind.LIBRARY, False, DEC, None),
        ("C2", EnvKind.LIBRARY, True, DEC, None),
        ("C3", EnvKind.LIBRARY, True, DEC, None),
        ("Q", EnvKind.LIBRARY, False, ENVS, "try/except EnvError"),
    ]
    assert module.env_reads[0] == EnvRead("DEBUG", EnvKind.LIBRARY, True, 11, 9, 11, 21, library=DJ)


def test_ready_made_library_objects() -> None:
    assert reads(
        """\
        from environs import env
        from decouple import config as cfg
        A = env.bool("A", False)
        B = cfg("B")
        """
    ) == [("A", EnvKind.LIBRARY, True, False, None), ("B", EnvKind.LIBRARY, False, False, None)]


def test_bool_casts() -> None:
    module = analyze(
        """\
        import os
        A = bool(os.getenv("A"))
        B = bool(os.environ.get("B"))
        C = bool(os.environ.get("C", "false"))
        D = bool(os.environ["D"])
        if os.getenv("E"):
            pass
        F = bool("F" in os.environ)
        G = bool(int(os.getenv("G", "0")))
        H = bool(os.getenv(name))
        """
    )
    assert module.bool_casts == (
        BoolCast("A", 2, 5, 2, 25),
        BoolCast("B", 3, 5, 3, 30),
        BoolCast("C", 4, 5, 4, 39),
        BoolCast("D", 5, 5, 5, 26),
    )


def test_django_settings_defaults() -> None:
    module = analyze(
        """\
        import os
        from os import environ

        def main():
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
        environ.setdefault("DJANGO_SETTINGS_MODULE", default="proj.settings.dev")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", name)
        os.environ.setdefault("DJANGO_CONFIGURATION", "Dev")
        os.environ["DJANGO_SETTINGS_MODULE"] = "proj.other"
        """
    )
    assert module.django_settings == ("proj.settings", "proj.settings.dev")
    assert analyze("import os\nos.getenv('DJANGO_SETTINGS_MODULE', 'x')\n").django_settings == ()


# settings classes --------------------------------------------------------------------------------


def test_pydantic_settings_v2_class() -> None:
    module = analyze(
        """\
        from typing import Annotated, ClassVar, Optional
        from pydantic import AliasChoices, AliasPath, Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Settings(BaseSettings):
            model_config = SettingsConfigDict(
                env_prefix="APP_", env_file=(".env", ".env.prod"), env_nested_delimiter="__"
            )
            debug: bool = False
            secret_key: str
            maybe: Optional[str]
            nullable: str | None = None
            api: str = Field(alias="API_TOKEN")
            redis: str = Field("redis://", validation_alias=AliasChoices("REDIS_URL", AliasPath("cache", 0)))
            both: str = Field(alias="IGNORED", validation_alias="WINS")
            req: int = Field(...)
            dflt: int = Field(default=3)
            fac: list[str] = Field(default_factory=list)
            ann: Annotated[str, Field(alias="ann_alias")]
            ann_default: Annotated[int, Field(ge=0)] = 1
            counter: ClassVar[int] = 0
            _private: int = 1
            def method(self) -> None: ...
        """
    )
    (cls,) = module.settings
    assert (cls.name, cls.line, cls.col, cls.flavor) == ("Settings", 5, 1, SettingsFlavor.V2)
    assert (cls.env_prefix, cls.case_sensitive, cls.env_file, cls.env_nested_delimiter) == (
        "APP_",
        False,
        (".env", ".env.prod"),
        "__",
    )
    assert [(f.name, f.env_names, f.required, f.has_default) for f in cls.fields] == [
        ("debug", ("APP_DEBUG",), False, True),
        ("secret_key", ("APP_SECRET_KEY",), True, False),
        ("maybe", ("APP_MAYBE",), True, False),
        ("nullable", ("APP_NULLABLE",), False, True),
        ("api", ("API_TOKEN",), True, False),
        ("redis", ("REDIS_URL", "CACHE"), False, True),
        ("both", ("WINS",), True, False),
        ("req", ("APP_REQ",), True, False),
        ("dflt", ("APP_DFLT",), False, True),
        ("fac", ("APP_FAC",), False, True),
        ("ann", ("ANN_ALIAS",), True, False),
        ("ann_default", ("APP_ANN_DEFAULT",), False, True),
    ]
    assert cls.fields[1] == SettingsField("secret_key", ("APP_SECRET_KEY",), True, False, 10, 5, 10, 20, "str")


def test_pydantic_v1_settings_class() -> None:
    module = analyze(
        """\
        from typing import Optional, Union
        from pydantic import BaseSettings, Field

        class Settings(BaseSettings):
            opt: Optional[str]
            union: Union[int, None]
            explicit: Optional[str] = Field(...)
            aliased: Optional[str] = Field(alias="ALIASED_OPT")
            db: str = Field(..., env=["DB_URL", "DATABASE_URL"])
            token: str = Field(env="api_token")
            port: int = 8000

            class Config:
                env_prefix = "svc_"
                env_file = ".env"
                case_sensitive = False
        """
    )
    (cls,) = module.settings
    assert (cls.flavor, cls.env_prefix, cls.env_file, cls.case_sensitive) == (
        SettingsFlavor.V1,
        "svc_",
        (".env",),
        False,
    )
    assert [(f.name, f.env_names, f.required, f.has_default) for f in cls.fields] == [
        ("opt", ("SVC_OPT",), False, True),
        ("union", ("SVC_UNION",), False, True),
        ("explicit", ("SVC_EXPLICIT",), True, False),
        ("aliased", ("ALIASED_OPT",), False, True),
        ("db", ("DB_URL", "DATABASE_URL"), True, False),
        ("token", ("API_TOKEN",), True, False),
        ("port", ("SVC_PORT",), False, True),
    ]


def test_case_sensitive_settings_keep_names_as_written() -> None:
    module = analyze(
        """\
        import pydantic_settings
        from pathlib import Path

        class S(pydantic_settings.BaseSettings, case_sensitive=True):
            model_config = {"env_prefix": "My_", "env_file": Path("config/.env")}
            dbHost: str
            other: str = pydantic_settings.Field(alias="Exact")
        """
    )
    assert module.settings == (
        SettingsClass(
            "S",
            4,
            1,
            SettingsFlavor.V2,
            "My_",
            True,
            ("config/.env",),
            None,
            (
                SettingsField("dbHost", ("My_dbHost",), True, False, 6, 5, 6, 16, "str"),
                SettingsField("other", ("Exact",), True, False, 7, 5, 7, 56, "str"),
            ),
        ),
    )


def test_settings_inheritance_within_the_file() -> None:
    module = analyze(
        """\
        from pydantic import BaseModel
        from pydantic.v1 import BaseSettings as V1Settings
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Common(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="APP_")
            debug: bool = False
            name: str

        class Web(Common):
            port: int
            debug: bool

        class Local(Web):
            model_config = SettingsConfigDict(env_prefix="LOCAL_")

        class Plain(BaseModel):
            x: int

        class Legacy(V1Settings):
            y: str
        """
    )
    summary = [
        (c.name, c.flavor, c.env_prefix, [(f.name, f.env_names, f.required) for f in c.fields]) for c in module.settings
    ]
    assert summary == [
        ("Common", SettingsFlavor.V2, "APP_", [("debug", ("APP_DEBUG",), False), ("name", ("APP_NAME",), True)]),
        (
            "Web",
            SettingsFlavor.V2,
            "APP_",
            [("debug", ("APP_DEBUG",), True), ("name", ("APP_NAME",), True), ("port", ("APP_PORT",), True)],
        ),
        (
            "Local",
            SettingsFlavor.V2,
            "LOCAL_",
            [("debug", ("LOCAL_DEBUG",), True), ("name", ("LOCAL_NAME",), True), ("port", ("LOCAL_PORT",), True)],
        ),
        ("Legacy", SettingsFlavor.V1, "", [("y", ("Y",), True)]),
    ]
    assert module.settings[1].fields[0].line == 12  # the redeclaration in Web


# module-level facts and parse problems -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('if __name__ == "__main__":\n    main()\n', True),
        ("if '__main__' == __name__:\n    main()\n", True),
        ('def f():\n    if __name__ == "__main__":\n        pass\n', False),
        ('if __name__ != "__main__":\n    pass\n', False),
        ("main()\n", False),
    ],
)
def test_main_guard(source: str, expected: bool) -> None:
    assert analyze_python(source, "m.py").has_main_guard is expected


def test_syntax_error_becomes_a_problem() -> None:
    assert analyze_python("import os\ndef f(:\n    pass\n", "bad.py") == PythonModule(
        "bad.py", problems=(ParseProblem("invalid syntax", 2, 7, 2, 8),)
    )


def test_python2_print_statement_is_a_problem() -> None:
    (problem,) = analyze_python('print "hi"\n', "old.py").problems
    assert (problem.line, problem.col) == (1, 1)
    assert problem.message.startswith("Missing parentheses in call to 'print'")


def test_nul_byte_is_a_problem_at_its_position() -> None:
    assert analyze_python("x = 1\nab\x00c\n", "nul.py") == PythonModule(
        "nul.py", problems=(ParseProblem("source contains a NUL byte", 2, 3, 2, 4),)
    )


def test_too_deeply_nested_source_is_a_problem() -> None:
    module = analyze_python("-" * 100_000 + "1", "deep.py")
    assert module == PythonModule("deep.py", problems=(ParseProblem("source is nested too deeply to parse"),))


def test_left_nested_expression_deeper_than_the_recursion_limit() -> None:
    module = analyze_python("import os\nx = " + " + ".join(['os.getenv("A")'] * 2000), "deep.py")
    assert module.problems == ()
    assert len(module.env_reads) == 2000
    assert module.env_reads[-1] == EnvRead("A", EnvKind.GET, False, 2, 33988, 2, 34002)
    # Python 3.10 builds the ast of a 100 000-term sum; later versions give up while building it.
    huge = analyze_python("x = " + "+".join(["1"] * 100_000), "huge.py")
    too_deep = (ParseProblem("source is nested too deeply to parse"),)
    assert huge.problems == (() if sys.version_info < (3, 11) else too_deep)


def test_warnings_are_not_errors_and_a_bom_is_ignored() -> None:
    module = analyze_python('\ufeffimport os\nx = "\\d" + os.environ["A"]\n', "w.py")
    assert module.problems == ()
    assert module.imports == (ImportRef("os", 0, (), IMPORT, 1, 1, 1, 10),)
    assert module.env_reads == (EnvRead("A", EnvKind.SUBSCRIPT, False, 2, 12, 2, 27),)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab ()[]:=.\n\t'\"#\\ifelsetryxcpmorn_0é\x00", max_size=60))
def test_never_raises(source: str) -> None:
    module = analyze_python(source, "fuzz.py")
    assert module.path == "fuzz.py"


def test_find_spec_guards_make_imports_optional() -> None:
    assert imports(
        """\
        import importlib.util
        from importlib.util import find_spec

        if importlib.util.find_spec("pandas"):
            import pandas
        enabled = find_spec("yaml") is not None
        if enabled:
            import yaml
        if ready:
            import requests
        """
    ) == [
        ("importlib.util", 0, (), IMPORT, False, None),
        ("importlib.util", 0, ("find_spec",), FROM, False, None),
        ("pandas", 0, (), IMPORT, True, "find_spec guard"),
        ("yaml", 0, (), IMPORT, True, "find_spec guard"),
        ("requests", 0, (), IMPORT, False, None),
    ]


def test_a_get_whose_none_is_refused_is_required() -> None:
    module = analyze(
        """\
        import os, sys
        SECRET = os.environ.get("SECRET")
        if SECRET is None:
            raise RuntimeError("SECRET")
        TOKEN = os.getenv("TOKEN")
        if not TOKEN:
            sys.exit(1)
        DEBUG = os.getenv("DEBUG")
        if DEBUG:
            print(DEBUG)
        """
    )
    assert [(r.name, r.required) for r in module.env_reads] == [("SECRET", True), ("TOKEN", True), ("DEBUG", False)]


@pytest.mark.parametrize(
    ("source", "newer"),
    [
        ("try:\n    pass\nexcept A, B:\n    pass\n", True),
        ("type Alias = int\n", True),
        ("def first[T](x: T) -> T:\n    return x\n", True),
        ("def broken(:\n    pass\n", False),
    ],
)
def test_syntax_errors_a_newer_python_accepts(source: str, newer: bool) -> None:
    module = analyze_python(source, "app/main.py")
    if not module.problems:
        assert newer  # this interpreter's grammar has it already
        return
    assert module.newer_syntax is (newer and sys.version_info < (3, 14))
