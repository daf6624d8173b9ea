"""`python -m preflight`."""

from __future__ import annotations

import sys

from preflight.entry import main

if __name__ == "__main__":
    sys.exit(main())
