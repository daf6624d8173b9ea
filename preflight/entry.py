"""The `preflight` executable: answers `--version` before the command line machinery loads."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

VERSION_FLAGS = (["--version"], ["-V"])


def main(argv: Sequence[str] | None = None) -> int:
    """Run `preflight` (see :func:`preflight.cli.main`); `--version` alone is answered here."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in VERSION_FLAGS:
        from preflight import __version__

        sys.stdout.write(f"preflight, version {__version__}\n")  # the text click's version option prints
        return 0
    from preflight.cli import main as cli_main

    return cli_main(args)
