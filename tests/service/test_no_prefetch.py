"""Prefetch not fulfilled: the service reads the EHR's FHIR server with the token it was given."""

from __future__ import annotations

import pytest

from cds_service import create_app
from fhir_mappings import codes

from . import fhir
from .conftest import SchemaCheckingClient
from .stub_fhir import StubFhirServer

URL = "/cds-services/pvp-residual-back-pain"
TOKEN = "some-opaque-access-token"


@pytest.fixture
def fhir_server():
    server = StubFhirServer()
    server.answers = {
        f"Patient/{fhir.PATIENT_ID}": (200, fhir.patient()),
        "Procedure": (200, fhir.searchset(fhir.vertebroplasty())),
        "Observation": (
            200,
            fhir.searchset(*fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)),
        ),
        "Condition": (200, fhir.searchset()),
        "RiskAssessment": (200, fhir.searchset()),
    }
    yield server
    server.stop()


@pytest.fixture
def app(fhir_server):
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [fhir_server.base_url],
            "ALLOW_HTTP_FHIR": True,
            "FHIR_READ_TIMEOUT": 0.5,
            "FHIR_MAX_PAGES": 3,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app


def request_without_prefetch(server_url, token=TOKEN, **extra):
    body = fhir.hook_request(prefetch_data={}, fhirServer=server_url, **extra)
    del body["prefetch"]
    if token is not None:
        body["fhirAuthorization"] = fhir.fhir_authorization(token)
    return body


def test_missing_prefetch_is_read_from_the_fhir_server_with_the_bearer_token(client, fhir_server):
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert response.status_code == 200
    assert "64%" in response.get_json()["cards"][0]["summary"]
    assert {r.headers.get("Authorization") for r in fhir_server.requests} == {f"Bearer {TOKEN}"}
    assert {r.headers.get("Accept") for r in fhir_server.requests} == {"application/fhir+json"}


def test_queries_use_the_prefetch_templates_search_by_patient_and_code(client, fhir_server):
    client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    observation_query = next(r for r in fhir_server.requests if r.path == "Observation")
    assert observation_query.query["patient"] == [fhir.PATIENT_ID]
    assert codes.IVC.token in observation_query.query["code"][0].split(",")


def test_only_unfulfilled_prefetch_keys_are_queried(client, fhir_server):
    body = request_without_prefetch(fhir_server.base_url)
    body["prefetch"] = {
        "patient": fhir.patient(),
        "procedures": fhir.searchset(fhir.vertebroplasty()),
    }
    assert client.post(URL, json=body).status_code == 200
    assert sorted(r.path for r in fhir_server.requests) == [
        "Condition",
        "Observation",
        "RiskAssessment",
    ]


def test_operation_outcome_in_prefetch_means_failed_and_is_queried_again(client, fhir_server):
    body = request_without_prefetch(fhir_server.base_url)
    failed = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    body["prefetch"] = {**fhir.prefetch(), "observations": failed}
    assert client.post(URL, json=body).status_code == 200
    assert [r.path for r in fhir_server.requests] == ["Observation"]


def test_server_without_a_token_is_queried_without_authorization(client, fhir_server):
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url, token=None))
    assert response.status_code == 200
    assert all("Authorization" not in r.headers for r in fhir_server.requests)


def test_next_links_are_followed_to_the_last_page(client, fhir_server):
    ivc, oedema, goutallier, cement = fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)
    fhir_server.answers["Observation"] = (
        200,
        fhir.searchset(ivc, oedema, next_url=f"{fhir_server.base_url}/Observation-page-2"),
    )
    fhir_server.answers["Observation-page-2"] = (200, fhir.searchset(goutallier, cement))
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert "64%" in response.get_json()["cards"][0]["summary"]


def test_more_pages_than_the_bound_is_412(client, fhir_server):
    for page in range(5):
        fhir_server.answers[f"Observation-{page}" if page else "Observation"] = (
            200,
            fhir.searchset(next_url=f"{fhir_server.base_url}/Observation-{page + 1}"),
        )
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert response.status_code == 412
    assert "more than 3 pages" in response.get_json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "next_url", ["http://127.0.0.2:9/fhir/Observation?page=2", "http://[::1/fhir/Observation"]
)
def test_next_link_to_another_server_is_not_followed(client, fhir_server, next_url):
    fhir_server.answers["Observation"] = (200, fhir.searchset(next_url=next_url))
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert response.status_code == 412
    assert len([r for r in fhir_server.requests if r.path.startswith("Observation")]) == 1


@pytest.mark.parametrize("status", [401, 403])
def test_fhir_server_refusing_the_token_is_412(client, fhir_server, status):
    fhir_server.answers["Observation"] = (status, {"resourceType": "OperationOutcome", "issue": []})
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert response.status_code == 412
    assert "refused the access token" in response.get_json()["issue"][0]["diagnostics"]


def test_fhir_server_error_is_412(client, fhir_server):
    fhir_server.answers["Procedure"] = (500, {"resourceType": "OperationOutcome", "issue": []})
    assert client.post(URL, json=request_without_prefetch(fhir_server.base_url)).status_code == 412


def test_slow_fhir_server_is_412_after_the_read_timeout(client, fhir_server):
    fhir_server.delay = 1.0
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert response.status_code == 412
    assert "did not answer in time" in response.get_json()["issue"][0]["diagnostics"]


def test_stopped_fhir_server_is_412(client, fhir_server):
    url = fhir_server.base_url
    fhir_server.stop()
    response = client.post(URL, json=request_without_prefetch(url))
    assert response.status_code == 412
    assert "could not be reached" in response.get_json()["issue"][0]["diagnostics"]


def test_unfulfilled_prefetch_without_fhir_server_is_412_naming_the_keys(client):
    body = fhir.hook_request(prefetch_data={"patient": fhir.patient()})
    response = client.post(URL, json=body)
    assert response.status_code == 412
    diagnostics = [issue["diagnostics"] for issue in response.get_json()["issue"]]
    assert (
        "prefetch 'procedures' was not provided and the request has no fhirServer" in diagnostics[0]
    )


def test_partial_prefetch_bundle_pages_are_read_from_the_fhir_server(client, fhir_server):
    ivc, oedema, goutallier, cement = fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)
    fhir_server.answers["Observation-page-2"] = (200, fhir.searchset(goutallier, cement))
    body = request_without_prefetch(fhir_server.base_url)
    body["prefetch"] = {
        **fhir.prefetch(),
        "observations": fhir.searchset(
            ivc, oedema, next_url=f"{fhir_server.base_url}/Observation-page-2"
        ),
    }
    response = client.post(URL, json=body)
    assert "64%" in response.get_json()["cards"][0]["summary"]
    assert [r.path for r in fhir_server.requests] == ["Observation-page-2"]


def test_next_link_that_is_not_a_url_is_400_not_followed(client, fhir_server):
    body = request_without_prefetch(fhir_server.base_url)
    body["prefetch"] = {**fhir.prefetch(), "observations": fhir.searchset()}
    body["prefetch"]["observations"]["link"] = [{"relation": "next", "url": 5}]
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert "link" in response.get_json()["issue"][0]["diagnostics"]
    assert fhir_server.requests == []


def test_server_that_cannot_search_risk_assessments_still_gets_the_card_without_a_record(
    client, fhir_server
):
    # A strict server that has no patient search for RiskAssessment answers 400.
    fhir_server.answers["RiskAssessment"] = (
        400,
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "not-supported"}],
        },
    )
    response = client.post(URL, json=request_without_prefetch(fhir_server.base_url))
    assert response.status_code == 200
    body = response.get_json()
    assert "64%" in body["cards"][0]["summary"]
    assert "systemActions" not in body
