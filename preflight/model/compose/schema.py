"""PF101: check one compose file (after interpolation) the way Docker Compose v2 does.

:func:`validate_compose` walks the document along preflight's own description of the Compose
format (:mod:`preflight.model.compose.schema_spec`) and reports every problem Compose would
stop on: unknown keys (with a "did you mean"), wrong types, bad enum values, missing required
keys, values Compose cannot convert (durations, sizes, ports, volumes, booleans...) and the
post-interpolation conversions of :mod:`preflight.model.compose.cast`.  Messages name keys,
paths and types but never repeat a value, which could be a secret.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Mapping, Sequence

from preflight.model.compose.cast import cast_interpolated, decode_problem
from preflight.model.compose.schema_checks import bad_host, entry_check, is_int, scalar_check, service_consistency
from preflight.model.compose.schema_spec import (
    ANY,
    Arr,
    Check,
    Decode,
    JType,
    Node,
    Obj,
    OneOf,
    Path,
    ProblemKind,
    Scalar,
    SchemaProblem,
    load_spec,
    path_matches,
    render_path,
)

__all__ = ["ProblemKind", "SchemaProblem", "suggest", "validate_compose"]

_TYPE_ORDER = (
    (JType.STRING, "string"),
    (JType.NUMBER, "number"),
    (JType.INTEGER, "integer"),
    (JType.BOOLEAN, "boolean"),
    (JType.ARRAY, "list"),
    (JType.OBJECT, "mapping"),
    (JType.NULL, "null"),
)
_SINGULAR = {
    "services": "service",
    "networks": "network",
    "volumes": "volume",
    "secrets": "secret",
    "configs": "config",
    "models": "model",
}
#: Checks Compose applies only to the merged project (skipped for a partial file).
_PROJECT_CHECKS = frozenset(
    {
        Check.IP,
        Check.NONBLANK,
        Check.HC_TEST,
        Check.DEVREQ,
        Check.DOCKERFILE_EXCL,
        Check.NONNEG,
        Check.WATCH_TARGET,
        Check.HOSTS,
        Check.ENV_LIST,
        Check.VOLUME_EXTERNAL,
        Check.SECRET_SOURCE,
        Check.CONFIG_SOURCE,
        Check.SERVICE,
    }
)


def suggest(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``word`` was most likely meant to be (case, ``-``/``_`` and typos), or None."""

    def norm(text: str) -> str:
        return text.lower().replace("-", "_")

    by_norm = {norm(c): c for c in candidates}
    if norm(word) in by_norm:
        return by_norm[norm(word)]
    close = difflib.get_close_matches(norm(word), list(by_norm), n=1, cutoff=0.75)
    return by_norm[close[0]] if close else None


def _jtype(value: object) -> JType | None:
    if value is None:
        return JType.NULL
    if isinstance(value, bool):
        return JType.BOOLEAN
    if isinstance(value, int):
        return JType.INTEGER
    if isinstance(value, float):
        return JType.INTEGER if value.is_integer() else JType.NUMBER
    if isinstance(value, str | datetime.date):
        return JType.STRING
    if isinstance(value, Mapping):
        return JType.OBJECT
    if isinstance(value, list | tuple):
        return JType.ARRAY
    return None


def _accepts(node: Node) -> JType:
    if isinstance(node, Scalar):
        return node.types
    if isinstance(node, Obj):
        return JType.OBJECT
    if isinstance(node, Arr):
        return JType.ARRAY
    accepted = JType(0)
    for alt in node.alts:
        accepted |= _accepts(alt)
    return accepted


def _type_words(types: JType) -> str:
    words = [w for t, w in _TYPE_ORDER if t in types and not (t is JType.INTEGER and JType.NUMBER in types)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _where(path: Path) -> str:
    if not path:
        return "at the top level"
    if len(path) == 2 and path[0] in _SINGULAR:
        return f'in {_SINGULAR[str(path[0])]} "{path[1]}"'
    return f"in {render_path(path)}"


def _canon(value: object) -> object:
    """A hashable form in which two values are equal exactly when JSON says they are."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("num", float(value))
    if isinstance(value, Mapping):
        return ("map", frozenset((str(k), _canon(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("list", tuple(_canon(v) for v in value))
    return ("other", repr(value))


class _Walker:
    def __init__(self, whole_project: bool) -> None:
        self.whole_project = whole_project
        self.problems: list[SchemaProblem] = []
        self.dedup = load_spec().dedup

    def add(self, path: Path, message: str, kind: ProblemKind, suggestion: str | None = None) -> None:
        self.problems.append(SchemaProblem(path, message, suggestion, kind))

    def child(self, value: object, path: Path) -> tuple[bool, object]:
        """Apply Compose's post-interpolation cast; False when it fails (already reported)."""
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if not isinstance(value, str):
            return True, value
        cast = cast_interpolated(path, value)
        if isinstance(cast, SchemaProblem):
            self.problems.append(cast)
            return False, None
        return True, cast

    def walk(self, node: Node, value: object, path: Path) -> object:
        """Check ``value`` against ``node``; return it with Compose's casts applied inside."""
        jtype = _jtype(value)
        if isinstance(node, OneOf):
            alt = next((a for a in node.alts if jtype is not None and jtype & _accepts(a)), None)
            if alt is None:
                self.wrong_type(path, _accepts(node))
                return value
            before = len(self.problems)
            value = self.walk(alt, value, path)
        elif jtype is None or not jtype & _accepts(node):
            self.wrong_type(path, _accepts(node))
            return value
        else:
            before = len(self.problems)
            if isinstance(node, Scalar):
                self.scalar(node, value, path)
            elif isinstance(node, Obj):
                assert isinstance(value, Mapping)  # noqa: S101 - guaranteed by the type check
                value = self.mapping(node, value, path)
            else:
                assert isinstance(value, list | tuple)  # noqa: S101 - guaranteed by the type check
                value = self.sequence(node, value, path)
        if len(self.problems) == before:
            self.run_checks(node.checks, value, path)
        return value

    def wrong_type(self, path: Path, types: JType) -> None:
        self.add(path, f"{render_path(path)} must be a {_type_words(types)}", ProblemKind.WRONG_TYPE)

    def scalar(self, node: Scalar, value: object, path: Path) -> None:
        where = render_path(path)
        if node.enum and value not in node.enum:
            choices = ", ".join(f'"{c}"' for c in node.enum)
            hint = suggest(value, node.enum) if isinstance(value, str) else None
            tail = f'; did you mean "{hint}"?' if hint else ""
            self.add(path, f"{where} must be one of {choices}{tail}", ProblemKind.INVALID_VALUE, hint)
            return
        if node.pattern is not None and isinstance(value, str) and not node.pattern.search(value):
            words = [h for h in node.hint if "<" not in h]
            hint = suggest(value, words) if words else None
            tail = f'; did you mean "{hint}"?' if hint else ""
            expected = f"expected {', '.join(node.hint)}" if node.hint else f"must match {node.pattern.pattern}"
            self.add(path, f"{where} has an invalid value ({expected}){tail}", ProblemKind.INVALID_VALUE, hint)
            return
        if isinstance(value, int | float) and not isinstance(value, bool):
            if node.minimum is not None and value < node.minimum:
                self.add(path, f"{where} must be at least {node.minimum:g}", ProblemKind.INVALID_VALUE)
                return
            if node.maximum is not None and value > node.maximum:
                self.add(path, f"{where} must be at most {node.maximum:g}", ProblemKind.INVALID_VALUE)
                return
        if node.decode is not None and self.whole_project:
            self.decode(node.decode, value, path)

    def mapping(self, node: Obj, value: Mapping[object, object], path: Path) -> dict[object, object]:
        out: dict[object, object] = dict(value)
        for key, raw in value.items():
            if not isinstance(key, str):
                continue  # reported by _non_string_keys
            sub = (*path, key)
            nodes = [node.props[key]] if key in node.props else []
            nodes += [pattern_node for regex, pattern_node in node.patterns if regex.search(key)]
            if not nodes:
                if not node.open:
                    self.unknown_key(node, key, path)
                continue
            ok, out[key] = self.child(raw, sub)
            for sub_node in nodes if ok else []:
                before = len(self.problems)
                if sub_node is not ANY:
                    out[key] = self.walk(sub_node, out[key], sub)
                if len(self.problems) != before:
                    break
        for key in node.required:
            if key not in value:
                self.add(path, f'missing required key "{key}" {_where(path)}', ProblemKind.MISSING_REQUIRED)
        return out

    def unknown_key(self, node: Obj, key: str, path: Path) -> None:
        if node.props:
            hint = suggest(key, list(node.props))
            tail = f'; did you mean "{hint}"?' if hint else ""
            self.add((*path, key), f'unknown key "{key}" {_where(path)}{tail}', ProblemKind.UNKNOWN_KEY, hint)
        elif path and path[-1] in _SINGULAR and len(path) == 1:
            what = _SINGULAR[str(path[-1])]
            self.add(
                (*path, key),
                f'invalid {what} name "{key}": use only letters, digits, ".", "_" and "-"',
                ProblemKind.INVALID_VALUE,
            )
        elif key == "":
            self.add((*path, key), f"empty key {_where(path)}", ProblemKind.INVALID_VALUE)
        else:
            self.add((*path, key), f'key "{key}" is not allowed {_where(path)}', ProblemKind.INVALID_VALUE)

    def sequence(self, node: Arr, value: Sequence[object], path: Path) -> list[object]:
        out: list[object] = []
        for index, raw in enumerate(value):
            ok, item = self.child(raw, (*path, index))
            out.append(self.walk(node.items, item, (*path, index)) if ok else raw)
        if node.unique and not any(path_matches(path, p) for p in self.dedup):
            seen: dict[object, int] = {}
            for index, item in enumerate(out):
                first = seen.setdefault(_canon(item), index)
                if first != index:
                    self.add(
                        (*path, index),
                        f"{render_path((*path, index))} repeats item [{first}]; list items must be unique",
                        ProblemKind.INVALID_VALUE,
                    )
        return out

    def decode(self, decode: Decode, value: object, path: Path) -> None:
        problem = decode_problem(decode, value, path)
        if problem is not None:
            self.problems.append(problem)

    def run_checks(self, checks: tuple[Check, ...], value: object, path: Path) -> None:
        for check in checks:
            if check in _PROJECT_CHECKS and not self.whole_project:
                continue
            self.problems.extend(_check(check, value, path))


def _non_string_keys(value: object, path: Path, out: list[SchemaProblem]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                _non_string_keys(item, (*path, key), out)
            else:
                kind = type(key).__name__ if key is not None else "null"
                message = f"non-string key ({kind}) {_where(path)}; quote it to make it a string"
                out.append(SchemaProblem(path, message, None, ProblemKind.WRONG_TYPE))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _non_string_keys(item, (*path, index), out)


def validate_compose(doc: Mapping[str, object], *, whole_project: bool = True) -> list[SchemaProblem]:
    """Check one compose file's data (after interpolation, before merging) like Compose v2.

    ``doc`` is plain data (dict/list/str/int/float/bool/None).  Strings at the paths Compose
    converts after interpolation are converted first (``retries: "3"`` is valid).  With
    ``whole_project=False`` (an override file that other files complete) the checks Compose
    runs only on the merged project are skipped.  Non-string keys are listed first, then the
    other problems in document order.
    """
    problems: list[SchemaProblem] = []
    _non_string_keys(doc, (), problems)
    walker = _Walker(whole_project)
    walker.walk(load_spec().root, doc, ())
    problems.extend(walker.problems)
    return problems


# --- checks Compose makes outside its JSON schema ---

_HC_WORDS = ("CMD", "CMD-SHELL", "NONE")


def _external(value: Mapping[object, object]) -> bool:
    return value.get("external") is True or isinstance(value.get("external"), Mapping)


def _mapping_check(check: Check, value: Mapping[object, object], path: Path) -> list[SchemaProblem]:
    """Checks of a whole mapping (a port, a volume, a secret...)."""
    where, bad, missing = _where(path), ProblemKind.INVALID_VALUE, ProblemKind.MISSING_REQUIRED
    keys = [k for k in value if isinstance(k, str)]
    found: list[tuple[Path, str, ProblemKind]] = []
    match check:
        case Check.TARGET_STR | Check.HAS_TARGET if "target" not in value:
            found.append((path, f'missing required key "target" {where}', missing))
        case Check.ULIMIT:
            wrong = [k for k in ("soft", "hard") if k in value and not is_int(value[k])]
            found += [
                ((*path, k), f"{render_path((*path, k))} must be an integer", ProblemKind.WRONG_TYPE) for k in wrong
            ]
        case Check.EXT_NAME if isinstance(ext := value.get("external"), Mapping) and "name" in ext:
            if "name" in value and ext["name"] != value["name"]:
                message = f'"name" and "external.name" conflict {where}; use only "name"'
                found.append(((*path, "external", "name"), message, bad))
        case Check.HOSTS:
            found += [((*path, k), f'invalid host name "{k}" {where}', bad) for k in keys if bad_host(k)]
        case Check.DEVREQ if "count" in value and "device_ids" in value:
            found.append((path, f'"count" and "device_ids" are mutually exclusive {where}', bad))
        case Check.DOCKERFILE_EXCL if value.get("dockerfile") and value.get("dockerfile_inline"):
            found.append((path, f'"dockerfile" and "dockerfile_inline" are mutually exclusive {where}', bad))
        case Check.WATCH_TARGET if value.get("action") not in ("rebuild", "restart") and not value.get("target"):
            action = value.get("action")
            found.append((path, f'missing required key "target" {where} (needed by action "{action}")', missing))
        case Check.VOLUME_EXTERNAL if _external(value):
            others = [k for k in keys if k not in ("name", "external") and not k.startswith("x-")]
            found += [((*path, k), f'"{k}" conflicts with "external" {where}', bad) for k in others]
        case Check.SECRET_SOURCE | Check.CONFIG_SOURCE:
            names = ("file", "environment") if check is Check.SECRET_SOURCE else ("file", "environment", "content")
            listed = ", ".join(f'"{k}"' for k in names)
            if check is Check.SECRET_SOURCE:
                unset = not (_external(value) or "file" in value or value.get("environment"))
            else:
                unset = not any(k in value for k in (*names, "driver", "external"))
            if sum(k in value for k in names) > 1:
                found.append((path, f"{listed} are mutually exclusive {where}", bad))
            elif unset:
                found.append((path, f"one of {listed} must be set {where}", missing))
    return [SchemaProblem(p, message, None, kind) for p, message, kind in found]


def _check(check: Check, value: object, path: Path) -> list[SchemaProblem]:
    """Run one outside-the-schema check on a value that passed the schema."""
    if check is Check.SERVICE:
        return service_consistency(value, path) if isinstance(value, Mapping) else []
    if check is Check.HC_TEST:
        if isinstance(value, list | tuple) and value and value[0] not in _HC_WORDS:
            hint = suggest(str(value[0]), _HC_WORDS)
            tail = f'; did you mean "{hint}"?' if hint else ""
            message = f'{render_path((*path, 0))} must be "CMD", "CMD-SHELL" or "NONE"{tail}'
            return [SchemaProblem((*path, 0), message, hint, ProblemKind.INVALID_VALUE)]
        return []
    if isinstance(value, Mapping):
        return _mapping_check(check, value, path)
    if isinstance(value, list | tuple) and check is not Check.ULIMIT:
        entries = [((*path, i), item) for i, item in enumerate(value) if isinstance(item, str)]
        return [
            SchemaProblem(p, f"{render_path(p)} {reason}", None, ProblemKind.INVALID_VALUE)
            for p, item in entries
            if (reason := entry_check(check, item)) is not None
        ]
    failure = scalar_check(check, value, render_path(path))
    return [] if failure is None else [SchemaProblem(path, failure[0], None, failure[1])]
