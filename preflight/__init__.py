"""preflight: static pre-deploy checks for Python services shipped with Docker Compose."""

from __future__ import annotations

__version__ = "0.1.0"
