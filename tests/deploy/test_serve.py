"""``pvp-cds serve`` as deployed: several workers counted as one, JSON access log, graceful
SIGTERM. Each test starts the real server in a subprocess on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from devtools.workers import workers_cpu_seconds
from fhir_mappings import codes
from tests.service import fhir
from tests.service.metrics_reading import changes, samples
from tests.service.stub_fhir import StubFhirServer

from . import served

URL = "/cds-services/pvp-residual-back-pain"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = served.start(tmp_path_factory.mktemp("serve"), WORKERS="2")
    yield running
    running.stop()


def scrape(server: served.Served) -> dict:
    return samples(requests.get(server.metrics_url, timeout=5).text)


def test_metrics_count_every_call_whichever_worker_answered_it(server):
    high = fhir.hook_request(
        prefetch_data=fhir.prefetch(
            observations=fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)
        )
    )
    quiet = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[]))
    before = scrape(server)
    # A new connection per call, so that both workers take some.
    for _ in range(6):
        assert requests.post(server.url + URL, json=high, timeout=30).status_code == 200
    for _ in range(4):
        assert requests.post(server.url + URL, json=quiet, timeout=30).status_code == 200
    grown = changes(before, scrape(server), "pvp_cds_hook_calls_total")
    assert {(dict(k)["outcome"], dict(k)["tier"]): v for k, v in grown.items()} == {
        ("card", "high"): 6,
        ("quiet", "none"): 4,
    }


def test_the_metrics_of_an_earlier_run_are_not_counted(tmp_path):
    stale = tmp_path / "metrics"
    stale.mkdir()
    (stale / "counter_12345.db").write_bytes(b"not a metrics file of this run")
    running = served.start(tmp_path)
    try:
        assert "pvp_cds_hook_calls_total{" not in requests.get(running.metrics_url, timeout=5).text
    finally:
        running.stop()
    assert not (stale / "counter_12345.db").exists()


def test_access_log_lines_are_json_of_the_application_log_shape(server):
    requests.get(server.url + "/health/live?patient=Zeta9", timeout=5)

    def access_lines() -> list[dict]:
        lines = [json.loads(line) for line in server.stdout.read_text().splitlines() if line]
        return [line for line in lines if line["logger"] == "gunicorn.access"]

    # gunicorn writes the access line after it has sent the answer.
    _wait_for(lambda: any(line["path"] == "/health/live" for line in access_lines()))
    live = next(line for line in access_lines() if line["path"] == "/health/live")
    assert {"time", "level", "logger", "message"} <= live.keys()
    assert (live["method"], live["status"]) == ("GET", 200)
    assert "Zeta9" not in json.dumps(live)


@pytest.fixture
def slow_fhir():
    server = StubFhirServer(delay=3.0)
    server.answers = {
        f"Patient/{fhir.PATIENT_ID}": (200, fhir.patient()),
        "Procedure": (200, fhir.searchset(fhir.vertebroplasty())),
        "Observation": (200, fhir.searchset(*fhir.findings())),
        "Condition": (200, fhir.searchset()),
    }
    yield server
    server.stop()


def test_sigterm_during_a_slow_call_lets_the_call_finish(tmp_path, slow_fhir):
    running = served.start(
        tmp_path,
        WORKERS="1",
        FHIR_SERVERS=json.dumps([slow_fhir.base_url]),
        ALLOW_HTTP_FHIR="true",
        # A call slower than the default budget, but inside this one: it must finish.
        HOOK_DEADLINE_SECONDS="30",
    )
    body = fhir.hook_request(fhirServer=slow_fhir.base_url)
    del body["prefetch"]
    answers: list[requests.Response] = []
    call = threading.Thread(
        target=lambda: answers.append(requests.post(running.url + URL, json=body, timeout=60))
    )
    call.start()
    try:
        # The call is in flight once the service has asked the FHIR server for something.
        _wait_for(lambda: slow_fhir.requests)
        running.process.terminate()
        call.join(timeout=60)
    finally:
        exit_code = running.stop()
    assert answers and answers[0].status_code == 200
    assert answers[0].json()["cards"]
    assert exit_code == 0


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_connections_opened_at_once_and_kept_are_spread_over_the_workers(server):
    # As a proxy's upstream pool or a load test does: 32 connections, each used many times.
    # Which worker serves a connection shows in the CPU each worker spends.
    before = workers_cpu_seconds(server.process.pid)
    quiet = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[]))
    opened = threading.Barrier(32)

    def keep_calling() -> None:
        with requests.Session() as connection:
            opened.wait(timeout=30)
            for _ in range(15):
                connection.post(server.url + URL, json=quiet, timeout=30).raise_for_status()

    callers = [threading.Thread(target=keep_calling) for _ in range(32)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()

    after = workers_cpu_seconds(server.process.pid)
    spent = [after[pid] - before[pid] for pid in before]
    assert len(spent) == 2
    assert min(spent) >= 0.2 * sum(spent), f"one worker did nearly all the work: {spent}"
