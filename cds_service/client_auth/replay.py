"""The ``jti`` replay cache: a token is accepted once within its lifetime."""

from __future__ import annotations

import heapq
import threading
from typing import Protocol


class ReplayChecker(Protocol):
    def first_use(self, key: tuple[str, str], expires_at: float, *, now: float) -> bool:
        """Record ``key`` (issuer, jti) until ``expires_at``; False if already recorded."""


class ReplayCache:
    """The ``(issuer, jti)`` of every accepted token, each kept until its token expires.

    Only tokens whose signature verified are recorded, so the size is bounded by what trusted
    clients send within one token lifetime, not by what an attacker sends. Thread-safe.
    """

    def __init__(self) -> None:
        self._expiry: dict[tuple[str, str], float] = {}
        self._by_expiry: list[tuple[float, tuple[str, str]]] = []
        self._lock = threading.Lock()

    def first_use(self, key: tuple[str, str], expires_at: float, *, now: float) -> bool:
        """Record ``key`` until ``expires_at``; False if it is already recorded (a replay)."""
        with self._lock:
            self._evict_expired(now)
            if key in self._expiry:
                return False
            self._expiry[key] = expires_at
            heapq.heappush(self._by_expiry, (expires_at, key))
            return True

    def holds(self, key: tuple[str, str], *, now: float) -> bool:
        """Whether ``key`` is recorded and still live at ``now``."""
        with self._lock:
            expires_at = self._expiry.get(key)
            return expires_at is not None and expires_at > now

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)

    def _evict_expired(self, now: float) -> None:
        while self._by_expiry and self._by_expiry[0][0] <= now:
            _, key = heapq.heappop(self._by_expiry)
            del self._expiry[key]
