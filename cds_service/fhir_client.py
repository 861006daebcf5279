"""Reading FHIR data from the EHR's server when prefetch did not bring it.

One pooled ``requests.Session`` per app, a timeout on every call, ``next`` links followed up to a
bound and only on the same server. The access token travels in one header and nowhere else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from . import metrics
from .errors import DataUnavailable

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class FhirServer:
    """Where to read and with which bearer token. The token is masked in ``repr``."""

    base_url: str
    access_token: str | None = field(default=None, repr=False)

    def url(self, relative: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", relative)

    def owns(self, url: str) -> bool:
        """True when ``url`` lies under this server's base (scheme, host, port and path)."""
        base = urlsplit(self.base_url.rstrip("/") + "/")
        try:
            other = urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: not a URL of ours
            return False
        same_origin = (base.scheme, base.netloc) == (other.scheme, other.netloc)
        return same_origin and other.path.startswith(base.path)


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

    def read(self, server: FhirServer, relative: str) -> list[dict[str, Any]]:
        """GET a read or search URL; a searchset comes back as all its pages' Bundles."""
        if self._page_size is not None and "?" in relative:
            relative += f"&_count={self._page_size}"
        return self.remaining_pages(server, self._get(server, server.url(relative)))

    def remaining_pages(
        self, server: FhirServer, first_page: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """``first_page`` and every page its ``next`` links lead to, up to the bound."""
        pages = [first_page]
        while (next_url := next_link(pages[-1])) is not None:
            if not server.owns(next_url):
                raise DataUnavailable(f"a next link leaves {server.base_url}; not followed")
            if len(pages) >= self._max_pages:
                raise DataUnavailable(
                    f"a search has more than {self._max_pages} pages; prefetch it or narrow it"
                )
            pages.append(self._get(server, next_url))
        return pages

    def _get(self, server: FhirServer, url: str) -> dict[str, Any]:
        # handling=strict: a server that does not know a search parameter must refuse the
        # search rather than silently widen it to more resources than asked for.
        headers = {"Accept": FHIR_JSON, "Prefer": "handling=strict"}
        if server.access_token:
            headers["Authorization"] = f"Bearer {server.access_token}"
        what = _resource_type_of(url)
        try:
            response = metrics.fhir_get(
                self._session,
                url,
                headers=headers,
                timeout=(self._timeouts.connect, self._timeouts.read),
            )
        except requests.Timeout as exc:
            raise DataUnavailable(f"the FHIR server did not answer in time ({what})") from exc
        except requests.RequestException as exc:
            raise DataUnavailable(
                f"the FHIR server could not be reached ({what}: {type(exc).__name__})"
            ) from exc
        _raise_for_status(response, what)
        try:
            body = response.json()
        except ValueError as exc:
            raise DataUnavailable(f"the FHIR server sent no JSON for {what}") from exc
        if not isinstance(body, dict) or "resourceType" not in body:
            raise DataUnavailable(f"the FHIR server sent no FHIR resource for {what}")
        return body


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
    if status < 400:
        return
    log.info("FHIR server answered %d for %s", status, what)
    if status in (401, 403):
        raise DataUnavailable(
            f"the FHIR server refused the access token ({status}) when reading {what}"
        )
    raise DataUnavailable(f"the FHIR server answered {status} when reading {what}")
