"""Which FHIR servers a hook may send us to: base URLs compared whole, https unless allowed."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from fhir_mappings.server_base import ServerBase

from .errors import FhirServerNotAllowed


def check_fhir_server(url: str, allowed: Iterable[str], *, allow_http: bool) -> None:
    """Raise :class:`FhirServerNotAllowed` unless ``url`` is one of the ``allowed`` base URLs.

    Also for use without authentication, with a global list. Base URLs are compared whole and
    normalised (:class:`~fhir_mappings.server_base.ServerBase`: the case of scheme and host, a
    default port, percent-encoded unreserved characters, a trailing slash); one with user info,
    a query or a dot segment in any spelling is refused. A prefix or same-host match would let
    a hook point us at a lookalike host or another server's path. Plain http only with
    ``allow_http`` (local development).
    """
    try:
        target = ServerBase.parse(url)
    except ValueError as exc:
        raise FhirServerNotAllowed(url, str(exc)) from None
    if target.scheme != "https" and not allow_http:
        raise FhirServerNotAllowed(url, "https required")
    if target not in _bases(frozenset(allowed)):
        raise FhirServerNotAllowed(url, "not on the client's allow-list")


@functools.lru_cache(maxsize=256)
def _bases(urls: frozenset[str]) -> frozenset[ServerBase]:
    """An allow-list parsed once: the lists are the configuration's, a few per client."""
    return frozenset(_parsed(urls))


def _parsed(urls: Iterable[str]) -> Iterable[ServerBase]:
    for url in urls:
        try:
            yield ServerBase.parse(url)
        except ValueError:
            continue  # never matches; the trusted-client file's schema refuses such entries
