"""Which step of `docker compose up` an error of each rule breaks (for the per-service verdict).

Only errors decide a verdict. A rule that is not listed (warnings, and PF201, PF209 and PF210,
whose empty or literal value may or may not stop the program) decides none: its findings are
listed, the verdict stays as it was.
"""

from __future__ import annotations

import enum


class Stage(enum.Enum):
    """The steps of `docker compose up`, in order."""

    PROJECT = "project"
    BUILD = "build"
    START = "start"
    HEALTHY = "healthy"


BREAKS: dict[str, Stage] = {
    # compose refuses to load the project: no service comes up
    "PF101": Stage.PROJECT,
    "PF102": Stage.PROJECT,
    "PF107": Stage.PROJECT,
    "PF108": Stage.PROJECT,
    "PF202": Stage.PROJECT,
    # `docker compose build` fails for the service's image
    "PF104": Stage.BUILD,
    "PF105": Stage.BUILD,
    "PF301": Stage.BUILD,
    "PF302": Stage.BUILD,
    "PF303": Stage.BUILD,
    "PF304": Stage.BUILD,
    "PF305": Stage.BUILD,
    "PF501": Stage.BUILD,
    "PF502": Stage.BUILD,
    "PF503": Stage.BUILD,
    # the container is not created, or exits as it starts
    "PF103": Stage.START,
    "PF106": Stage.START,
    "PF203": Stage.START,
    "PF204": Stage.START,
    "PF207": Stage.START,
    "PF401": Stage.START,
    "PF402": Stage.START,
    "PF404": Stage.START,
    "PF405": Stage.START,
    "PF407": Stage.START,
    "PF408": Stage.START,
    "PF409": Stage.START,
    "PF410": Stage.START,
    "PF306": Stage.START,
    "PF504": Stage.START,
    "PF406": Stage.START,
    "PF411": Stage.START,
}
"""The step an error breaks; one inside the service's `healthcheck:` breaks HEALTHY instead."""

UNREADABLE_INPUT = frozenset({"PF001", "PF002"})
"""A file that cannot be parsed or read: the project when it is a compose file, else the step
that reads it (the build for Dockerfiles and requirements, the start for Python code)."""
