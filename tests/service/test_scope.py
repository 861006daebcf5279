"""The service fires only where and when the model holds: from the procedure to the one-month
assessment, not for a condition the study excluded, and records its estimate once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fhir_mappings import codes

from . import fhir

URL = "/cds-services/pvp-residual-back-pain"
DISCHARGE_URL = "/cds-services/pvp-residual-back-pain-discharge"
MODEL_SYSTEM = "http://pvp-cds.org/fhir/CodeSystem/prediction-model"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def answer(client, url: str = URL, hook: str = "patient-view", **prefetch: Any) -> dict:
    body = fhir.hook_request(hook=hook, prefetch_data={**fhir.prefetch(), **prefetch})
    response = client.post(url, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def procedure_days_ago(days: int) -> dict:
    return fhir.searchset(fhir.vertebroplasty(performed=days_ago(days)))


def condition(code: str, *, clinical: str = "active", verification: str | None = None) -> dict:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": "cx-1",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": clinical}]},
        "code": {"coding": [{"system": ICD10CM, "code": code}]},
        "subject": {"reference": f"Patient/{fhir.PATIENT_ID}"},
    }
    if verification:
        resource["verificationStatus"] = {
            "coding": [{"system": CONDITION_VERIFICATION, "code": verification}]
        }
    return resource


def recorded(version: str = "1.1.0", procedure: str = "Procedure/pvp-1") -> dict:
    return {
        "resourceType": "RiskAssessment",
        "id": "ra-1",
        "status": "final",
        "subject": {"reference": f"Patient/{fhir.PATIENT_ID}"},
        "method": {
            "coding": [
                {
                    "system": MODEL_SYSTEM,
                    "code": "li2021-pvp-residual-back-pain",
                    "version": version,
                }
            ]
        },
        "basis": [{"reference": procedure}],
    }


# --- Time window ---------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "cards"), [(0, 1), (35, 1), (36, 0), (800, 0)])
def test_card_shows_from_the_procedure_day_to_day_35_and_is_quiet_after(client, days, cards):
    body = answer(client, procedures=procedure_days_ago(days))
    assert len(body["cards"]) == cards


def test_one_month_pain_score_on_record_silences_the_card(client):
    # Procedure 30 days ago; a 0-10 numeric pain rating on day 29.
    score = fhir.observation("nrs-1m", codes.LOINC_NUMERIC_PAIN, {"valueInteger": 2}, days_ago(1))
    observations = fhir.searchset(*fhir.findings(), score)
    body = answer(client, procedures=procedure_days_ago(30), observations=observations)
    assert body == {"cards": []}


def test_interim_pain_score_does_not_silence_the_card(client):
    # The study's 3-day score, 3 days after a procedure 5 days ago.
    score = fhir.observation("vas-3d", codes.LOINC_VAS_PAIN, {"valueInteger": 6}, days_ago(2))
    body = answer(client, observations=fhir.searchset(*fhir.findings(), score))
    assert len(body["cards"]) == 1


# --- Exclusions ----------------------------------------------------------------------------


def test_myeloma_on_record_gets_an_info_card_naming_the_record_and_no_risk(client):
    body = answer(client, conditions=fhir.searchset(condition("C90.00")))
    (card,) = body["cards"]
    assert card["indicator"] == "info"
    assert "does not apply" in card["summary"]
    assert "C90.00" in card["detail"]
    # Named by what a clinician can find, not by resource id.
    assert "Condition/" not in card["detail"] and "Procedure/" not in card["detail"]
    assert "%" not in card["summary"]
    assert "systemActions" not in body


@pytest.mark.parametrize("verification", ["entered-in-error", "refuted"])
def test_myeloma_entered_in_error_or_refuted_does_not_stop_the_risk(client, verification):
    body = answer(client, conditions=fhir.searchset(condition("C90.00", verification=verification)))
    (card,) = body["cards"]
    assert "does not apply" not in card["summary"]


def test_resolved_metastasis_gives_the_risk_with_a_caveat(client):
    body = answer(client, conditions=fhir.searchset(condition("C79.51", clinical="resolved")))
    (card,) = body["cards"]
    assert "does not apply" not in card["summary"]
    assert "past malignancy" in card["detail"]


# --- Recording once ------------------------------------------------------------------------


def test_patient_view_does_not_record_again_what_is_on_record(client):
    body = answer(client, riskAssessments=fhir.searchset(recorded()))
    assert len(body["cards"]) == 1
    assert "systemActions" not in body


def test_risk_assessment_of_another_model_version_does_not_count_as_recorded(client):
    body = answer(client, riskAssessments=fhir.searchset(recorded(version="0.9.0")))
    assert len(body["systemActions"]) == 1


def test_risk_assessment_of_another_procedure_does_not_count_as_recorded(client):
    body = answer(client, riskAssessments=fhir.searchset(recorded(procedure="Procedure/old")))
    assert len(body["systemActions"]) == 1


def test_discharge_proposes_the_risk_assessment_even_when_one_is_on_record(client):
    body = answer(
        client, DISCHARGE_URL, "encounter-discharge", riskAssessments=fhir.searchset(recorded())
    )
    assert len(body["systemActions"]) == 1


def test_risk_assessment_has_a_stable_identifier_of_model_version_and_procedure(client):
    first = answer(client)["systemActions"][0]["resource"]
    again = answer(client)["systemActions"][0]["resource"]
    expected = {
        "system": "http://pvp-cds.org/fhir/NamingSystem/risk-assessment",
        "value": "li2021-pvp-residual-back-pain|1.1.0|Procedure/pvp-1",
    }
    assert first["identifier"] == again["identifier"] == [expected]


def test_no_risk_assessment_when_nothing_is_known(client):
    body = answer(client, observations=None)
    assert len(body["cards"]) == 1
    assert "systemActions" not in body


def test_no_risk_assessment_when_the_range_spans_both_tiers(client):
    # Goutallier 3, cement unknown: 17.7%-32.3% spans 20%.
    body = answer(client, observations=fhir.searchset(*fhir.findings(grade=3, cement=None)))
    assert "systemActions" not in body


# --- Same-day records ----------------------------------------------------------------------


def test_billing_and_radlex_records_of_one_day_give_the_risk_with_levels_uncertain(client):
    billing = fhir.vertebroplasty("billing")
    del billing["bodySite"]
    clinical = fhir.vertebroplasty("clinical", code=codes.RADLEX_VERTEBROPLASTY)
    body = answer(client, procedures=fhir.searchset(billing, clinical))
    (card,) = body["cards"]
    assert "does not apply" not in card["summary"]
    assert "Number of levels uncertain" in card["detail"]


def test_risk_assessments_not_prefetched_and_no_server_give_the_card_but_no_record(client):
    # Whether one is on record cannot be known: the estimate waits for discharge rather than
    # being proposed on every view.
    prefetch = fhir.prefetch()
    del prefetch["riskAssessments"]
    response = client.post(URL, json=fhir.hook_request(prefetch_data=prefetch))
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["cards"]) == 1
    assert "systemActions" not in body


def test_a_required_key_that_cannot_be_had_is_still_412(client):
    prefetch = fhir.prefetch()
    del prefetch["procedures"]
    response = client.post(URL, json=fhir.hook_request(prefetch_data=prefetch))
    assert response.status_code == 412


def test_not_applicable_card_links_the_model_card_and_no_nomogram(client):
    (card,) = answer(client, conditions=fhir.searchset(condition("C90.00")))["cards"]
    assert [link["url"].rsplit("/", 1)[-1] for link in card["links"]] == ["model-card"]


def test_not_applicable_card_does_not_carry_the_fracture_diagnosis_caveat(client):
    # No osteoporotic fracture diagnosis on record, and a myeloma: the caveat is about the
    # risk, and none is estimated.
    (card,) = answer(client, conditions=fhir.searchset(condition("C90.00")))["cards"]
    assert "osteoporotic fracture diagnosis" not in card["detail"]
