"""The service against the floor, under the same server line and load. Prints numbers;
asserts nothing.

    python benchmarks/bench_hot_path.py [--seconds 5] [--connections 16] [--rounds 5]
                                         [--path quiet|scoring]... [--no-fhir]
                                         [--fhir-latency-ms 50]
                                         [--auth ES384|RS384]... [--no-auth] [--quick]

Starts gunicorn with the line ``pvp-cds serve`` runs, 2 workers (``benchmarks/gunicorn_conf.py``:
gthread workers of 8 threads, keep-alive, the JSON access log, the start-up heap frozen before
the fork) on 127.0.0.1 for the floor app
(``benchmarks/floor_app.py``: bare Flask parsing the hook body as JSON) and for the service,
one after the other, and drives each with wrk (Debian package ``wrk``) on:

- quiet: a patient-view with prefetch and no vertebroplasty (what almost every chart is);
- scoring: the high-risk example (a vertebroplasty and four findings: card + RiskAssessment);
- authenticated quiet and scoring (unless ``--no-auth``), for ES384 and RS384: every request
  carries a new client JWT (signed before the run, its own jti), against the authenticated
  floor (``floor_app.authenticated_app``: PyJWT with the key in memory, iss, aud and exp
  checked, a jti seen before refused, the body parsed); the service verifies it against a
  trusted-client file and checks the jti in its replay store (the default: the SQLite file);
- no-prefetch (unless ``--no-fhir``): the hook reads the real FHIR test server (four queries
  in parallel), one connection at a time, against each of those queries alone: once on
  loopback, once behind a proxy that holds each query ``--fhir-latency-ms`` (the distance of
  an EHR's FHIR API; ``benchmarks/latency_proxy.py``).

The service keeps its audit trail in a new temporary data directory, as on a new install,
and its metrics in files its workers share, as under ``pvp-cds serve``.

Both servers stay up and are measured in turns (floor, service, floor, service...), so a
machine shared with other work slows both alike; the median ratio is the figure to read.
Each line gives the workers' CPU time a request; refused or failed calls are counted
(ERRORS). Targets: quiet >= 0.85x the floor, scoring >= 0.35x with the audit on;
authenticated quiet >= 0.8x the authenticated floor and authenticated scoring >= 0.35x, for
ES384 and RS384; no refused or failed call in any run; quiet p99 <= 15 ms where the floor's
own is under 10 ms; no-prefetch <= 1.2x its slowest query. ``--quick``: one short round of
each, no FHIR server, to iterate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.auth_load import (  # noqa: E402
    ALGORITHMS,
    PUBLIC_BASE_URL,
    Signer,
    TokenSupply,
    floor_environment,
    service_environment,
    token_lines,
)
from benchmarks.latency_proxy import latency_proxy  # noqa: E402
from devtools import demo  # noqa: E402
from devtools.examples import recent  # noqa: E402
from devtools.fhir_test_server import FhirEndpoint, FhirTestServer, load_transaction  # noqa: E402
from devtools.ports import free_port  # noqa: E402
from devtools.synthetic import NAMED_PATIENTS, transaction  # noqa: E402
from devtools.workers import workers_cpu_seconds  # noqa: E402

SERVICE_PATH = "/cds-services/pvp-residual-back-pain"
#: The line ``pvp-cds serve`` runs, with 2 workers (``benchmarks/gunicorn_conf.py``).
GUNICORN = [
    *("--log-level", "warning"),
    *("-c", str(Path(__file__).with_name("gunicorn_conf.py"))),
]
#: Seconds of load before each measured run, discarded: first calls pay for imports and caches.
WARM_UP = 2
#: A run counts as balanced when no worker did more than this share of its work.
BALANCED = 0.65
#: Seconds of quiet between the warm-up and the measured run.
SETTLE = 1.0
# Moved to a recent procedure: the service is quiet a month after one.
SCORING = recent(
    json.loads((ROOT / "examples" / "patient-view-high-risk.json").read_text()),
    datetime.now(UTC).date(),
)


#: In a body, replaced by wrk with a value new for every request it sends.
EACH_REQUEST = "{{each_request}}"  # no Lua pattern character in it


def new_chart_request() -> dict:
    """The scoring request with Observation ids new in every request: nothing the service
    validated before is sent again, as when every call is about a chart not seen before."""
    body = json.loads(json.dumps(SCORING))
    for entry in body["prefetch"]["observations"]["entry"]:
        entry["resource"]["id"] += f"-{EACH_REQUEST}"
    return body


def quiet_request() -> dict:
    body = json.loads(json.dumps(SCORING))
    body["prefetch"]["procedures"] = None
    return body


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    #: Each worker's share of the run's CPU, busiest first (see cpu_shares).
    cpu_shares: tuple[float, ...] = ()
    #: The workers' CPU time (user and system) over the requests served, in ms a request.
    cpu_ms_per_request: float | None = None

    @property
    def balanced(self) -> bool:
        return not self.cpu_shares or self.cpu_shares[0] <= BALANCED

    def line(self, label: str) -> str:
        return (
            f"{label:<44} {self.requests_per_second:6.0f} req/s   p50 {self.p50_ms:6.2f} ms   "
            f"p99 {self.p99_ms:6.2f} ms"
            + (
                "   workers " + " / ".join(f"{s:.0%}" for s in self.cpu_shares)
                if self.cpu_shares
                else ""
            )
            + (
                f"   CPU {self.cpu_ms_per_request:.2f} ms/req"
                if self.cpu_ms_per_request is not None
                else ""
            )
            + (f"   ERRORS {self.errors}" if self.errors else "")
        )


def wrk(
    url: str,
    *,
    body: dict | None,
    headers: dict[str, str],
    seconds: int,
    connections: int,
    before_measuring: Callable[[], None] = lambda: None,
    tokens: TokenSupply | None = None,
) -> Load:
    """One wrk run; a POST of ``body`` as JSON, or a GET when ``body`` is None; with
    ``tokens``, each request carries the next client JWT."""
    if seconds > WARM_UP:
        wrk(
            url,
            body=body,
            headers=headers,
            seconds=WARM_UP,
            connections=connections,
            tokens=tokens,
        )
        # Let the server finish what the warm-up left (the audit mover, closing connections):
        # a worker still busy when wrk opens its connections loses them all to the other one.
        time.sleep(SETTLE)
    before_measuring()
    lines = [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    if body is not None:
        lines += ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
        lines += _body_lines(json.dumps(body))
    threads = min(2, connections)
    if tokens is not None:
        lines += token_lines(tokens.file_for(seconds), threads)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    return Load(
        float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        _percentile(output, "50%"),
        _percentile(output, "99%"),
        _errors(output),
    )


def _body_lines(text: str) -> list[str]:
    if EACH_REQUEST not in text:
        return [f"wrk.body = [==[{text}]==]"]
    # Each wrk thread runs its own copy of the script: the thread's number (set in the main
    # one) and a count make the value new; the run's own number keeps it new across runs.
    run = uuid.uuid4().hex[:8]
    return [
        f"local template = [==[{text}]==]",
        "local threads, sent = 0, 0",
        "function setup(thread)",
        "  threads = threads + 1",
        f'  thread:set("prefix", "{run}-" .. threads .. "-")',
        "end",
        "function request()",
        "  sent = sent + 1",
        f'  local body = template:gsub("{EACH_REQUEST}", prefix .. sent)',
        "  return wrk.format(nil, nil, nil, body)",
        "end",
    ]


def _percentile(output: str, which: str) -> float:
    value, unit = re.search(rf"^\s+{which}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def _errors(output: str) -> int:
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    count = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        count += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return count


def cpu_shares(before: dict[int, float], after: dict[int, float]) -> tuple[float, ...]:
    """How a run's work fell on the workers, busiest first. wrk opens its connections at the
    start of a run and keeps them; which worker accepts each is up to the workers' race, and
    a run where one worker got most of them is bound to that one worker's core."""
    used = [after[w] - before.get(w, 0.0) for w in after]
    total = sum(used) or 1.0
    return tuple(sorted((u / total for u in used), reverse=True))


@dataclass(frozen=True)
class Served:
    base: str
    master: int


@contextmanager
def gunicorn(app: str, environment: dict[str, str]) -> Iterator[Served]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}", app]
    if "PVP_CDS_DATA_DIR" in environment:
        # The service keeps its metrics as ``pvp-cds serve`` does: each worker in files of a
        # directory shared by the workers (prometheus_client's multiprocess mode).
        metrics_dir = Path(environment["PVP_CDS_DATA_DIR"]) / "metrics"
        metrics_dir.mkdir(exist_ok=True)
        environment = {**environment, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield Served(base, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=15)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.post(base + SERVICE_PATH, json={}, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not come up")


SERVICE_ENV = {"PVP_CDS_AUTHENTICATION": "off"}


PREFETCH_PATHS = ("quiet", "scoring", "scoring-new-chart")


def bench_prefetch_paths(seconds: int, connections: int, rounds: int, names: list[str]) -> None:
    """Both servers up at once (idle, one does not load the other), measured in turns:
    floor, service, floor, service... so that a busy spell of the machine hits both."""
    bodies = {
        "quiet": quiet_request(),
        "scoring": SCORING,
        "scoring-new-chart": new_chart_request(),
    }
    paths = {name: bodies[name] for name in names}
    with (
        # An empty audit trail, as on a new install, and not the user's own.
        tempfile.TemporaryDirectory() as data_dir,
        gunicorn("benchmarks.floor_app:app", {}) as floor_server,
        gunicorn(
            "cds_service:create_app()", {**SERVICE_ENV, "PVP_CDS_DATA_DIR": data_dir}
        ) as service_server,
    ):
        for name, body in paths.items():
            print(f"-- {name}: {connections} connections, {seconds} s per run, {rounds} rounds")
            ratios, balanced = [], []
            for _ in range(rounds):
                floor = _measured(floor_server, body, seconds, connections)
                service = _measured(service_server, body, seconds, connections)
                print(floor.line(f"{name}: floor (bare Flask + JSON)"))
                print(service.line(f"{name}: pvp-cds"))
                ratio = service.requests_per_second / floor.requests_per_second
                ratios.append(ratio)
                if floor.balanced and service.balanced:
                    balanced.append(ratio)
            _print_ratio(name, ratios, balanced)


def _print_ratio(name: str, ratios: list[float], balanced: list[float]) -> None:
    listed = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"{name}: ratio to the floor, median {statistics.median(ratios):.2f}x ({listed})")
    if balanced and len(balanced) < len(ratios):
        print(
            f"{name}: median of the {len(balanced)} rounds where neither server had a worker "
            f"doing more than {BALANCED:.0%} of the work: {statistics.median(balanced):.2f}x"
        )


def _measured(
    server: Served, body: dict, seconds: int, connections: int, tokens: TokenSupply | None = None
) -> Load:
    before: dict[int, float] = {}
    load = wrk(
        server.base + SERVICE_PATH,
        body=body,
        headers={},
        seconds=seconds,
        connections=connections,
        before_measuring=lambda: before.update(workers_cpu_seconds(server.master)),
        tokens=tokens,
    )
    after = workers_cpu_seconds(server.master)
    used = sum(after[w] - before.get(w, 0.0) for w in after)
    served = load.requests_per_second * seconds
    return replace(
        load,
        cpu_shares=cpu_shares(before, after),
        cpu_ms_per_request=used / served * 1000 if served else None,
    )


AUTHENTICATED_PATHS = ("quiet", "scoring")


def bench_authenticated(
    seconds: int, connections: int, rounds: int, algorithms: list[str], rate: int
) -> None:
    """Every request with a new client JWT, against the authenticated floor; both servers
    up at once and measured in turns, each sent the same tokens (each once)."""
    bodies = {"quiet": quiet_request(), "scoring": SCORING}
    for alg in algorithms:
        signer = Signer.new(alg)
        with (
            tempfile.TemporaryDirectory() as keys,
            tempfile.TemporaryDirectory() as data_dir,
            gunicorn(
                "benchmarks.floor_app:authenticated_app()",
                floor_environment(signer, Path(keys), SERVICE_PATH),
            ) as floor_server,
            gunicorn(
                "cds_service:create_app()",
                {**service_environment(signer, Path(keys)), "PVP_CDS_DATA_DIR": data_dir},
            ) as service_server,
        ):
            for name in AUTHENTICATED_PATHS:
                label = f"{name} {alg}"
                print(
                    f"-- {label}, authenticated: {connections} connections, {seconds} s per "
                    f"run, {rounds} rounds"
                )
                ratios, balanced, cpu_ratios = [], [], []
                for _ in range(rounds):
                    tokens = TokenSupply(signer, PUBLIC_BASE_URL + SERVICE_PATH, rate)
                    try:
                        floor = _measured(floor_server, bodies[name], seconds, connections, tokens)
                        tokens.rewind()
                        service = _measured(
                            service_server, bodies[name], seconds, connections, tokens
                        )
                    finally:
                        tokens.close()
                    print(floor.line(f"{label}: floor (Flask + PyJWT + JSON)"))
                    print(service.line(f"{label}: pvp-cds"))
                    ratio = service.requests_per_second / floor.requests_per_second
                    ratios.append(ratio)
                    if floor.balanced and service.balanced:
                        balanced.append(ratio)
                    if floor.cpu_ms_per_request and service.cpu_ms_per_request:
                        cpu_ratios.append(floor.cpu_ms_per_request / service.cpu_ms_per_request)
                _print_ratio(label, ratios, balanced)
                if cpu_ratios:
                    print(
                        f"{label}: floor's CPU a request over the service's, median "
                        f"{statistics.median(cpu_ratios):.2f}x"
                    )


def bench_no_prefetch(seconds: int, latency_ms: int) -> None:
    """One connection, the real FHIR test server: as it answers on loopback (a few ms a
    query, so the service's own work is most of the hook call), then behind a proxy that
    holds each query ``latency_ms``, as far away as an EHR's FHIR API is."""
    with FhirTestServer() as fhir:
        load_transaction(fhir.endpoint, transaction(NAMED_PATIENTS))
        _no_prefetch_run("loopback", fhir.endpoint, seconds)
        with latency_proxy(fhir.base_url, latency_ms / 1000) as proxy:
            endpoint = FhirEndpoint(proxy, fhir.endpoint.token)
            _no_prefetch_run(f"{latency_ms} ms a query", endpoint, seconds)


def _no_prefetch_run(label: str, endpoint: FhirEndpoint, seconds: int) -> None:
    print(f"-- no prefetch, FHIR server {label}: one connection")
    body = demo.hook_request("pvp-high-risk", endpoint)
    headers = {"Authorization": f"Bearer {endpoint.token}"} if endpoint.token else {}
    environment = {
        **SERVICE_ENV,
        "PVP_CDS_FHIR_SERVERS": json.dumps([endpoint.base_url]),
        "PVP_CDS_ALLOW_HTTP_FHIR": "true",
    }
    slowest = 0.0
    for query in _queries(body):
        load = wrk(
            f"{endpoint.base_url}/{query}",
            body=None,
            headers=headers,
            seconds=seconds,
            connections=1,
        )
        print(load.line(f"FHIR GET {query.split('?')[0]}"))
        slowest = max(slowest, load.p50_ms)
    with (
        tempfile.TemporaryDirectory() as data_dir,
        gunicorn(
            "cds_service:create_app()", {**environment, "PVP_CDS_DATA_DIR": data_dir}
        ) as served,
    ):
        hook = wrk(
            served.base + SERVICE_PATH, body=body, headers={}, seconds=seconds, connections=1
        )
    print(hook.line("hook call, no prefetch"))
    print(f"no-prefetch ({label}): p50 {hook.p50_ms / slowest:.2f}x its slowest single query")


def _queries(body: dict) -> list[str]:
    """The service's prefetch queries for this request, as it would send them."""
    from cds_service.prefetch import fill_template
    from cds_service.services import build_services
    from fhir_mappings import load_mapping_config, search_codes

    service = build_services(search_codes(load_mapping_config()))["pvp-residual-back-pain"]
    return [fill_template(t, body["context"]) for t in service.prefetch.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-fhir", action="store_true", help="skip the no-prefetch path")
    parser.add_argument(
        "--fhir-latency-ms",
        type=int,
        default=50,
        help="what the proxy adds to each FHIR query in the second no-prefetch run",
    )
    parser.add_argument(
        "--path", action="append", choices=PREFETCH_PATHS, help="only these prefetch paths"
    )
    parser.add_argument(
        "--auth", action="append", choices=ALGORITHMS, help="only these authenticated runs"
    )
    parser.add_argument("--no-auth", action="store_true", help="skip the authenticated runs")
    parser.add_argument(
        "--token-rate",
        type=int,
        default=10_000,
        help="client JWTs signed for each second of an authenticated run (more than a server "
        "answers: a token sent twice is refused; the RS384 floor answered up to 6,000 a second "
        "on 2 cores, and 4,000 left it refusing thousands of reused tokens a run)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="one 3-second round of each path, no FHIR server"
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds, args.no_fhir = 3, 1, True
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.path or not args.auth:
        bench_prefetch_paths(
            args.seconds, args.connections, args.rounds, args.path or PREFETCH_PATHS
        )
    if not args.no_auth:
        bench_authenticated(
            args.seconds,
            args.connections,
            args.rounds,
            args.auth or list(ALGORITHMS),
            args.token_rate,
        )
    if not args.no_fhir:
        bench_no_prefetch(args.seconds, args.fhir_latency_ms)


if __name__ == "__main__":
    main()
