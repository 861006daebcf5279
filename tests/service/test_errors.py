"""Bad input gets a 4xx OperationOutcome that says what to fix; never a 500."""

from __future__ import annotations

import json

import pytest

from cds_service import create_app

from . import fhir
from .conftest import SchemaCheckingClient

URL = "/cds-services/pvp-residual-back-pain"


def diagnostics(response) -> str:
    body = response.get_json()
    assert body["resourceType"] == "OperationOutcome"
    return " | ".join(issue["diagnostics"] for issue in body["issue"])


def without(path: str):
    def apply(body):
        *parents, last = path.split(".")
        node = body
        for part in parents:
            node = node[part]
        del node[last]
        return body

    return apply


def with_value(path: str, value):
    def apply(body):
        *parents, last = path.split(".")
        node = body
        for part in parents:
            node = node[part]
        node[last] = value
        return body

    return apply


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(without("hook"), "'hook' is a required property", id="no-hook"),
        pytest.param(without("hookInstance"), "'hookInstance' is a required", id="no-hookInstance"),
        pytest.param(with_value("hookInstance", "abc"), "hookInstance", id="hookInstance-not-uuid"),
        pytest.param(without("context"), "'context' is a required property", id="no-context"),
        pytest.param(without("context.patientId"), "patientId", id="no-patientId"),
        pytest.param(
            with_value(
                "fhirAuthorization",
                {
                    "access_token": "t",
                    "token_type": "Bearer",
                    "expires_in": 60,
                    "scope": "x",
                    "subject": "s",
                },
            ),
            "fhirServer",
            id="fhirAuthorization-without-fhirServer",
        ),
        pytest.param(with_value("prefetch", []), "prefetch", id="prefetch-not-an-object"),
        pytest.param(
            with_value("prefetch.patient", "Patient/1"),
            "prefetch",
            id="prefetch-value-not-a-resource",
        ),
        pytest.param(
            with_value("fhirServer", "not a url"), "fhirServer", id="fhirServer-not-a-url"
        ),
    ],
)
def test_request_breaking_the_spec_is_400_naming_the_field(client, change, message):
    response = client.post(URL, json=change(fhir.hook_request()))
    assert response.status_code == 400
    assert message in diagnostics(response)


def test_malformed_json_is_400(client):
    response = client.post(URL, data='{"hook": "patient-view",', content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in diagnostics(response)


def test_body_that_is_not_json_content_is_400(client):
    response = client.post(URL, data="hook=patient-view", content_type="text/plain")
    assert response.status_code == 400
    assert "Content-Type: application/json" in diagnostics(response)


def test_json_nested_too_deeply_is_400(client):
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(URL, data=deep, content_type="application/json")
    assert response.status_code == 400


def test_json_deeper_than_the_cap_is_400(client):
    body = fhir.hook_request()
    body["context"]["extra"] = json.loads("[" * 70 + "]" * 70)
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert "nested more than 64 levels" in diagnostics(response)


def test_wrong_hook_for_the_service_is_400(client):
    response = client.post(URL, json=fhir.hook_request(hook="encounter-discharge"))
    assert response.status_code == 400
    assert "answers the 'patient-view' hook" in diagnostics(response)


def test_unknown_service_is_404_listing_the_services(client):
    response = client.post("/cds-services/no-such-service", json=fhir.hook_request())
    assert response.status_code == 404
    assert "pvp-residual-back-pain" in diagnostics(response)


def test_body_above_the_size_limit_is_413():
    app = create_app({"TESTING": True, "AUTHENTICATION": "off", "MAX_CONTENT_LENGTH": 1000})
    app.test_client_class = SchemaCheckingClient
    body = fhir.hook_request()
    response = app.test_client().post(URL, json=body)
    assert response.status_code == 413
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_invalid_fhir_in_prefetch_is_400_naming_the_resource_and_field(client):
    body = fhir.hook_request()
    observation = body["prefetch"]["observations"]["entry"][0]["resource"]
    observation["status"] = 42
    del observation["code"]
    response = client.post(URL, json=body)
    assert response.status_code == 400
    text = diagnostics(response)
    assert "prefetch 'observations'" in text
    assert "Observation" in text and "code" in text


def test_rejected_value_is_quoted_to_the_client_but_not_logged(client):
    # A name sent where an id belongs. The suite-wide log guard fails this test if the name
    # reaches any log line.
    body = fhir.hook_request()
    body["context"]["patientId"] = "Eleanor Testpatient"
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert "Eleanor Testpatient" in diagnostics(response)


def test_resource_about_another_patient_is_400(client):
    body = fhir.hook_request()
    body["prefetch"]["observations"]["entry"][0]["resource"]["subject"] = {
        "reference": "Patient/someone-else"
    }
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert "someone-else" in diagnostics(response) or "another patient" in diagnostics(response)


def test_get_on_a_service_is_405_with_an_operation_outcome(client):
    response = client.get(URL)
    assert response.status_code == 405
    assert response.get_json()["resourceType"] == "OperationOutcome"
    assert "POST" in response.headers["Allow"]


def test_unknown_path_is_404_with_an_operation_outcome(client):
    response = client.get("/no-such-path")
    assert response.status_code == 404
    assert response.get_json()["resourceType"] == "OperationOutcome"
