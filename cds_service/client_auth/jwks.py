"""JWK Sets: fetched from a URL or read from a file, parsed, and cached per source."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

log = logging.getLogger(__name__)

#: A JWK Set is a few kilobytes; a body much larger than that is not one.
MAX_JWKS_BYTES = 64 * 1024


class JwksError(Exception):
    """A JWK Set could not be fetched or is not a JWK Set."""


class KeySet:
    """One JWK Set source (a URL or a file), cached.

    Refreshed when older than ``ttl``, or early when asked for an unknown kid (key rotation),
    but never more often than ``min_interval``: a stream of made-up kids must not make us hammer
    the client's JWKS endpoint. Thread-safe; the lock is held during a fetch so that concurrent
    requests wait for one fetch instead of starting their own.
    """

    def __init__(
        self, source: str, load: Callable[[], bytes], *, ttl: float, min_interval: float
    ) -> None:
        self.source = source
        self._load = load
        self._ttl = ttl
        self._min_interval = min_interval
        self._keys: dict[str, dict[str, Any]] = {}
        self._loaded_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    def find(self, kid: str) -> dict[str, Any] | None:
        with self._lock:
            if self._refresh_due(kid, time.monotonic()):
                self._refresh()
            return self._keys.get(kid)

    def kids(self) -> list[str]:
        """The kids of the keys in use, for a refusal's log line."""
        with self._lock:
            return sorted(self._keys)

    def _refresh_due(self, kid: str, now: float) -> bool:
        if self._tried_at is None:
            return True
        if now - self._tried_at < self._min_interval:
            return False
        stale = self._loaded_at is None or now - self._loaded_at >= self._ttl
        return stale or kid not in self._keys

    def _refresh(self) -> None:
        self._tried_at = time.monotonic()
        try:
            self._keys = parse_jwks(self._load(), self.source)
        except (JwksError, requests.RequestException, OSError) as exc:
            # The last good keys stay in use: a brief outage of the client's JWKS endpoint
            # should not lock its users out. A kid we never saw is still refused.
            log.warning("JWK Set refresh from %s failed: %s", self.source, exc)
            return
        self._loaded_at = self._tried_at
        log.info("JWK Set loaded from %s: kids %s", self.source, sorted(self._keys))


def fetch_jwks(session: requests.Session, url: str, timeout: float) -> bytes:
    # No redirects: an allowed URL must not be able to send us to one that is not.
    with session.get(
        url,
        timeout=timeout,
        allow_redirects=False,
        stream=True,
        headers={"Accept": "application/jwk-set+json, application/json"},
    ) as response:
        if response.status_code != 200:
            raise JwksError(f"{url} answered HTTP {response.status_code}")
        body = response.raw.read(MAX_JWKS_BYTES + 1, decode_content=True)
    if len(body) > MAX_JWKS_BYTES:
        raise JwksError(f"{url} sent more than {MAX_JWKS_BYTES} bytes")
    return body


def parse_jwks(body: bytes, source: str) -> dict[str, dict[str, Any]]:
    """The keys of a JWK Set by kid; keys without a kid are skipped, as no token can name them."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise JwksError(f"{source} is not JSON: {exc}") from exc
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise JwksError(f"{source} is not a JWK Set: no 'keys' array")
    by_kid: dict[str, dict[str, Any]] = {}
    for key in keys:
        if not isinstance(key, dict) or not isinstance(key.get("kid"), str):
            continue
        if key["kid"] in by_kid:
            # RFC 7515 lets a kid select one key; two keys under one kid are ambiguous.
            raise JwksError(f"{source} has kid {key['kid']!r} more than once")
        by_kid[key["kid"]] = key
    return by_kid
