"""Docker image references (`[registry/]name[:tag][@digest]`): one grammar, two questions.

:func:`split_reference` cuts a reference into its name, tag and digest. On top of it,
:func:`reference_problem` asks whether Docker accepts it (distribution/reference's grammar) and
:func:`parse_image_ref` what image it names, normalised the way Docker resolves it (Docker Hub's
aliases and mirrors, `library/`), leniently enough to name an image whose tag is interpolated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_NAME = re.compile(rf"(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)")
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")

_HUB_REGISTRIES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
# Registries that mirror Docker Hub's official images under a path prefix.
_HUB_MIRRORS = {
    ("public.ecr.aws", "docker/library/"): "library/",
    ("mirror.gcr.io", "library/"): "library/",
    ("mirror.gcr.io", ""): "",
}


def split_reference(ref: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest): the digest follows the first `@`, the tag a `:` after the name's last `/`."""
    name, at, digest = ref.partition("@")
    tag = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest if at else None


def reference_problem(ref: str) -> str | None:
    """Why `ref` is not a valid image reference, or None when it is."""
    if not ref:
        return "the image reference is empty"
    name = _valid_name(ref)
    if name is None:
        if ref != ref.lower() and _valid_name(ref.lower()):
            return "repository names must be lowercase"
        return "invalid reference format"
    if len(name.group("path")) + len(name.group("domain") or "") > 255:
        return "repository name must not be more than 255 characters"
    return None


def _valid_name(ref: str) -> re.Match[str] | None:
    """The name's match when the whole reference follows the grammar, else None."""
    # one final newline is let through, as the grammar's `$` always has here
    name, tag, digest = split_reference(ref.removesuffix("\n"))
    if (tag is not None and not _TAG.fullmatch(tag)) or (digest is not None and not _DIGEST.fullmatch(digest)):
        return None
    return _NAME.fullmatch(name)


def looks_like_image(ref: str) -> bool:
    """Whether a `--from` value is clearly an image (registry, path, tag or digest)."""
    return any(c in ref for c in "/:@.")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference.

    ``registry`` is ``"docker.io"`` for Docker Hub (and its aliases and mirrors),
    ``repository`` the path within it (``"library/postgres"`` for official images), both
    lower-case.  ``tag`` is None when absent (or not statically known, see ``tag_unknown``).
    """

    registry: str
    repository: str
    tag: str | None
    digest: str | None
    tag_unknown: bool = False

    @property
    def name(self) -> str:
        """The lookup key: ``postgres``, ``bitnami/redis``, ``ghcr.io/astral-sh/uv``."""
        if self.registry == "docker.io":
            return self.repository.removeprefix("library/")
        return f"{self.registry}/{self.repository}"

    @property
    def effective_tag(self) -> str | None:
        """The tag Docker resolves: the tag, ``latest`` when neither tag nor digest is given."""
        if self.tag is not None:
            return self.tag
        if self.digest is None and not self.tag_unknown:
            return "latest"
        return None


def parse_image_ref(ref: str) -> ImageRef | None:
    """Parse ``[registry/]repository[:tag][@digest]``; None when it is not a usable reference.

    A ``$`` (unresolved interpolation) in the repository part makes the reference unusable; in
    the tag or digest it makes the tag unknown (``tag_unknown``, ``tag`` and ``digest`` None).
    A malformed tag or digest also gives None.
    """
    text = ref.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    tag: str | None = None
    digest: str | None = None
    tag_unknown = False
    if "$" in text:
        # Only a repository followed by an interpolated tag or digest stays usable.
        head = text[: text.index("$")]
        if "@" in head:
            text = head[: head.index("@")]
        elif head.rfind(":") > head.rfind("/"):
            text = head[: head.rfind(":")]
        else:
            return None
        tag_unknown = True
    else:
        text, tag, digest = split_reference(text)
        if (digest is not None and ":" not in digest) or (tag is not None and not _TAG.fullmatch(tag)):
            return None
    if not text:
        return None
    parts = text.split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), "/".join(parts[1:]).lower()
    else:
        registry, path = "docker.io", text.lower()
    if not path or "" in path.split("/"):
        return None
    if registry in _HUB_REGISTRIES:
        registry = "docker.io"
    else:
        for (mirror, prefix), replacement in _HUB_MIRRORS.items():
            if registry == mirror and path.startswith(prefix):
                registry, path = "docker.io", replacement + path[len(prefix) :]
                break
    if registry == "docker.io" and "/" not in path:
        path = "library/" + path
    return ImageRef(registry, path, tag, digest, tag_unknown)
