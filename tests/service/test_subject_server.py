"""A subject is this patient on this server: the patient's id on another FHIR server is another
person, refused (400) as a resource about another patient is; relative references and
absolute ones under the request's fhirServer base are the patient in context."""

from __future__ import annotations

import pytest

from . import fhir

URL = "/cds-services/pvp-residual-back-pain"
EHR_BASE = "https://ehr.example/fhir"


def request_with_ivc_subject(reference: str, **extra) -> dict:
    """A high-risk chart whose vacuum-cleft Observation names its subject by ``reference``."""
    ivc, *others = fhir.findings(ivc=True)
    ivc["subject"] = {"reference": reference}
    return fhir.hook_request(prefetch_data=fhir.prefetch(observations=[ivc, *others]), **extra)


def diagnostics(response) -> str:
    return response.get_json()["issue"][0]["diagnostics"]


def test_the_patient_id_on_another_server_is_another_patient(client):
    foreign = f"http://other.example/fhir/Patient/{fhir.PATIENT_ID}"
    response = client.post(URL, json=request_with_ivc_subject(foreign, fhirServer=EHR_BASE))

    assert response.status_code == 400
    message = diagnostics(response)
    assert f"Observation/ivc-1: subject: refers to {foreign}" in message
    assert f"another server than the fhirServer {EHR_BASE}" in message
    assert f"Patient/{fhir.PATIENT_ID} (relative)" in message


def test_a_procedure_on_another_server_is_another_patient_even_in_a_quiet_chart(client):
    procedure = fhir.vertebroplasty()
    procedure["subject"] = {
        "reference": f"https://ehr.example/other-fhir/Patient/{fhir.PATIENT_ID}"
    }
    body = fhir.hook_request(
        prefetch_data=fhir.prefetch(procedures=[procedure]), fhirServer=EHR_BASE
    )

    response = client.post(URL, json=body)

    assert response.status_code == 400
    assert "Procedure/pvp-1: subject: refers to" in diagnostics(response)


def test_an_absolute_subject_without_a_fhir_server_cannot_be_shown_to_be_this_patient(client):
    absolute = f"{EHR_BASE}/Patient/{fhir.PATIENT_ID}"
    response = client.post(URL, json=request_with_ivc_subject(absolute))

    assert response.status_code == 400
    assert "the request has no fhirServer" in diagnostics(response)


@pytest.mark.parametrize(
    "reference",
    [
        f"Patient/{fhir.PATIENT_ID}",
        f"{EHR_BASE}/Patient/{fhir.PATIENT_ID}",
        f"HTTPS://EHR.example:443/fhir/Patient/{fhir.PATIENT_ID}/_history/2",
    ],
)
def test_a_relative_or_same_server_subject_is_the_patient_in_context(client, reference):
    response = client.post(URL, json=request_with_ivc_subject(reference, fhirServer=EHR_BASE))

    assert response.status_code == 200
    assert len(response.get_json()["cards"]) == 1
