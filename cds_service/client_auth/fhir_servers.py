"""Which FHIR servers a hook may send us to: base URLs compared whole, https unless allowed."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from .errors import FhirServerNotAllowed

_DEFAULT_PORTS = {"https": 443, "http": 80}


def check_fhir_server(url: str, allowed: Iterable[str], *, allow_http: bool) -> None:
    """Raise :class:`FhirServerNotAllowed` unless ``url`` is one of the ``allowed`` base URLs.

    Also for use without authentication, with a global list. Base URLs are compared whole,
    ignoring only the case of scheme and host, a default port and a trailing slash: a prefix or
    same-host match would let a hook point us at a lookalike host or another server's path.
    Plain http only with ``allow_http`` (local development).
    """
    target = base_url_key(url)
    if target is None:
        raise FhirServerNotAllowed(url, "not an absolute http(s) URL without user info")
    if target[0] != "https" and not allow_http:
        raise FhirServerNotAllowed(url, "https required")
    if target not in {base_url_key(entry) for entry in allowed}:
        raise FhirServerNotAllowed(url, "not on the client's allow-list")


def base_url_key(url: str) -> tuple[str, str, int, str, str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    if parts.fragment:
        return None
    path = parts.path.rstrip("/")
    return (scheme, parts.hostname, port or _DEFAULT_PORTS[scheme], path, parts.query)
