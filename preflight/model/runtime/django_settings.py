"""The Django settings module a container loads when its environment names none.

Django imports the module ``DJANGO_SETTINGS_MODULE`` names when it sets itself up. When the
container does not have that variable, the code it runs sets the default itself:
``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")`` in ``manage.py``, in the
``wsgi.py``/``asgi.py`` a server imports, or in a Celery app module. That module is then
loaded like an entry point. Only a certain answer is given: the container certainly lacks the
variable (no image, compose, entrypoint script or launcher sets it), no code loads an env file
of its own, and everything that runs agrees on one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from preflight.model.runtime.command.vocabulary import EntryKind
from preflight.model.runtime.environment import EnvAbsent

if TYPE_CHECKING:
    from collections.abc import Iterable

    from preflight.model.image.provided import Provided
    from preflight.model.runtime.command.vocabulary import EntryPoint
    from preflight.model.runtime.environment import RuntimeEnv
    from preflight.parse.python import PythonModule

NAME = "DJANGO_SETTINGS_MODULE"


def default_settings(
    env: RuntimeEnv, entries: Iterable[EntryPoint], modules: Iterable[PythonModule], provided: Provided
) -> str | None:
    """The settings module the code of a container selects by default, or None when it selects
    none, when the container may have ``DJANGO_SETTINGS_MODULE`` from elsewhere, or when the
    modules it loads disagree.

    ``entries`` are the container's entry points, ``modules`` the modules it loads (the entry
    modules first); a ``manage.py`` entry contributes the module it was given with ``--settings``.
    """
    if "django" not in provided.declared or not isinstance(env.lookup(NAME), EnvAbsent):
        return None
    entries = list(entries)
    if any(NAME in entry.env_names or entry.launcher_env for entry in entries):
        return None  # an entrypoint script exports it, or the server may set variables itself
    modules = list(modules)
    if any(module.env_files for module in modules):
        return None  # `load_dotenv()` and the like may set it before Django starts
    names = {name for module in modules for name in module.django_settings}
    names.update(e.module for e in entries if e.kind is EntryKind.DJANGO_MANAGE and e.module is not None)
    return names.pop() if len(names) == 1 else None
