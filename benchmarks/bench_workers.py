"""Throughput of the scoring path with auditing on: `pvp-cds serve` with one worker process
against one per core. Prints numbers; asserts nothing.

    python benchmarks/bench_workers.py [--seconds S] [--clients C] [--database-url URL]

Each run starts `pvp-cds serve` on 127.0.0.1 (authentication off, a fresh data directory, so
the embedded SQLite database unless --database-url is given), sends the high-risk example
(prefetch included: no FHIR server involved) from C concurrent clients for S seconds, then
waits for the audit backlog to drain and counts the audit rows. The clients run in this process
and share the machine's cores with the server: read the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "patient-view-high-risk.json"
PORT = 8766


def run(workers: int, seconds: float, clients: int, database_url: str | None) -> None:
    data_dir = tempfile.mkdtemp(prefix="pvp-cds-bench-")
    environment = {
        **os.environ,
        "PVP_CDS_AUTHENTICATION": "off",
        "PVP_CDS_DATA_DIR": data_dir,
    }
    if database_url:
        environment["PVP_CDS_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "pvp_cds", "serve", "--port", str(PORT)]
    server = subprocess.Popen(
        command,
        env={**environment, "PVP_CDS_WORKERS": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait_until_up(f"{base}/health/live")
        latencies = _load(f"{base}/cds-services/pvp-residual-back-pain", seconds, clients)
        drained = _wait_for_backlog(base)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"workers {workers}: {len(latencies) / seconds:7.0f} req/s   p50 {p50 * 1e3:7.1f} ms   "
        f"p95 {p95 * 1e3:7.1f} ms   (n={len(latencies)}, {clients} clients, {seconds:.0f} s; "
        f"audit backlog drained {drained:.1f} s after the load)"
    )


def _load(url: str, seconds: float, clients: int) -> list[float]:
    body = json.loads(EXAMPLE.read_text())
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                session.post(url, json=body, timeout=10).raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _wait_for_backlog(base: str) -> float:
    started = time.monotonic()
    while requests.get(f"{base}/health/ready", timeout=5).json()["store"]["backlog"]:
        if time.monotonic() - started > 60:
            raise RuntimeError("the audit backlog did not drain in 60 s")
        time.sleep(0.1)
    return time.monotonic() - started


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: embedded SQLite)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores")
    for workers in sorted({1, os.cpu_count() or 1}):
        run(workers, args.seconds, args.clients, args.database_url)


if __name__ == "__main__":
    main()
