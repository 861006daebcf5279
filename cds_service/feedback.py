"""Feedback (CDS Hooks 2.0 § Feedback) kept behind a small interface; stored once per report."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from typing import Any, Protocol


class FeedbackStore(Protocol):
    def add(self, service_id: str, item: Mapping[str, Any]) -> bool:
        """Store one feedback item as received; False when the same report is already stored."""

    def items(self, service_id: str) -> list[Mapping[str, Any]]: ...


def report_key(service_id: str, item: Mapping[str, Any]) -> str:
    """The same report sent twice (any key order) has the same key."""
    canonical = json.dumps([service_id, item], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class InMemoryFeedbackStore:
    def __init__(self) -> None:
        self._items: dict[str, tuple[str, Mapping[str, Any]]] = {}
        self._lock = threading.Lock()

    def add(self, service_id: str, item: Mapping[str, Any]) -> bool:
        key = report_key(service_id, item)
        with self._lock:
            if key in self._items:
                return False
            self._items[key] = (service_id, item)
            return True

    def items(self, service_id: str) -> list[Mapping[str, Any]]:
        with self._lock:
            return [item for sid, item in self._items.values() if sid == service_id]
