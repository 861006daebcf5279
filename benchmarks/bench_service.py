"""Where a hook call's time goes. Prints numbers; asserts nothing.

    python benchmarks/bench_service.py [--requests N] [--fhir] [--http]

Measures, in this process: the scoring core alone, FHIR parsing and mapping of a typical
prefetch, a whole hook call through the Flask app (in-process), and start-up. With ``--fhir``,
also a hook call with no prefetch against the real FHIR test server on 127.0.0.1 (four queries),
with the queries in parallel and one at a time. With ``--http``, throughput and latency of
``pvp-cds serve`` (gunicorn, one process, 8 threads) under 8 concurrent clients.

Targets: a hook call well under the ~500 ms the CDS Hooks spec suggests a client waits;
start-up (model, mappings, schemas) paid once, not per request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cds_service import create_app  # noqa: E402
from devtools import demo  # noqa: E402
from devtools.examples import recent  # noqa: E402
from devtools.fhir_test_server import FhirTestServer, load_transaction  # noqa: E402
from devtools.synthetic import NAMED_PATIENTS, transaction  # noqa: E402
from fhir_mappings import assess, load_mapping_config, resources_from  # noqa: E402
from scoring import RiskTiers, load_model, predict  # noqa: E402

EXAMPLE = ROOT / "examples" / "patient-view-high-risk.json"


def timed(label: str, action: Callable[[], object], repeat: int) -> None:
    action()  # warm up: first-call imports and caches are start-up cost, not per request
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(f"{label:<44} p50 {p50 * 1e3:8.3f} ms   p95 {p95 * 1e3:8.3f} ms   (n={repeat})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--fhir", action="store_true", help="also time the no-prefetch path")
    parser.add_argument("--http", action="store_true", help="also load pvp-cds serve over HTTP")
    args = parser.parse_args()
    n = args.requests
    # Moved to a recent procedure: the service is quiet more than 35 days after it.
    request = recent(json.loads(EXAMPLE.read_text()), datetime.now(UTC).date())

    started = time.perf_counter()
    app = create_app({"AUTHENTICATION": "off"})
    print(f"{'start-up (create_app)':<44} {(time.perf_counter() - started) * 1e3:8.1f} ms")

    model = load_model()
    tiers = RiskTiers.for_model(model)
    findings = {
        "intravertebral_vacuum_cleft": True,
        "posterior_fascia_oedema": None,
        "goutallier_grade": 3,
        "cement_distribution": "blocky",
    }
    timed("scoring core: predict (one unknown)", lambda: predict(model, findings, tiers), n * 20)

    mapping = load_mapping_config()
    prefetch = request["prefetch"]

    def map_prefetch() -> object:
        resources = [r for value in prefetch.values() if value for r in resources_from(value)]
        return assess(resources, request["context"]["patientId"], mapping, now=datetime.now(UTC))

    timed("fhir_mappings: parse + assess prefetch", map_prefetch, n)

    client = app.test_client()
    url = "/cds-services/pvp-residual-back-pain"
    timed("hook call with prefetch (Flask, in-process)", lambda: client.post(url, json=request), n)
    timed("discovery (Flask, in-process)", lambda: client.get("/cds-services"), n)
    if args.fhir:
        bench_no_prefetch(url, max(n // 10, 20))
    if args.http:
        bench_http(request, n * 4)


def bench_no_prefetch(url: str, n: int) -> None:
    with FhirTestServer() as fhir:
        load_transaction(fhir.endpoint, transaction(NAMED_PATIENTS))
        request = demo.hook_request("pvp-high-risk", fhir.endpoint)
        for workers in (8, 1):
            client = create_app(
                {
                    "AUTHENTICATION": "off",
                    "FHIR_SERVERS": [fhir.base_url],
                    "ALLOW_HTTP_FHIR": True,
                    "FHIR_WORKERS": workers,
                }
            ).test_client()
            label = f"hook call, no prefetch, {workers} FHIR worker(s)"
            timed(label, lambda client=client: client.post(url, json=request), n)


def bench_http(request: dict, total: int, clients: int = 8, port: int = 8765) -> None:
    environment = {**os.environ, "PVP_CDS_AUTHENTICATION": "off", "PVP_CDS_WORKERS": "1"}
    command = [sys.executable, "-m", "pvp_cds", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/cds-services/pvp-residual-back-pain"
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health")
        sessions = [requests.Session() for _ in range(clients)]

        def one(index: int) -> float:
            started = time.perf_counter()
            response = sessions[index % clients].post(url, json=request, timeout=10)
            response.raise_for_status()
            return time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            latencies = sorted(pool.map(one, range(total)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"{'HTTP, pvp-cds serve, 8 concurrent clients':<44} p50 {p50 * 1e3:8.3f} ms   "
        f"p95 {p95 * 1e3:8.3f} ms   {total / elapsed:7.0f} req/s (n={total})"
    )


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


if __name__ == "__main__":
    main()
