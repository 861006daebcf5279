"""Load test of ``pvp-cds serve`` as deployed: authentication on, several workers, a hospital's
mix of calls. Prints numbers; asserts nothing.

    pip install -e '.[bench]'
    python benchmarks/load_test.py [--seconds 20] [--users 16] [--workers N] [--mix 90,8,2]

On 127.0.0.1 only: starts the FHIR test server (loaded with the named synthetic patients), a
trusted CDS client (an ES384 key pair made here, its JWK Set in a file), ``pvp-cds serve`` with
client authentication required and its metrics port, and locust headless for a bounded time.
Every call carries a newly signed JWT. Prints locust's throughput and p50/p95/p99, then the
service's own view of the same run from its metrics endpoint.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cds_service.serving import available_cores  # noqa: E402
from devtools import demo  # noqa: E402
from devtools.examples import recent  # noqa: E402
from devtools.fhir_test_server import FhirTestServer, load_transaction  # noqa: E402
from devtools.ports import free_ports  # noqa: E402
from devtools.synthetic import NAMED_PATIENTS, transaction  # noqa: E402

ISSUER = "https://ehr.bench.example.org/"
KID = "bench-key-1"
EXAMPLE = ROOT / "examples" / "patient-view-high-risk.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20, help="how long locust runs")
    parser.add_argument("--users", type=int, default=16, help="concurrent EHR users")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: one per core)")
    parser.add_argument("--mix", default="90,8,2", help="weights: quiet,scoring,no-prefetch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pvp-cds-load-") as scratch, FhirTestServer() as fhir:
        work = Path(scratch)
        load_transaction(fhir.endpoint, transaction(NAMED_PATIENTS))
        write_requests(work, fhir)
        write_trusted_client(work, fhir.base_url)
        port, metrics_port = free_ports(2)
        service = start_service(work, port, metrics_port, args.workers)
        try:
            before, cpu_before = scrape(metrics_port), cpu_seconds(service.pid)
            run_locust(work, port, args)
            after, cpu_after = scrape(metrics_port), cpu_seconds(service.pid)
        finally:
            service.terminate()
            service.wait(timeout=60)
        report_locust(work / "locust_stats.csv", args)
        calls = report_metrics(before, after)
        report_cpu(cpu_after - cpu_before, calls)


def write_requests(work: Path, fhir: FhirTestServer) -> None:
    # Moved to a recent procedure: the service is quiet a month after it.
    scoring = recent(json.loads(EXAMPLE.read_text()), datetime.now(UTC).date())
    quiet = json.loads(json.dumps(scoring))
    # The EHR searched and found no vertebroplasty: known empty, nothing to read.
    quiet["prefetch"].update(procedures=None, observations=None, conditions=None)
    no_prefetch = demo.hook_request("pvp-high-risk", fhir.endpoint)
    bodies = {"quiet": quiet, "scoring": scoring, "no_prefetch": no_prefetch}
    (work / "requests.json").write_text(json.dumps(bodies))


def write_trusted_client(work: Path, fhir_base_url: str) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    (work / "client.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"kid": KID, "alg": "ES384"}
    (work / "client.jwks.json").write_text(json.dumps({"keys": [jwk]}))
    clients = {
        "clients": [
            {"issuer": ISSUER, "jwks_file": "client.jwks.json", "fhir_servers": [fhir_base_url]}
        ]
    }
    (work / "trusted-clients.yaml").write_text(yaml.safe_dump(clients))


def start_service(
    work: Path, port: int, metrics_port: int, workers: int | None
) -> subprocess.Popen:
    environment = {
        **os.environ,
        "PVP_CDS_TRUSTED_CLIENTS_FILE": str(work / "trusted-clients.yaml"),
        "PVP_CDS_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PVP_CDS_ALLOW_HTTP_FHIR": "true",
        "PVP_CDS_METRICS_PORT": str(metrics_port),
        "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics"),
    }
    if workers is not None:
        environment["PVP_CDS_WORKERS"] = str(workers)
    command = [sys.executable, "-m", "pvp_cds", "serve", "--port", str(port)]
    log = (work / "serve.log").open("w")
    service = subprocess.Popen(command, env=environment, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).ok:
                return service
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    service.terminate()
    raise RuntimeError(f"pvp-cds serve did not start: {(work / 'serve.log').read_text()[-2000:]}")


def run_locust(work: Path, port: int, args: argparse.Namespace) -> None:
    environment = {
        **os.environ,
        "PVP_BENCH_KEY": str(work / "client.pem"),
        "PVP_BENCH_KID": KID,
        "PVP_BENCH_ISSUER": ISSUER,
        "PVP_BENCH_REQUESTS": str(work / "requests.json"),
        "PVP_BENCH_MIX": args.mix,
    }
    command = [
        sys.executable, "-m", "locust", "--headless", "--only-summary",
        "-f", str(ROOT / "benchmarks" / "locustfile.py"),
        "--host", f"http://127.0.0.1:{port}",
        "--users", str(args.users), "--spawn-rate", str(args.users),
        "--run-time", f"{args.seconds}s", "--stop-timeout", "10",
        "--csv", str(work / "locust"), "--loglevel", "WARNING",
    ]  # fmt: skip
    with (work / "locust.log").open("w") as log:
        subprocess.run(command, env=environment, check=False, stdout=log, stderr=log)


def report_locust(stats: Path, args: argparse.Namespace) -> None:
    workers = args.workers or f"{available_cores()} (one per core)"
    print(
        f"pvp-cds serve, {workers} worker(s), {args.users} users, {args.seconds} s, mix {args.mix}"
    )
    print(
        f"{'calls':<12}{'count':>8}{'failed':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    )
    with stats.open() as rows:
        for row in csv.DictReader(rows):
            name = row["Name"] if row["Name"] != "Aggregated" else "all"
            print(
                f"{name:<12}{row['Request Count']:>8}{row['Failure Count']:>8}"
                f"{float(row['Requests/s']):>9.1f}{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}"
            )


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its child processes (the workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = 0
    for process in (pid, *map(int, children)):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def report_cpu(seconds: float, calls: float) -> None:
    """The sizing figure: service CPU per call, whatever else the machine was doing."""
    per_call = seconds / calls
    print(
        f"service CPU: {seconds:.1f} s for {calls:.0f} calls = {per_call * 1e3:.1f} ms per call, "
        f"so about {1 / per_call:.0f} calls/s per fully used core"
    )


def report_metrics(before: dict, after: dict) -> float:
    print("the service's metrics for the same run:")
    grown = {key: after[key] - before.get(key, 0.0) for key in after}
    for (name, labels), count in sorted(grown.items()):
        if name == "pvp_cds_hook_calls_total" and count:
            print(f"  hook calls {dict(labels)}: {count:.0f}")
    for (name, labels), count in sorted(grown.items()):
        if name == "pvp_cds_authentication_refusals_total" and count:
            print(f"  authentication refusals {dict(labels)}: {count:.0f}")
    for (name, labels), count in sorted(grown.items()):
        if name == "pvp_cds_fhir_queries_total" and count:
            print(f"  FHIR queries {dict(labels)}: {count:.0f}")
    calls = sum(count for (name, _), count in grown.items() if name == "pvp_cds_hook_calls_total")
    route = ("route", "/cds-services/<service_id>")
    buckets = sorted(
        (float(dict(labels)["le"]), count)
        for (name, labels), count in grown.items()
        if name == "pvp_cds_http_request_duration_seconds_bucket" and route in labels
    )
    total = buckets[-1][1] if buckets else 0
    for quantile in (0.5, 0.95, 0.99):
        bound = next((le for le, count in buckets if count >= quantile * total), None)
        print(f"  service-side p{quantile * 100:g}: <= {bound * 1e3:g} ms (histogram bucket)")
    return calls


def scrape(metrics_port: int) -> dict:
    text = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


if __name__ == "__main__":
    main()
