"""The quiet hook call in this process, against the floor: CPU a call, no server, no load
generator, so the figure does not move with the machine's other work as much as a server's
rate does. Prints numbers; asserts nothing.

    python benchmarks/bench_quiet_in_process.py [--calls 1000] [--repeats 12]

Each app (``benchmarks/floor_app.py``, the service with authentication off) is called through
WSGI with the quiet request of benchmarks/bench_hot_path.py and a connected socket under
``gunicorn.socket``, so the service arms its body deadline as under ``pvp-cds serve``. Thread
CPU time around ``--calls`` calls, the apps in turns, the minimum of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.test import EnvironBuilder  # noqa: E402

from benchmarks import floor_app  # noqa: E402
from benchmarks.bench_hot_path import SERVICE_PATH, quiet_request  # noqa: E402
from cds_service import create_app  # noqa: E402

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


def caller(app: WsgiApp, body: bytes, connection: socket.socket) -> Callable[[], None]:
    environ = EnvironBuilder(
        path=SERVICE_PATH, method="POST", data=body, content_type="application/json"
    ).get_environ()
    environ["gunicorn.socket"] = connection

    def call() -> None:
        environ["wsgi.input"] = io.BytesIO(body)
        answer = app(dict(environ), lambda status, headers, exc_info=None: None)
        for _ in answer:
            pass
        getattr(answer, "close", lambda: None)()

    return call


def microseconds_a_call(call: Callable[[], None], calls: int) -> float:
    started = time.thread_time()
    for _ in range(calls):
        call()
    return (time.thread_time() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ.update({"PVP_CDS_AUTHENTICATION": "off", "PVP_CDS_DATA_DIR": data_dir})
        service = create_app()
        body = json.dumps(quiet_request()).encode()
        ours, theirs = socket.socketpair()
        apps = {
            "floor (bare Flask + JSON)": caller(floor_app.app, body, ours),
            "pvp-cds": caller(service, body, ours),
        }
        for call in apps.values():  # warm: first calls pay for imports and caches
            microseconds_a_call(call, args.calls)
        best = dict.fromkeys(apps, float("inf"))
        for _ in range(args.repeats):
            for name, call in apps.items():
                best[name] = min(best[name], microseconds_a_call(call, args.calls))
        ours.close()
        theirs.close()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for name, value in best.items():
        print(f"quiet, in process: {name:<28} {value:6.1f} µs of CPU a call")


if __name__ == "__main__":
    main()
