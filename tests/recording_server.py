"""A real HTTP server on 127.0.0.1, in a thread, that answers canned routes and records every
request: the JWK Set endpoints of the security tests and the FHIR stub of the service tests."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Route:
    """What the server answers on one path."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Recorded:
    """One request as received: the path without query, the query, the headers."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class RecordingServer:
    """Answers ``routes`` by path (404 otherwise); ``requested`` lists the paths asked for
    (with their query), ``requests`` the whole requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requested: list[str] = []
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.recorder = self  # type: ignore[attr-defined]
        # A short poll interval keeps stop() (which waits for the next poll) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def publish(self, path: str, document: Any, *, status: int = 200, **headers: str) -> None:
        self.routes[path] = Route(
            status=status,
            body=json.dumps(document).encode(),
            headers={"Content-Type": "application/json", **headers},
        )

    def record(self, raw_path: str, headers: dict[str, str]) -> Route | None:
        url = urlsplit(raw_path)
        with self._lock:
            self.requested.append(raw_path)
            self.requests.append(Recorded(url.path, parse_qs(url.query), headers))
        return self.route(url.path, raw_path)

    def route(self, path: str, raw_path: str) -> Route | None:
        return self.routes.get(raw_path)

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        route = self.server.recorder.record(self.path, dict(self.headers))  # type: ignore[attr-defined]
        if route is None:
            route = Route(status=404)
        time.sleep(route.delay)
        try:
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests): nobody to answer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the tests assert on what was recorded instead of stderr."""
