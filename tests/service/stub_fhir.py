"""A local FHIR server stub on 127.0.0.1 that answers canned resources and records requests."""

from __future__ import annotations

import json
from typing import Any

from tests.recording_server import RecordingServer, Route

NOT_FOUND = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "not-found"}],
}


class StubFhirServer(RecordingServer):
    """``answers`` maps a resource path ("Observation", "Patient/p1") to (status, body);
    ``requests`` records each request with the path relative to the base."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.answers: dict[str, tuple[int, Any]] = {}
        self.delay = delay
        self.start()

    @property
    def base_url(self) -> str:
        return self.url("/fhir")

    def record(self, raw_path: str, headers: dict[str, str]) -> Route | None:
        route = super().record(raw_path, headers)
        recorded = self.requests[-1]
        recorded.path = recorded.path.removeprefix("/fhir/")
        return route

    def route(self, path: str, raw_path: str) -> Route | None:
        status, body = self.answers.get(path.removeprefix("/fhir/"), (404, NOT_FOUND))
        headers = {"Content-Type": "application/fhir+json"}
        return Route(status, json.dumps(body).encode(), headers, self.delay)
