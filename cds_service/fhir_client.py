"""Reading FHIR data from the EHR's server when prefetch did not bring it.

One pooled ``requests.Session`` per app, a timeout on every call, ``next`` links followed up to a
bound, and every read inside the hook call's time budget (:mod:`cds_service.deadline`). The
access token travels in one header and only under the server's base: every URL is normalised
and checked against the base just before it is requested (:mod:`fhir_mappings.server_base`),
and the URL requested is the one checked; redirects are not followed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests

from fhir_mappings.server_base import ServerBase

from . import metrics
from .deadline import UNBOUNDED, Deadline
from .errors import DataLate, DataUnavailable

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
#: Bytes read from a response body at a time, checking the hook call's deadline in between.
BODY_PIECE = 64 * 1024


@dataclass(frozen=True)
class FhirServer:
    """Where to read and with which bearer token. The token is masked in ``repr``."""

    base_url: str
    access_token: str | None = field(default=None, repr=False)

    def url(self, link: str) -> str | None:
        """The URL to request for ``link`` (a search or read relative to the base, or a next
        link), normalised; None when it lies outside the base (or the base is no URL)."""
        return None if self._base is None else self._base.resolve(link)

    @cached_property
    def _base(self) -> ServerBase | None:
        try:
            return ServerBase.parse(self.base_url)
        except ValueError:
            return None


@dataclass(frozen=True)
class Timeouts:
    """Seconds to connect and to wait for each read; the defaults are settings."""

    connect: float
    read: float


class FhirClient:
    def __init__(
        self,
        session: requests.Session,
        *,
        timeouts: Timeouts,
        max_pages: int,
        page_size: int | None = None,
    ) -> None:
        self._session = session
        self._timeouts = timeouts
        self._max_pages = max_pages
        self._page_size = page_size

    def read(
        self, server: FhirServer, relative: str, deadline: Deadline = UNBOUNDED
    ) -> list[dict[str, Any]]:
        """GET a read or search URL; a searchset comes back as all its pages' Bundles."""
        if self._page_size is not None and "?" in relative:
            relative += f"&_count={self._page_size}"
        first_page = self._get(server, relative, deadline)
        return self.remaining_pages(server, first_page, deadline)

    def remaining_pages(
        self, server: FhirServer, first_page: dict[str, Any], deadline: Deadline = UNBOUNDED
    ) -> list[dict[str, Any]]:
        """``first_page`` and every page its ``next`` links lead to, up to the bound."""
        pages = [first_page]
        while (next_url := next_link(pages[-1])) is not None:
            if server.url(next_url) is None:
                raise DataUnavailable(f"a next link leaves {server.base_url}; not followed")
            if len(pages) >= self._max_pages:
                raise DataUnavailable(
                    f"a search has more than {self._max_pages} pages; prefetch it or narrow it"
                )
            pages.append(self._get(server, next_url, deadline))
        return pages

    def _get(self, server: FhirServer, link: str, deadline: Deadline) -> dict[str, Any]:
        # The one place a request leaves: the URL sent is the one checked against the base.
        url = server.url(link)
        if url is None:
            raise DataUnavailable(f"{_resource_type_of(link)}: leaves {server.base_url}; not read")
        # handling=strict: a server that does not know a search parameter must refuse the
        # search rather than silently widen it to more resources than asked for.
        headers = {"Accept": FHIR_JSON, "Prefer": "handling=strict"}
        if server.access_token:
            headers["Authorization"] = f"Bearer {server.access_token}"
        what = _resource_type_of(url)
        late = DataLate(f"{what} did not arrive within the {deadline.budget:g} s budget")
        if deadline.passed:
            raise late
        left = deadline.remaining()
        timeout = (min(self._timeouts.connect, left), min(self._timeouts.read, left))
        try:
            # Timed by metrics to the headers; the body is read below, piece by piece.
            # A redirect is not followed: requests keeps the token on the same host, and the
            # Location may lie outside the base.
            response = metrics.fhir_get(
                self._session,
                url,
                headers=headers,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
            )
            try:
                _raise_for_status(response, what)
                content = _read_body(response, deadline, late)
            except BaseException:
                response.close()  # the body was not read to its end: the connection goes
                raise
            response.raw.release_conn()  # read to its end: back to the pool, kept alive
        except requests.Timeout as exc:
            if deadline.passed:
                raise late from exc
            raise DataUnavailable(f"the FHIR server did not answer in time ({what})") from exc
        except requests.RequestException as exc:
            raise DataUnavailable(
                f"the FHIR server could not be reached ({what}: {type(exc).__name__})"
            ) from exc
        try:
            body = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise DataUnavailable(f"the FHIR server sent no JSON for {what}") from exc
        if not isinstance(body, dict) or "resourceType" not in body:
            raise DataUnavailable(f"the FHIR server sent no FHIR resource for {what}")
        return body


def _read_body(response: requests.Response, deadline: Deadline, late: DataLate) -> bytes:
    """The body, piece by piece: each piece is one socket read (``read1``), so a server that
    trickles its answer is stopped at the deadline, not at a read timeout per byte."""
    pieces = []
    while piece := response.raw.read1(BODY_PIECE, decode_content=True):
        pieces.append(piece)
        if deadline.passed:
            raise late
    return b"".join(pieces)


def next_link(resource: dict[str, Any]) -> str | None:
    if resource.get("resourceType") != "Bundle" or not isinstance(resource.get("link"), list):
        return None
    for link in resource["link"]:
        # A url that is not a string is invalid FHIR: not followed, and refused when the
        # Bundle is parsed.
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            return url if isinstance(url, str) and url else None
    return None


def _resource_type_of(url: str) -> str:
    """The resource type a read or search URL names, for messages that carry no ids."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return next((s for s in reversed(segments) if s[:1].isupper()), "resource")


def _raise_for_status(response: requests.Response, what: str) -> None:
    status = response.status_code
    if status < 300:
        return
    log.info("FHIR server answered %d for %s", status, what)
    if status < 400:
        raise DataUnavailable(
            f"the FHIR server redirected the read of {what} ({status}); redirects are not "
            "followed: give the server's own base URL as fhirServer"
        )
    if status in (401, 403):
        raise DataUnavailable(
            f"the FHIR server refused the access token ({status}) when reading {what}"
        )
    raise DataUnavailable(f"the FHIR server answered {status} when reading {what}")
