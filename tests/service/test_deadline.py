"""One time budget per hook call covers every FHIR query and page: when it runs out the
answer is 412 naming the data that did not arrive, whatever way the FHIR server is late."""

from __future__ import annotations

import logging
import time

import pytest

from cds_service import create_app
from cds_service.errors import StartupError
from fhir_mappings import codes

from . import fhir
from .conftest import SchemaCheckingClient
from .slow_fhir import LateFhirServer, Lateness

URL = "/cds-services/pvp-residual-back-pain"
BUDGET = 0.5
#: Far longer than the budget: an answer before this did not wait for the late server.
LATE_SERVER_HOLDS = 20.0
ANSWERED_WELL_BEFORE = 8.0


def answers() -> dict:
    return {
        f"Patient/{fhir.PATIENT_ID}": fhir.patient(),
        "Procedure": fhir.searchset(fhir.vertebroplasty()),
        "Observation": fhir.searchset(*fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)),
        "Condition": fhir.searchset(),
    }


def client_for(server: LateFhirServer):
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [server.base_url],
            "ALLOW_HTTP_FHIR": True,
            # Per-read timeouts far above the budget: only the budget can stop these reads.
            "FHIR_READ_TIMEOUT": LATE_SERVER_HOLDS,
            "FHIR_CONNECT_TIMEOUT": LATE_SERVER_HOLDS,
            "HOOK_DEADLINE_SECONDS": BUDGET,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


@pytest.fixture(params=list(Lateness))
def late_observations(request):
    server = LateFhirServer(
        request.param, late_paths=("Observation",), answers=answers(), delay=LATE_SERVER_HOLDS
    )
    yield server
    server.stop()


def without_prefetch(server_url: str, prefetch: dict | None = None) -> dict:
    body = fhir.hook_request(prefetch_data=prefetch or {}, fhirServer=server_url)
    if prefetch is None:
        del body["prefetch"]
    return body


def timed_post(client, body):
    started = time.monotonic()
    response = client.post(URL, json=body)
    return response, time.monotonic() - started


def diagnostics(response) -> list[str]:
    return [issue["diagnostics"] for issue in response.get_json()["issue"]]


def test_late_fhir_server_gives_412_naming_the_data_that_did_not_arrive(late_observations):
    client = client_for(late_observations)
    response, _ = timed_post(client, without_prefetch(late_observations.base_url))
    assert response.status_code == 412
    assert diagnostics(response) == [
        "prefetch 'observations' did not arrive from the FHIR server within the 0.5 s budget "
        "of this hook call"
    ]
    assert response.get_json()["issue"][0]["code"] == "timeout"


def test_late_fhir_server_does_not_hold_the_answer(late_observations):
    client = client_for(late_observations)
    _, elapsed = timed_post(client, without_prefetch(late_observations.base_url))
    assert elapsed < ANSWERED_WELL_BEFORE


def test_a_late_answer_is_counted_in_the_logs(late_observations, caplog):
    client = client_for(late_observations)
    with caplog.at_level(logging.WARNING, logger="cds_service.prefetch"):
        client.post(URL, json=without_prefetch(late_observations.base_url))
    # patient-view asks for five keys: patient, procedures, observations, conditions and the
    # RiskAssessments on record.
    assert "hook deadline: 1 of 5 FHIR queries late after 0.5 s" in caplog.messages


def test_next_page_of_a_partial_prefetch_that_is_late_gives_412_naming_its_key():
    server = LateFhirServer(
        Lateness.STALLS_MID_BODY,
        late_paths=("Observation-page-2",),
        answers={"Observation-page-2": fhir.searchset(*fhir.findings())},
    )
    try:
        prefetch = {
            **fhir.prefetch(),
            "observations": fhir.searchset(next_url=f"{server.base_url}/Observation-page-2"),
        }
        response, elapsed = timed_post(
            client_for(server), without_prefetch(server.base_url, prefetch)
        )
    finally:
        server.stop()
    assert response.status_code == 412
    assert "prefetch 'observations' did not arrive" in diagnostics(response)[0]
    assert elapsed < ANSWERED_WELL_BEFORE


def test_fhir_server_within_the_budget_gets_a_card():
    server = LateFhirServer(
        Lateness.SLOW, late_paths=("Observation",), answers=answers(), delay=0.05
    )
    try:
        response = client_for(server).post(URL, json=without_prefetch(server.base_url))
    finally:
        server.stop()
    assert response.status_code == 200
    assert "64%" in response.get_json()["cards"][0]["summary"]


def test_hook_deadline_must_be_positive():
    with pytest.raises(StartupError, match="PVP_CDS_HOOK_DEADLINE_SECONDS"):
        create_app({"AUTHENTICATION": "off", "HOOK_DEADLINE_SECONDS": 0})


def test_late_optional_data_is_left_out_not_a_412():
    # The RiskAssessments on record are optional: late, they are not known, and the card comes.
    server = LateFhirServer(
        Lateness.NEVER_ANSWERS, late_paths=("RiskAssessment",), answers=answers()
    )
    try:
        response = client_for(server).post(URL, json=without_prefetch(server.base_url))
    finally:
        server.stop()
    assert response.status_code == 200
    assert response.get_json()["cards"]
