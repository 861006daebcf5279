"""A FHIR server as far away as an EHR's: a proxy on 127.0.0.1 that forwards every GET to the
real server and passes its answer back unchanged once a fixed time has passed since the GET
arrived (at once, if the real server took longer).

On loopback the test FHIR server answers in a few milliseconds, so a hook call that reads it
measures mostly the service's own work; an EHR's FHIR API, behind its gateway and a hospital
network, takes tens to hundreds of milliseconds a query. Both the single queries and the hook
call of the no-prefetch benchmark go through the same proxy, so the delay is the same for both.
The test server answers one query at a time, an EHR's many at once: holding each answer until
the time is up, rather than each query before forwarding it, keeps the test server's queue out
of the figures.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

#: Headers of the real server's answer that the proxy passes on.
PASSED_ON = ("Content-Type", "ETag", "Last-Modified", "Location")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # wrk closes its connections when its run ends, often mid-answer: not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def latency_proxy(upstream: str, delay_seconds: float) -> Iterator[str]:
    """The proxy's base URL while the block runs; ``upstream`` is the real server's base."""
    session = requests.Session()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the service's pooled session expects
        # Headers and body go out in two writes: with Nagle's algorithm on, the second waits
        # for the client's delayed ACK, 40 ms more than the delay asked for.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            arrived = time.monotonic()
            headers = {
                name: value
                for name, value in self.headers.items()
                if name in ("Accept", "Authorization")
            }
            answer = session.get(upstream.rstrip("/") + self.path, headers=headers, timeout=30)
            time.sleep(max(0.0, delay_seconds - (time.monotonic() - arrived)))
            self.send_response(answer.status_code)
            for name in PASSED_ON:
                if name in answer.headers:
                    self.send_header(name, answer.headers[name])
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the benchmark prints its own numbers

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        session.close()
