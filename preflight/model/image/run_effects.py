"""Which files a RUN instruction may create, read from its shell text (never run).

A RUN made only of commands whose effects are known (package managers of the OS, pip/uv/poetry
installs into site-packages, users, permissions, removals) creates no file a COPY question is
about. Anything else (`git clone`, `curl -o`, `tar -x`, `cp`, `mv`, a script, a generator,
`python manage.py collectstatic`, an output redirection) may create any path: questions about
paths after it are answered "unknown", never "absent".
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from preflight.model.image.installs import install_command, shell_commands

if TYPE_CHECKING:
    from preflight.model.image.stages import RunOp

# commands that write no file a later COPY/import question could be about
_KNOWN_HARMLESS = frozenset({
    "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "rpm", "dpkg", "dpkg-reconfigure", "apt-mark",
    "useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "deluser", "passwd",
    "chmod", "chown", "chgrp", "rm", "rmdir", "echo", "printf", "true", "false", "set", "export",
    "ulimit", "sleep", "test", "[", "locale-gen", "ldconfig", "update-ca-certificates", "umask",
    "update-alternatives", "localedef", "id", "whoami", "which", "command", "type", "ls", "cat",
    "env", "pwd", "uname", "unset", "shopt", "hash",
})  # fmt: skip
_FD_DUP = re.compile(r"\d*>&\d")
_REDIRECT = re.compile(r"^\d*>>?\|?(.*)$")
_PYTHON_TOOLS = frozenset({"python", "python3", "pip", "pip3", "uv", "poetry", "pipenv"})


def may_create(run: RunOp) -> str | None:
    """Why the RUN may create files no COPY accounts for (the first such command), or None."""
    # `2>&1`, `>&2` and `&>` would otherwise split a command on their `&`
    text = _FD_DUP.sub(" ", run.command).replace("&>", ">")
    commands = shell_commands(text)
    if commands is None:
        return "its shell text could not be read"
    for words in commands:
        if not words:
            continue
        if _writes_file(words):
            return f"`{' '.join(words[:3])}` writes a file"
        head = posixpath.basename(words[0])
        if head == "cd":
            continue
        if head == "mkdir":
            continue  # folders only (an empty folder is never a module file)
        if head in _KNOWN_HARMLESS:
            continue
        install = install_command(words)
        if install is not None:
            options = set(install[1])
            if options & {"-t", "--target", "--prefix", "--root", "-e", "--editable"}:
                return f"`{' '.join(words[:3])}` installs into a folder of its own"
            continue
        if head in _PYTHON_TOOLS and words[1:2] in (["--version"], ["-V"]):
            continue
        return f"`{' '.join(words[:3])}` may create files"
    return None


def editable_projects(run: RunOp) -> tuple[str, ...] | None:
    """The project folders of a RUN whose only file-creating commands are editable installs
    (`pip install -e ./lib`), or None when it may create files anywhere (or creates none).

    An editable install writes the project's metadata and build folders inside the project
    (`lib/x.egg-info`, `lib/build/`) and its wheel's files under the interpreter's prefix
    (site-packages, `bin/`); a question about any other path is answered as if the RUN did nothing.
    """
    from preflight.model.image.installs import installs_in

    text = _FD_DUP.sub(" ", run.command).replace("&>", ">")
    commands = shell_commands(text)
    if commands is None or may_create(run) is None:
        return None
    for words in commands:
        head = posixpath.basename(words[0]) if words else "cd"
        if head in ("cd", "mkdir") or head in _KNOWN_HARMLESS:
            if _writes_file(words):
                return None
            continue
        install = install_command(words)
        if install is None or _writes_file(words):
            return None
        if set(install[1]) & {"-t", "--target", "--prefix", "--root"}:
            return None
    projects: list[str] = []
    for pip in installs_in(run):
        if pip.unknown or pip.tool not in ("pip", "uv pip"):
            return None
        for path in pip.editables:
            if "://" in path or "@" in path or path.startswith(("git+", "hg+", "svn+", "bzr+")):
                return None  # a VCS checkout: pip clones it into a `src` folder of its own
            projects.append(pip.resolve(path.split("[", 1)[0]))
    return tuple(projects) if projects else None


def _writes_file(words: list[str]) -> bool:
    """An output redirection (`> f`, `>>f`, `2>f`) to something other than /dev/null."""
    for i, word in enumerate(words):
        match = _REDIRECT.match(word)
        if match is None:
            continue
        target = match[1] or (words[i + 1] if i + 1 < len(words) else "")
        if target not in ("", "/dev/null"):
            return True
    return False
