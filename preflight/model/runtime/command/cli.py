"""Command-line reading shared by the launcher analyses: option tables and the launch context.

Each launcher's options are listed (flags, and options that take a value) so that its
positional arguments are found the way its own parser finds them: click (``--opt=v``,
``--opt v``, ``-ov``), argparse (the same, plus unique prefixes of long options) or getopt
(options stop at the first positional). An option not in the table makes the positional that
follows it uncertain: it may be that option's value, and nothing is guessed.
"""

from __future__ import annotations

import ast
import enum
import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from preflight.model.runtime.command.vocabulary import EntryKind, EntryPoint, EntryRole, Field, Sink, Where

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class Style(enum.Enum):
    """How a program's parser reads options."""

    CLICK = "click"
    ARGPARSE = "argparse"
    GETOPT = "getopt"
    """Options end at the first positional (POSIX getopt, clap trailing commands)."""


@dataclass(frozen=True, slots=True)
class CliSpec:
    """The options of one program: flags take no value, ``valued`` ones take one."""

    flags: frozenset[str]
    valued: frozenset[str]
    style: Style
    stop_at_positional: bool = False
    """Options end at the first positional (click groups: the sub-command)."""


def spec(flags: str, valued: str, style: Style, *, stop: bool = False) -> CliSpec:
    """A spec from space-separated option names."""
    return CliSpec(frozenset(flags.split()), frozenset(valued.split()), style, stop or style is Style.GETOPT)


@dataclass(frozen=True, slots=True)
class Opt:
    """One option as given: its name (long prefixes expanded) and its value word."""

    name: str
    value: Field | None
    word: Field


@dataclass(frozen=True, slots=True)
class Parsed:
    """A command line split into options and positionals."""

    options: tuple[Opt, ...]
    positionals: tuple[Field, ...]
    rest: tuple[Field, ...]
    """What follows the first positional when options stop there (a sub-command's words)."""
    uncertain: str | None
    """Why the positionals may not be what they seem (unknown option, unknown expansion)."""

    def last(self, *names: str) -> Opt | None:
        """The last occurrence of any of these options."""
        found = [o for o in self.options if o.name in names]
        return found[-1] if found else None

    def every(self, *names: str) -> list[Opt]:
        """Every occurrence of these options, in order."""
        return [o for o in self.options if o.name in names]


def shifted(word: Field, skip: int, text: str) -> Field:
    """The part of a word that starts ``skip`` characters in (``--opt=value``'s value)."""
    w = word.where
    where = replace(w, offset=(w.offset or 0) + skip, col=w.col + skip if w.col else 0)
    if w.offset is None and w.env is None:
        where = replace(where, line=1, col=skip + 1)
    base = None if word.base is None else word.base + skip
    return Field(text, where, raw=text, base=base)


def _long(name: str, known: CliSpec) -> str | None:
    if name in known.flags or name in known.valued:
        return name
    if known.style is Style.ARGPARSE:
        hits = [o for o in (*known.flags, *known.valued) if o.startswith(name) and o.startswith("--")]
        if len(hits) == 1:
            return hits[0]
    return None


def parse_cli(known: CliSpec, words: tuple[Field, ...] | list[Field]) -> Parsed:
    """Split ``words`` (the arguments after the program) by ``known``."""
    options: list[Opt] = []
    positionals: list[Field] = []
    uncertain: str | None = None
    suspect: str | None = None
    i = 0
    while i < len(words):
        word = words[i]
        text = word.text
        i += 1
        if text is None:
            if not word.single:
                uncertain = uncertain or f"`{word.raw}` may expand to options or to several words"
                continue
        elif text == "--":
            positionals.extend(words[i:])
            break
        elif text.startswith("-") and len(text) > 1:
            if text.startswith("--"):
                name, eq, value = text.partition("=")
                full = _long(name, known)
                if full is None:
                    suspect = None if eq else text
                    options.append(Opt(name, shifted(word, len(name) + 1, value) if eq else None, word))
                elif full in known.valued:
                    if eq:
                        options.append(Opt(full, shifted(word, len(name) + 1, value), word))
                    else:
                        options.append(Opt(full, words[i] if i < len(words) else None, word))
                        i += 1
                else:
                    options.append(Opt(full, None, word))
                continue
            i, suspect = _short(known, words, word, text, i, options)
            continue
        if suspect is not None:
            reason = f"`{suspect}` is an option preflight does not know: `{word.show()}` may be its value"
            uncertain = uncertain or reason
        positionals.append(word)
        if known.stop_at_positional:
            return Parsed(tuple(options), tuple(positionals), tuple(words[i:]), uncertain)
    return Parsed(tuple(options), tuple(positionals), (), uncertain)


def _short(
    known: CliSpec, words: tuple[Field, ...] | list[Field], word: Field, text: str, i: int, options: list[Opt]
) -> tuple[int, str | None]:
    """Read a cluster of short options (``-Dw4``); returns the next index and an unknown option."""
    if "=" in text and _long(text.partition("=")[0], known) is not None:
        name, _, value = text.partition("=")
        options.append(Opt(name, shifted(word, len(name) + 1, value), word))
        return i, None
    if text in known.valued or text in known.flags:  # single-dash long options (-wait, -timeout)
        if text in known.valued:
            options.append(Opt(text, words[i] if i < len(words) else None, word))
            return i + 1, None
        options.append(Opt(text, None, word))
        return i, None
    for k in range(1, len(text)):
        name = "-" + text[k]
        if name in known.valued:
            if k + 1 < len(text):
                options.append(Opt(name, shifted(word, k + 1, text[k + 1 :]), word))
                return i, None
            options.append(Opt(name, words[i] if i < len(words) else None, word))
            return i + 1, None
        if name not in known.flags:
            options.append(Opt(name, None, word))
            return i, text
        options.append(Opt(name, None, word))
    return i, None


def call_syntax(obj: str) -> tuple[str, bool] | None:
    """``name`` or ``name(literal args)`` as gunicorn/flask accept: (name, called); None if neither."""
    try:
        node = ast.parse(obj.strip(), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Name):
        return node.id, False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id, True
    return None


@dataclass(frozen=True, slots=True)
class Launch:
    """A launcher invocation being analysed: its words, environment and where it runs."""

    name: str
    head: Field
    args: tuple[Field, ...]
    env: Mapping[str, str | None]
    workdir: str | None
    base_path: tuple[str, ...]
    """``sys.path`` entries the interpreter set up before the launcher runs (``python -m``:
    the working directory), highest priority first."""
    conditional: bool
    read: Callable[[str], str | None]
    sink: Sink

    def resolve(self, path: str, base: str | None = None) -> str | None:
        """An absolute container path (None when relative to an unknown directory)."""
        if posixpath.isabs(path):
            return posixpath.normpath(path)
        root = base if base is not None else self.workdir
        return None if root is None else posixpath.normpath(posixpath.join(root, path))

    def package_module(self, path: str) -> tuple[str | None, str]:
        """(directory put on sys.path, module name) for a file/package path, as Flask, granian
        and the FastAPI CLI compute it: out of ``.py`` and ``__init__``, then up through every
        parent directory holding an ``__init__.py`` (checked with ``read``)."""
        resolved = self.resolve(path.rstrip("/") or path)
        if resolved is None:
            name = posixpath.basename(path.rstrip("/")).removesuffix(".py")
            return None, name
        resolved = resolved.removesuffix(".py")
        if posixpath.basename(resolved) == "__init__":
            resolved = posixpath.dirname(resolved)
        parent, name = posixpath.split(resolved)
        names = [name]
        while parent != "/" and self.read(posixpath.join(parent, "__init__.py")) is not None:
            parent, name = posixpath.split(parent)
            names.insert(0, name)
        return parent, ".".join(names)

    def pythonpath(self) -> tuple[str, ...]:
        """``PYTHONPATH`` entries, resolved against the working directory."""
        value = self.env.get("PYTHONPATH", "")
        if value is None:
            self.sink.note_unknown("PYTHONPATH is set to a value that cannot be known")
            return ()
        out: list[str] = []
        for item in value.split(":") if value else ():
            resolved = self.resolve(item or ".")  # an empty entry is the working directory
            if resolved is not None and resolved not in out:
                out.append(resolved)
        return tuple(out)

    def add(
        self,
        kind: EntryKind,
        where: Where,
        *,
        module: str | None = None,
        attribute: str | None = None,
        path: str | None = None,
        sys_path: tuple[str | None, ...] = (),
        role: EntryRole = EntryRole.MAIN,
        factory: bool = False,
        subcommand: str | None = None,
        candidates: tuple[str, ...] = (),
        wsgi_call: bool = False,
        launcher_env: bool = False,
    ) -> None:
        """Record an entry point (``sys_path`` Nones are dropped, duplicates kept once)."""
        seen: list[str] = []
        for item in sys_path:
            if item is not None and item not in seen:
                seen.append(item)
        entry = EntryPoint(
            kind, module, attribute, path, tuple(seen), self.workdir, where, self.name, role, factory,
            subcommand, candidates, self.conditional, tuple(sorted(self.env)), wsgi_call,
            launcher_env,
        )  # fmt: skip
        if entry not in self.sink.entries:
            self.sink.entries.append(entry)

    def role_entry(self, role: EntryRole, module: str, where: Where, sys_path: tuple[str | None, ...]) -> None:
        """A MODULE entry for a worker class (``pkg.mod.Class``) or a config module."""
        mod, attr = module, None
        if role is EntryRole.WORKER and "." in module:
            mod, _, attr = module.rpartition(".")
        self.add(EntryKind.MODULE, where, module=mod, attribute=attr, sys_path=sys_path, role=role)

    def note(self, reason: str) -> None:
        """Something about this launcher that cannot be understood."""
        self.sink.note_unknown(f"{self.name}: {reason}")

    def problem(self, message: str, where: Where) -> None:
        """A certain fault of this launcher invocation."""
        self.sink.problem(f"{self.name}: {message}", where)
