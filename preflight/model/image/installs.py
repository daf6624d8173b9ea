"""Package installs a RUN instruction performs: pip, `python -m pip`, `uv pip`, uv sync, poetry.

The shell text is tokenised (never run); each simple command of `a && b; c` is looked at, with
`cd` followed so that relative paths resolve where pip will really run.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from preflight.model.image.stages import RunOp

_VALUE_OPTIONS = {
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--cache-dir",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "-C",
    "--config-settings",
    "--global-option",
    "--report",
    "--python",
    "-p",
    "--group",
    "--index",
    "--default-index",
    "--index-strategy",
    "--extra",
    "--only-group",
    "--no-group",
    "--with",
    "--without",
    "--only",
    "-E",
    "--extras",
    "--keyring-provider",
    "--link-mode",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--refresh-package",
    "--reinstall-package",
    "--no-binary-package",
    "--no-build-package",
    "--package",
    "--constraints",
    "--overrides",
    "--build-constraints",
    "--directory",
    "--project",
    "-w",
    "--wheel-dir",
}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON = re.compile(r"^(?:.*/)?python(?:\d(?:\.\d+)?)?$")
_PIP = re.compile(r"^(?:.*/)?pip(?:\d(?:\.\d+)?)?$")
_WRAPPERS = {"sudo", "exec", "command", "nice", "time", "env"}
# shell keywords that may open a simple command inside a script (`then uv sync`)
_KEYWORDS = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}"}
_SHELL_RUNNERS = {"sh", "bash", "dash", "ash", "zsh", ".", "source"}
# tools whose effect on site-packages is not modelled: their RUN may install anything
_OPAQUE_TOOLS = {
    "make", "just", "task", "tox", "nox", "invoke", "pdm", "pip-sync", "conda", "mamba", "micromamba",
    "pipx", "easy_install", "hatch", "rye", "pixi",
}  # fmt: skip
_MAX_SCRIPT_DEPTH = 3
ReadScript = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class PipInstall:
    """One package install command inside a RUN."""

    run: RunOp
    tool: str
    """`pip`, `pip wheel`, `uv pip`, `uv sync`, `poetry install` or `pipenv install`."""
    cwd: str
    requirement_files: tuple[str, ...] = ()
    constraint_files: tuple[str, ...] = ()
    editables: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    """Positional arguments: requirement specifiers, local paths, URLs, wheels."""
    no_deps: bool = False
    unknown: bool = False
    """True when an argument depends on a shell variable."""
    options: tuple[tuple[str, str], ...] = ()
    """Every other option as written, with its value ("" for a flag): `--package`, `--no-dev`..."""
    program: str = ""
    """The command word as written (`pip`, `/venv/bin/pip`, `python3`, `uv`), which tells the environment."""
    assigned: tuple[tuple[str, str | None], ...] = ()
    """Variables the RUN sets for the command: `export X=...` before it, `X=... pip install`
    (None: a value the shell expands)."""

    @property
    def env(self) -> dict[str, str | None]:
        """The command's environment: the stage's `ENV`, then what the RUN assigns."""
        return {**dict(self.run.env), **dict(self.assigned)}

    def values(self, *names: str) -> list[str]:
        """The values given to any of the options `names` (`--group a --group b`)."""
        return [value for name, value in self.options if name in names]

    def flag(self, *names: str) -> bool:
        """Whether any of the options `names` was given."""
        return any(name in names for name, _ in self.options)

    def resolve(self, path: str) -> str:
        """An argument path as pip sees it: relative to the command's working directory."""
        return posixpath.normpath(posixpath.join(self.cwd, path))


def shell_commands(command: str) -> list[list[str]] | None:
    """The simple commands of shell text, without assignments and wrappers (None: not readable)."""
    if not command.strip():
        return []
    commands = _simple_commands(command)
    return None if not commands else [_strip_prefix(c) for c in commands]


def install_command(words: list[str]) -> tuple[str, list[str]] | None:
    """(tool, arguments) when a simple command is a package install (`pip install ...`)."""
    return _install_args(words)


def _simple_commands(command: str) -> list[list[str]]:
    """Split shell text into simple commands (on `&&`, `||`, `;`, `|`, newlines)."""
    lexer = shlex.shlex(command.replace("\n", " ; "), posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    commands: list[list[str]] = [[]]
    depth = 0  # inside a process substitution `<(...)`, whose words are one unknown path
    try:
        for token in lexer:
            if depth:
                depth += token.count("(") - token.count(")") if set(token) <= set(";&|()") else 0
            elif token.startswith("(") and commands[-1][-1:] in (["<"], [">"]):
                commands[-1][-1] = "$(process substitution)"  # a `$` makes the word unknown
                depth = token.count("(") - token.count(")")
            elif token and set(token) <= set(";&|()"):
                commands.append([])
            else:
                commands[-1].append(token)
    except ValueError:
        return []
    return [c for c in commands if c]


def _strip_prefix(words: list[str]) -> list[str]:
    """Drop leading `VAR=value` assignments and wrappers such as `sudo`/`exec`."""
    index = 0
    while index < len(words) and (
        _ASSIGNMENT.match(words[index]) or words[index] in _WRAPPERS or words[index] in _KEYWORDS
    ):
        index += 1
    return words[index:]


def _install_args(words: list[str]) -> tuple[str, list[str]] | None:
    """(tool, arguments after `install`) when `words` is an install command."""
    if not words:
        return None
    head = words[0]
    if _PYTHON.match(head):
        rest = [w for w in words[1:] if w not in ("-u", "-B", "-I", "-E", "-s", "-q")]
        if len(rest) >= 3 and rest[0] == "-m" and rest[1] in ("pip", "pip3") and rest[2] in ("install", "wheel"):
            return ("pip" if rest[2] == "install" else "pip wheel"), rest[3:]
        if len(rest) >= 3 and rest[0] == "-m" and rest[1] == "uv" and rest[2] == "pip":
            words = ["uv", *rest[2:]]
            head = "uv"
    if _PIP.match(head) and len(words) > 1 and words[1] in ("install", "wheel"):
        return ("pip" if words[1] == "install" else "pip wheel"), words[2:]
    if posixpath.basename(head) == "uv":
        if words[1:3] == ["pip", "install"]:
            return "uv pip", words[3:]
        if words[1:3] == ["pip", "sync"]:
            return "uv pip", ["-r", *words[3:]]
        if words[1:2] == ["sync"]:
            return "uv sync", words[2:]
    if posixpath.basename(head) == "poetry" and words[1:2] == ["install"]:
        return "poetry install", words[2:]
    if posixpath.basename(head) == "pipenv" and words[1:2] == ["install"]:
        return "pipenv install", words[2:]
    return None


def _parse(run: RunOp, tool: str, args: list[str], cwd: str, program: str = "") -> PipInstall:
    reqs: list[str] = []
    cons: list[str] = []
    edits: list[str] = []
    targets: list[str] = []
    no_deps = False
    options: list[tuple[str, str]] = []
    unknown = any("$" in a for a in args)
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if not eq and len(arg) > 2 and arg[:2] in ("-r", "-c", "-e") and not arg.startswith("--"):
            name, inline, eq = arg[:2], arg[2:], "="
        if name in _VALUE_OPTIONS:
            value = inline if eq else (args[i + 1] if i + 1 < len(args) else "")
            i += 1 if eq else 2
            if name in ("-r", "--requirement"):
                reqs.append(value)
            elif name in ("-c", "--constraint", "--constraints"):
                cons.append(value)
            elif name in ("-e", "--editable"):
                edits.append(value)
            else:
                options.append((name, value))
            continue
        if arg == "--no-deps":
            no_deps = True
        elif arg.startswith("-"):
            options.append((arg, ""))
        else:
            targets.append(arg)
        i += 1
    return PipInstall(
        run,
        tool,
        cwd,
        tuple(reqs),
        tuple(cons),
        tuple(edits),
        tuple(targets),
        no_deps,
        unknown,
        tuple(options),
        program,
    )


def installs_in(run: RunOp, read_script: ReadScript | None = None) -> list[PipInstall]:
    """Every package install the RUN performs, in order, following the scripts it runs.

    A script is read through `read_script` (its path in the image -> its text, None when it
    cannot be read); an install whose effects cannot be known (an unreadable script, `make`,
    conda...) is returned with `unknown` set and tool `opaque`.
    """
    return _installs(run, run.command, run.workdir, read_script, 0)


def _installs(run: RunOp, command: str, cwd: str, read_script: ReadScript | None, depth: int) -> list[PipInstall]:
    found = []
    exported: dict[str, str | None] = {}
    for written in _simple_commands(command):
        words = _strip_prefix(written)
        if words[:1] == ["export"]:
            exported.update(_assignments(words[1:]))
            continue
        if not words:
            continue
        if words[0] == "cd" and len(words) >= 2 and "$" not in words[1]:
            cwd = posixpath.normpath(posixpath.join(cwd, words[1]))
            continue
        parsed = _install_args(words)
        if parsed is not None:
            assigned = {**exported, **_assignments(written[: len(written) - len(words)])}
            install = _parse(run, parsed[0], parsed[1], cwd, words[0])
            found.append(replace(install, assigned=tuple(assigned.items())) if assigned else install)
            continue
        script = _script_of(words)
        if script is not None:
            path = posixpath.normpath(posixpath.join(cwd, script))
            text = read_script(path) if read_script is not None and depth < _MAX_SCRIPT_DEPTH else None
            if text is None:
                found.append(PipInstall(run, "opaque", cwd, unknown=True))
            else:
                found.extend(_installs(run, _script_commands(text), cwd, read_script, depth + 1))
        elif posixpath.basename(words[0]) in _OPAQUE_TOOLS or _runs_python_file(words):
            found.append(PipInstall(run, "opaque", cwd, unknown=True))
    return found


def _assignments(words: list[str]) -> dict[str, str | None]:
    """The `NAME=value` words among `words` (None for a value the shell expands)."""
    found: dict[str, str | None] = {}
    for word in words:
        if _ASSIGNMENT.match(word):
            name, _, value = word.partition("=")
            found[name] = None if "$" in value or "`" in value else value
    return found


def _script_of(words: list[str]) -> str | None:
    """The local script a simple command runs: `./x.sh`, `bin/install`, `sh scripts/x.sh`."""
    head = words[0]
    if head in _SHELL_RUNNERS:
        rest = [w for w in words[1:] if not w.startswith("-")]
        return rest[0] if rest and "$" not in rest[0] else None
    if "/" in head and "$" not in head and not head.startswith(("/usr/", "/bin/", "/sbin/", "/opt/conda")):
        return None if _PYTHON.match(head) or _PIP.match(head) else head
    return None


def _runs_python_file(words: list[str]) -> bool:
    """`python setup.py install`, `python scripts/bootstrap.py`: a program of the repository."""
    if not _PYTHON.match(words[0]):
        return False
    rest = [w for w in words[1:] if not w.startswith("-")]
    return bool(rest) and rest[0].endswith(".py") and "-c" not in words and "-m" not in words


def _script_commands(text: str) -> str:
    """A script's text with comment lines and trailing comments removed (they may mention pip)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        lines.append(re.sub(r"\s#.*$", "", line))
    return "\n".join(lines)
