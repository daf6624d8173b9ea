"""Docker image references (`[registry/]name[:tag][@digest]`), validated like distribution/reference."""

from __future__ import annotations

import re

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)


def reference_problem(ref: str) -> str | None:
    """Why `ref` is not a valid image reference, or None when it is."""
    if not ref:
        return "the image reference is empty"
    match = _REFERENCE.match(ref)
    if match is None:
        if ref != ref.lower() and _REFERENCE.match(ref.lower()):
            return "repository names must be lowercase"
        return "invalid reference format"
    if len(match.group("path")) + len(match.group("domain") or "") > 255:
        return "repository name must not be more than 255 characters"
    return None


def looks_like_image(ref: str) -> bool:
    """Whether a `--from` value is clearly an image (registry, path, tag or digest)."""
    return any(c in ref for c in "/:@.")
