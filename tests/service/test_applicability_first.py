"""The common case, a chart without a vertebroplasty, is decided on the raw JSON: no FHIR model
is built. Resources the assessment uses are still validated; those it sets aside are not."""

from __future__ import annotations

import pytest

import fhir_mappings.parsing
from fhir_mappings import codes

from . import fhir

URL = "/cds-services/pvp-residual-back-pain"


@pytest.fixture
def models_built(monkeypatch):
    """Counts FHIR models looked up to parse received JSON: every parse goes through it."""
    looked_up: list[str] = []
    real = fhir_mappings.parsing.get_fhir_model_class

    def counting(resource_type: str):
        looked_up.append(resource_type)
        return real(resource_type)

    monkeypatch.setattr(fhir_mappings.parsing, "get_fhir_model_class", counting)
    return looked_up


def test_chart_without_a_vertebroplasty_is_answered_without_building_a_fhir_model(
    client, models_built
):
    # Patient and four finding Observations are prefetched, but no Procedure.
    body = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[]))
    response = client.post(URL, json=body)
    assert response.get_json() == {"cards": []}
    assert models_built == []


def test_chart_with_a_vertebroplasty_parses_the_resources_it_uses(client, models_built):
    response = client.post(URL, json=fhir.hook_request())
    assert response.status_code == 200
    assert models_built.count("Observation") == 4
    assert models_built.count("Procedure") == 1


def test_resource_with_an_unknown_code_is_not_parsed(client, models_built):
    unknown = fhir.observation(
        "local-1", codes.Code("http://hospital.example.org/codes", "BMI"), {}, "2026-03-03"
    )
    body = fhir.hook_request(prefetch_data=fhir.prefetch(observations=[unknown]))
    response = client.post(URL, json=body)
    assert response.status_code == 200
    assert "Observation" not in models_built


def test_invalid_fhir_in_a_used_procedure_is_400(client):
    procedure = {**fhir.vertebroplasty(), "status": 42}
    response = client.post(URL, json=fhir.hook_request(prefetch_data=fhir.prefetch([procedure])))
    assert response.status_code == 400
    assert "(Procedure/pvp-1): status" in response.get_json()["issue"][0]["diagnostics"]


def test_finding_value_that_pydantic_would_coerce_is_400(client):
    # "yes" would be read as true by a lax parser: a used Observation is parsed strictly.
    (ivc, *others) = fhir.findings()
    body = fhir.hook_request(
        prefetch_data=fhir.prefetch(observations=[{**ivc, "valueBoolean": "yes"}, *others])
    )
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert "valueBoolean" in response.get_json()["issue"][0]["diagnostics"]


def test_invalid_fhir_in_a_resource_set_aside_is_counted_not_refused(client):
    unrelated = {
        **fhir.observation(
            "bmi-1", codes.Code("http://hospital.example.org/codes", "BMI"), {}, "2026-03-03"
        ),
        "status": 42,
    }
    observations = [*fhir.findings(), unrelated]
    body = fhir.hook_request(prefetch_data=fhir.prefetch(observations=observations))
    response = client.post(URL, json=body)
    assert response.status_code == 200
    assert "Not used: 1 resource(s)" in response.get_json()["cards"][0]["detail"]


def test_resource_about_another_patient_is_400_even_without_a_vertebroplasty(client):
    (ivc, *others) = fhir.findings()
    ivc["subject"] = {"reference": "Patient/someone-else"}
    body = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[], observations=[ivc]))
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert "someone-else" in response.get_json()["issue"][0]["diagnostics"]


def test_used_observation_without_a_code_is_400(client):
    (ivc, *others) = fhir.findings()
    del ivc["code"]
    body = fhir.hook_request(prefetch_data=fhir.prefetch(observations=[ivc, *others]))
    response = client.post(URL, json=body)
    assert response.status_code == 400
    diagnostics = response.get_json()["issue"][0]["diagnostics"]
    assert "(Observation/ivc-1): code: Field required" in diagnostics
