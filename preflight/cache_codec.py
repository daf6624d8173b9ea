"""JSON encoding of preflight's frozen dataclasses, for the cache (see :mod:`preflight.cache`).

A dataclass becomes the list of its field values, an enum its value, a tuple a list. Decoding
is driven by the classes' type hints and checks every value's type, so a cache file written by
another version or damaged on disk fails to decode (:class:`CacheFormatError`) instead of
producing a wrong object. Nothing here evaluates code from the file: it is plain JSON data.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import types
import typing
from collections.abc import Callable
from typing import Any, Union

Decoder = Callable[[Any], Any]


class CacheFormatError(ValueError):
    """A cached value does not have the shape its class expects."""


def encode(value: object) -> object:
    """The JSON form of a dataclass instance, enum, tuple/list, dict or primitive.

    A dataclass is the list of its field values, without the trailing ones that equal their
    defaults (most facts have many optional fields left at their default).
    """
    if value is None or isinstance(value, str | int | float):
        return value  # bool is an int
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    kind: Any = type(value)
    return _encoder_for(kind)(value)


_REQUIRED = object()


@functools.cache
def _layout(cls: type) -> tuple[tuple[str, ...], tuple[object, ...]]:
    """Field names and defaults (`_REQUIRED` when none, or when made by a factory)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"cannot cache a {cls.__name__}")
    fields = dataclasses.fields(cls)
    defaults = tuple(_REQUIRED if f.default is dataclasses.MISSING else f.default for f in fields)
    return tuple(f.name for f in fields), defaults


@functools.cache
def _encoder_for(cls: type) -> Callable[[Any], list[object]]:
    """Generated encoder of one dataclass (see :class:`_Generator` for why code is generated)."""
    hints = _hints(cls)
    names, defaults = _layout(cls)
    bound: dict[str, object] = {"_REQUIRED": _REQUIRED, "_defaults": defaults}
    items = []
    for index, name in enumerate(names):
        tp, attr = hints[name], f"o.{name}"
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if tp in _PRIMITIVES or (origin in (Union, types.UnionType) and set(args) <= {*_PRIMITIVES, type(None)}):
            items.append(attr)
        elif origin in (tuple, list) and args and args[0] in (str, int, bool):
            items.append(f"list({attr})")
        elif isinstance(tp, type) and issubclass(tp, enum.Enum):
            items.append(f"{attr}.value")
        else:
            bound[f"_e{index}"] = encode
            items.append(f"_e{index}({attr})")
    source = (
        "def encode(o):\n"
        f"    v = [{', '.join(items)}]\n"
        "    end = len(v)\n"
        "    while end and _defaults[end - 1] is not _REQUIRED and getattr(o, _names[end - 1]) == _defaults[end - 1]:\n"
        "        end -= 1\n"
        "    return v[:end]\n"
    )
    bound["_names"] = names
    exec(compile(source, f"<cache encoder of {cls.__qualname__}>", "exec"), bound)  # noqa: S102 - our own source
    return typing.cast("Callable[[Any], list[object]]", bound["encode"])


def decoder(cls: type) -> Decoder:
    """A function turning the JSON form of `cls` back into an instance (checking every type)."""
    return _decoder_for(cls)


def schema_digest(*classes: type) -> str:
    """A digest of the fields and types of `classes` and the classes they contain.

    Part of every cache key, so a file written by a version with other fields is never read.
    """
    seen: dict[str, str] = {}

    def visit(tp: object) -> None:
        for arg in typing.get_args(tp):
            visit(arg)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            name = f"{tp.__module__}.{tp.__qualname__}"
            if name in seen:
                return
            hints = _hints(tp)
            seen[name] = ",".join(f"{f.name}:{hints[f.name]}" for f in dataclasses.fields(tp))
            for f in dataclasses.fields(tp):
                visit(hints[f.name])
        elif isinstance(tp, type) and issubclass(tp, enum.Enum):
            seen[f"{tp.__module__}.{tp.__qualname__}"] = ",".join(str(m.value) for m in tp)

    for cls in classes:
        visit(cls)
    text = ";".join(f"{k}={v}" for k, v in sorted(seen.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _hints(cls: type) -> dict[str, Any]:
    """A class's type hints; names its module imports only for type checking are looked up in
    the modules that define preflight's report and fact types."""
    import importlib

    names: dict[str, Any] = {}
    for module in ("preflight.diagnostics", "preflight.verdict", "preflight.parse.python"):
        names.update(vars(importlib.import_module(module)))
        try:  # the report's types need the first two; the analysis modules load only for facts
            return typing.get_type_hints(cls, localns=names)
        except NameError:
            continue
    return typing.get_type_hints(cls, localns=names)


def _fail(expected: str, value: object) -> CacheFormatError:
    return CacheFormatError(f"expected {expected}, found {type(value).__name__}")


_PRIMITIVES = (str, int, bool, float)


class _Generator:
    """Writes the source of one dataclass's decoder: a type check per field, then the call.

    Generated code (as :mod:`dataclasses` generates ``__init__``) is several times faster than
    a chain of closures, which matters for the thousands of facts of a large repository. The
    source comes from the classes' own type hints, never from the cached data.
    """

    def __init__(self) -> None:
        self.names: dict[str, object] = {"CacheFormatError": CacheFormatError, "_fail": _fail}
        self.lines: list[str] = []
        self.counter = 0

    def bind(self, value: object) -> str:
        self.counter += 1
        name = f"_v{self.counter}"
        self.names[name] = value
        return name

    def expression(self, tp: Any, var: str, depth: int = 0) -> str:
        """Emit checks of `var` against `tp`; return the expression of the decoded value."""
        pad = "    " * (depth + 1)
        if tp in _PRIMITIVES:
            ok = f"type({var}) is {tp.__name__}"
            if tp is float:
                ok = f"type({var}) in (float, int)"
            self.lines.append(f"{pad}if not {ok}: raise _fail({tp.__name__!r}, {var})")
            return var
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (Union, types.UnionType):
            rest = [a for a in args if a is not type(None)]
            if len(rest) != 1 or len(args) != 2:
                raise TypeError(f"cannot decode the union {tp}")
            if rest[0] in _PRIMITIVES and rest[0] is not float:
                self.lines.append(
                    f"{pad}if {var} is not None and type({var}) is not {rest[0].__name__}: "
                    f"raise _fail({rest[0].__name__!r}, {var})"
                )
                return var
            inner = self.bind(_decoder_for(rest[0]))
            return f"(None if {var} is None else {inner}({var}))"
        if origin in (tuple, list) and (origin is list or (len(args) == 2 and args[1] is Ellipsis)):
            item = args[0]
            self.lines.append(f"{pad}if type({var}) is not list: raise _fail('a list', {var})")
            make = origin.__name__
            if item in (str, int, bool):
                self.lines.append(
                    f"{pad}for _i in {var}:\n{pad}    if type(_i) is not {item.__name__}: "
                    f"raise _fail({item.__name__!r}, _i)"
                )
                return f"{make}({var})"
            return f"{make}(map({self.bind(_decoder_for(item))}, {var}))"
        if origin is tuple and args and Ellipsis not in args:  # fixed length: tuple[str, int]
            return f"{self.bind(_fixed_tuple([_decoder_for(a) for a in args]))}({var})"
        if origin is dict and len(args) == 2 and args[0] is str:
            return f"{self.bind(_mapping(_decoder_for(args[1])))}({var})"
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            members = self.bind({member.value: member for member in tp})
            self.lines.append(f"{pad}if type({var}) not in (str, int) or {var} not in {members}: "
                              f"raise CacheFormatError('not a {tp.__name__}')")  # fmt: skip
            return f"{members}[{var}]"
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return f"{self.bind(_decoder_for(tp))}({var})"
        raise TypeError(f"cannot decode {tp}")


def _fixed_tuple(items: list[Decoder]) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(items):
            raise _fail(f"a list of {len(items)}", value)
        return tuple(d(v) for d, v in zip(items, value, strict=True))

    return decode


def _mapping(inner: Decoder) -> Decoder:
    def decode(value: Any) -> Any:
        if type(value) is not dict:
            raise _fail("an object", value)
        return {key: inner(item) for key, item in value.items()}

    return decode


def _dataclass(cls: type) -> Decoder:
    hints = _hints(cls)
    names, defaults = _layout(cls)
    required = sum(1 for d in defaults if d is _REQUIRED)
    if any(d is _REQUIRED for d in defaults[required:]):
        raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
    gen = _Generator()
    klass = gen.bind(cls)
    tail = gen.bind([encode(d) for d in defaults[required:]])  # padded before the checks
    gen.lines.append(f"    if type(v) is not list or not {required} <= len(v) <= {len(names)}: "
                     f"raise _fail('{len(names)} fields of {cls.__name__}', v)")  # fmt: skip
    gen.lines.append(f"    if len(v) < {len(names)}: v = v + {tail}[len(v) - {required}:]")
    args = []
    for index, name in enumerate(names):
        var = f"a{index}"
        gen.lines.append(f"    {var} = v[{index}]")
        args.append(gen.expression(hints[name], var))
    gen.lines.append(f"    return {klass}({', '.join(args)})")
    source = "def decode(v):\n" + "\n".join(gen.lines) + "\n"
    namespace = dict(gen.names)
    exec(compile(source, f"<cache decoder of {cls.__qualname__}>", "exec"), namespace)  # noqa: S102 - our own source
    return typing.cast("Decoder", namespace["decode"])


@functools.cache
def _decoder_for(tp: Any) -> Decoder:
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    gen = _Generator()
    expression = gen.expression(tp, "v")
    source = "def decode(v):\n" + "\n".join(gen.lines) + f"\n    return {expression}\n"
    namespace = dict(gen.names)
    exec(compile(source, f"<cache decoder of {tp}>", "exec"), namespace)  # noqa: S102 - our own source
    return typing.cast("Decoder", namespace["decode"])
