"""A FHIR server's base URL, and which URLs and references lie under it.

FHIR R4 (http.html#root): every RESTful URL of a server is its Service Base URL followed by a
path, and an absolute reference to a resource there is ``[base]/[type]/[id]``. The service
sends the EHR's access token only under the base it was given, and takes a subject reference
for the patient in context only on that base, so "under this base" must mean what the server
and anything in front of it will take it to mean:

- URLs are compared normalised (RFC 3986 section 6.2.2 and 6.2.3, by yarl): scheme and host
  are case-insensitive (hosts IDNA-encoded), a default port is the same as none, a
  percent-encoded unreserved character is that character (``%70age`` is ``page``), and the
  path must continue the base's path segment by segment (``/fhir`` holds ``/fhir`` and
  ``/fhir/Observation``, not ``/fhirx``).
- A path with a dot segment in any spelling (``..``, ``%2e%2e``, ``..%2f``, ``%252e%252e``,
  ``..;``, or a backslash) is refused rather than resolved: servers and proxies resolve them
  otherwise than RFC 3986 does (merging ``//`` first, decoding twice, Tomcat's ``;``
  parameters, backslashes taken as slashes), and no FHIR server writes one into a link.
- User info (``user@host``) is refused: it is no part of a FHIR base and would send
  credentials of its own.

Nothing here does any IO: it reads strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yarl import URL

SCHEMES = frozenset({"http", "https"})
#: Left in a path after it is decoded once: an encoded dot, slash or backslash (encoded twice).
_ENCODED_TWICE = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
_DOT_SEGMENTS = frozenset({".", ".."})


@dataclass(frozen=True)
class ServerBase:
    """A FHIR server's base URL, normalised: equal bases compare equal however spelt."""

    scheme: str
    host: str
    port: int | None
    #: Percent-encoded as normalised, without a trailing slash ("" for a server at the root).
    path: str
    #: The base URL as normalised, for messages and for resolving relative references.
    text: str = field(compare=False)

    @classmethod
    def parse(cls, text: str) -> ServerBase:
        """``text`` as a base URL; ValueError saying why it is not one."""
        url = _normalised(text)
        if url is None:
            raise ValueError("not an absolute http(s) URL without user info or dot segments")
        if url.raw_query_string or url.raw_fragment:
            raise ValueError("a base URL has no query or fragment")
        path = url.raw_path.rstrip("/")
        return cls(
            url.scheme, url.raw_host or "", url.port, path, str(url.with_path(path, encoded=True))
        )

    def __str__(self) -> str:
        return self.text

    def resolve(self, link: str) -> str | None:
        """The URL to request for ``link`` (absolute, or relative to this base as FHIR's
        relative references are), normalised and without a fragment; None when it lies
        outside this base or where it leads is in doubt."""
        url = _normalised(link, base=URL(self.text + "/"))
        if url is None or self._path_under(url) is None:
            return None
        return str(url.with_fragment(None))

    def reference_path(self, reference: str) -> str | None:
        """What follows this base in an absolute URL under it (``Patient/p1``), without the
        query; None when ``reference`` is not an absolute URL under this base."""
        url = _normalised(reference)
        return None if url is None else self._path_under(url)

    def _path_under(self, url: URL) -> str | None:
        if (url.scheme, url.raw_host, url.port) != (self.scheme, self.host, self.port):
            return None
        path = url.raw_path
        if path == self.path:
            return ""
        if not path.startswith(self.path + "/"):
            return None
        return path[len(self.path) + 1 :]


def _normalised(text: str, base: URL | None = None) -> URL | None:
    """``text`` as an absolute http(s) URL, normalised (relative ones resolved against
    ``base``); None if it is none, or carries user info or a dot segment in any spelling."""
    try:
        as_written = URL(text, encoded=True)
        if _has_dot_segment(as_written.path):
            return None
        url = URL(text)
        if not url.is_absolute() and base is not None:
            url = base.join(url)
    except (TypeError, ValueError):  # e.g. an unclosed IPv6 bracket, a port out of range
        return None
    if url.scheme not in SCHEMES or not url.raw_host or "@" in (url.raw_authority or ""):
        return None
    return url


def _has_dot_segment(decoded_path: str) -> bool:
    """Whether a path, decoded once, has a dot segment (with or without ``;`` parameters), a
    backslash, or a dot, slash or backslash still encoded (the path was encoded twice)."""
    if "\\" in decoded_path or _ENCODED_TWICE.search(decoded_path):
        return True
    return any(segment.split(";")[0] in _DOT_SEGMENTS for segment in decoded_path.split("/"))
