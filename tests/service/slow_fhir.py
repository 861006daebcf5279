"""A FHIR server on 127.0.0.1 that is late on purpose, written on raw sockets so that it can
be late in each way a real one is: it answers after a delay, stalls in the middle of the body
(trickling a byte now and then, which no per-read timeout ever trips), or never answers.

Requests whose path starts with one of ``late_paths`` get the late treatment; the others are
answered at once from ``answers``. Every wait is bounded by ``stop()``.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Lateness(StrEnum):
    SLOW = "slow"  # the whole answer, after ``delay`` seconds
    STALLS_MID_BODY = "stalls-mid-body"  # headers and half the body, then a byte a while
    NEVER_ANSWERS = "never-answers"  # reads the request, then says nothing


@dataclass
class LateFhirServer:
    lateness: Lateness
    late_paths: tuple[str, ...]
    answers: dict[str, Any] = field(default_factory=dict)
    delay: float = 20.0
    served: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/fhir"

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(1.0)
            try:
                request = connection.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1].split("?")[0].removeprefix("/fhir/")
                self.served.append(path)
                body = json.dumps(
                    self.answers.get(path, {"resourceType": "Bundle", "type": "searchset"})
                ).encode()
                head = (
                    f"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
                if not path.startswith(self.late_paths):
                    connection.sendall(head + body)
                elif self.lateness is Lateness.SLOW:
                    if not self._stopped.wait(self.delay):
                        connection.sendall(head + body)
                elif self.lateness is Lateness.STALLS_MID_BODY:
                    half = len(body) // 2
                    connection.sendall(head + body[:half])
                    for byte in body[half:]:
                        if self._stopped.wait(0.2):
                            break
                        connection.sendall(bytes([byte]))
                else:
                    self._stopped.wait(self.delay)
            except OSError:
                pass  # the service gave up and closed: nobody left to answer
