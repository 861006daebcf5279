"""Findings written only in radiology report text, end to end against the real FHIR server:
the service finds a vertebroplasty and uncoded findings, searches the server for radiology
reports in the imaging windows, and reads them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from devtools.fhir_test_server import FhirEndpoint, load_transaction
from devtools.synthetic import NamedPatient, named_patient, transaction
from devtools.synthetic.named import MRI, RADIOGRAPH
from devtools.synthetic.records import imaging_reads

from .test_end_to_end import HIGH_RISK, LOW_RISK, PRECISION, SERVICE, hook, make_client, prediction

pytestmark = pytest.mark.integration

#: pvp-report-only's written findings, beside the low-risk coded ones (no cleft, no oedema,
#: Goutallier 1, spongy): the coded values must win.
BOTH = "pvp-report-and-coded"


@pytest.fixture(scope="module")
def loaded(fhir_server: FhirEndpoint) -> None:
    written = named_patient(NamedPatient.REPORT_ONLY)
    both = replace(
        written,
        id=BOTH,
        reads=imaging_reads(
            ivc=False, oedema=False, goutallier=1, cement="spongy", mri=MRI, radiograph=RADIOGRAPH
        ),
    )
    load_transaction(
        fhir_server,
        transaction([named_patient(NamedPatient.HIGH_RISK), written, both], fhir_server.base_url),
    )


@pytest.fixture
def client(fhir_server: FhirEndpoint, loaded):
    return make_client(fhir_server)


def answer_for(client, fhir_server: FhirEndpoint, patient_id: str) -> dict:
    response = client.post(SERVICE, json=hook(patient_id, fhir_server))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_report_only_patient_gets_the_risk_of_its_coded_twin(client, fhir_server):
    written = prediction(answer_for(client, fhir_server, NamedPatient.REPORT_ONLY))
    coded = prediction(answer_for(client, fhir_server, NamedPatient.HIGH_RISK))
    assert written["probabilityDecimal"] == pytest.approx(HIGH_RISK, abs=PRECISION)
    assert written["probabilityDecimal"] == coded["probabilityDecimal"]


@pytest.mark.parametrize(
    "sentence",
    [
        "There is an intravertebral vacuum cleft beneath the superior endplate of L1.",
        "Posterior fascia oedema at the thoracolumbar junction on STIR.",
        "Paraspinal muscles: Goutallier grade 4 fatty infiltration of the multifidus at L4/5.",
        "Blocky cement distribution in the anterior two thirds of the vertebral body.",
    ],
)
def test_report_only_card_quotes_the_sentences(client, fhir_server, sentence):
    detail = answer_for(client, fhir_server, NamedPatient.REPORT_ONLY)["cards"][0]["detail"]
    assert f"from report text: \u201c{sentence}\u201d" in detail


def test_report_only_risk_assessment_cites_the_reports(client, fhir_server):
    answer = answer_for(client, fhir_server, NamedPatient.REPORT_ONLY)
    basis = {b["reference"] for b in answer["systemActions"][0]["resource"]["basis"]}
    assert {
        "DiagnosticReport/pvp-report-only-mri-report",
        "DiagnosticReport/pvp-report-only-radiograph-report",
    } <= basis


def test_patient_with_coded_and_written_findings_gets_the_coded_values(client, fhir_server):
    answer = answer_for(client, fhir_server, BOTH)
    assert prediction(answer)["probabilityDecimal"] == pytest.approx(LOW_RISK, abs=PRECISION)
    assert "from report text" not in answer["cards"][0]["detail"]
