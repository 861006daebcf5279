"""Service calls with prefetch: the risk card, the RiskAssessment, and staying quiet."""

from __future__ import annotations

import math
import re

import pytest
from fhir.resources.R4B.riskassessment import RiskAssessment
from fhir.resources.R4B.servicerequest import ServiceRequest

from fhir_mappings import codes

from . import fhir

URL = "/cds-services/pvp-residual-back-pain"


def expected_probability(logit: float) -> float:
    return 1 / (1 + math.exp(-logit))


def call(client, **kwargs):
    response = client.post(URL, json=fhir.hook_request(**kwargs))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def risk_card(client, observations):
    body = call(client, prefetch_data=fhir.prefetch(observations=observations))
    (card,) = body["cards"]
    return card, body


def test_high_risk_patient_gets_a_warning_card_with_the_probability(client):
    # IVC + Goutallier 3 + blocky: logit -3.361 + 1.332 + 2.622 = 0.593 -> 64%
    card, _ = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    assert card["indicator"] == "warning"
    assert "64%, at or above the 20% alert threshold" in card["summary"]


def test_low_risk_patient_gets_an_info_card(client):
    # Goutallier 1, spongy: logit -3.361 - 0.800 = -4.161 -> 1.5%
    card, _ = risk_card(client, fhir.findings(grade=1, cement=codes.SPONGY))
    assert card["indicator"] == "info"
    # Whole percent: 1.5% is "2%".
    assert "2%, below the study's average of 14%" in card["summary"]


def test_card_summary_is_shorter_than_140_characters(client):
    card, _ = risk_card(client, fhir.findings(cement=None))
    assert len(card["summary"]) < 140


def test_missing_cement_read_gives_a_range_not_a_guess(client):
    # Goutallier 3, no IVC/oedema: spongy -3.361 + 2.622 - 0.8 = -1.539 -> 17.7%;
    # blocky -3.361 + 2.622 = -0.739 -> 32.3%: the range spans the 20% threshold.
    card, _ = risk_card(client, fhir.findings(grade=3, cement=None))
    assert "18%-32%" in card["summary"]
    assert "1 finding missing" in card["summary"]
    assert "Bone cement distribution" in card["detail"]


def test_detail_names_where_and_when_each_finding_was_read_not_resource_ids(client):
    card, _ = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    for label, read_on in (
        ("Intravertebral vacuum cleft", f"pre-op CT/MRI {fhir.PRE_OP_DATE}"),
        ("Posterior fascia oedema", f"pre-op MRI {fhir.PRE_OP_DATE}"),
        ("Paraspinal muscle degeneration", f"pre-op MRI {fhir.PRE_OP_DATE}"),
        ("Bone cement distribution", f"post-op radiograph {fhir.POST_OP_DATE}"),
    ):
        row = next(line for line in card["detail"].splitlines() if line.startswith(f"| {label}"))
        assert read_on in row
    assert "Observation/" not in card["detail"]


def test_detail_shows_nomogram_points(client):
    card, _ = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    # IVC 1.332/2.622*100 = 50.8, Goutallier 3-4 100, blocky 0.800/2.622*100 = 30.51 points.
    for label, points in (("vacuum cleft", 51), ("Goutallier", 100), ("cement", 31)):
        row = next(line for line in card["detail"].splitlines() if label in line and "|" in line)
        assert f"| {points} |" in row


def test_provenance_and_limits_are_behind_a_link_to_the_model_card(client):
    card, _ = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    urls = {(link["url"], link["type"]) for link in card["links"]}
    assert ("http://localhost/model-card", "absolute") in urls
    assert "n=268" not in card["detail"]


def test_model_card_link_uses_the_public_base_url_when_set():
    from cds_service import create_app

    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "PUBLIC_BASE_URL": "https://cds.hospital.example/pvp/",
        }
    )
    body = app.test_client().post(URL, json=fhir.hook_request()).get_json()
    urls = [link["url"] for link in body["cards"][0]["links"]]
    assert "https://cds.hospital.example/pvp/model-card" in urls


def test_card_source_links_to_the_papers_doi(client):
    card, _ = risk_card(client, fhir.findings())
    # The peer-reviewed paper, not the preprint.
    assert card["source"]["url"] == "https://doi.org/10.1155/2021/3624614"
    assert card["source"]["label"]


def test_card_and_every_suggestion_have_a_uuid(client):
    card, _ = risk_card(client, fhir.findings())
    uuid_pattern = re.compile(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    )
    assert uuid_pattern.match(card["uuid"])
    for suggestion in card.get("suggestions", []):
        assert uuid_pattern.match(suggestion["uuid"])


def test_override_reasons_carry_code_system_and_display(client):
    card, _ = risk_card(client, fhir.findings())
    assert card["overrideReasons"]
    for reason in card["overrideReasons"]:
        assert reason["code"] and reason["system"] and reason["display"]


def test_risk_assessment_is_created_as_a_system_action_with_the_point_probability(client):
    _, body = risk_card(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))
    (action,) = body["systemActions"]
    assert action["type"] == "create"
    resource = action["resource"]
    RiskAssessment.model_validate(resource)
    (prediction,) = resource["prediction"]
    assert prediction["probabilityDecimal"] == pytest.approx(expected_probability(0.593), abs=1e-4)
    assert prediction["qualitativeRisk"]["coding"][0]["code"] == "high"
    assert resource["subject"] == {"reference": f"Patient/{fhir.PATIENT_ID}"}
    assert "li2021-pvp-residual-back-pain" in str(resource["method"])


def test_risk_assessment_basis_references_the_observations_and_procedure_used(client):
    _, body = risk_card(client, fhir.findings())
    basis = {b["reference"] for b in body["systemActions"][0]["resource"]["basis"]}
    assert basis == {
        "Observation/ivc-1",
        "Observation/oedema-1",
        "Observation/goutallier-1",
        "Observation/cement-1",
        "Procedure/pvp-1",
    }


def test_risk_assessment_has_a_probability_range_when_findings_are_missing(client):
    # Goutallier 1, cement unknown: spongy -3.361 - 0.800 = -4.161 -> 1.5%; blocky -3.361 ->
    # 3.4%: both low, so the range places the patient in a tier and is recorded.
    _, body = risk_card(client, fhir.findings(grade=1, cement=None))
    (prediction,) = body["systemActions"][0]["resource"]["prediction"]
    assert "probabilityDecimal" not in prediction
    assert prediction["probabilityRange"]["low"]["value"] == pytest.approx(
        expected_probability(-4.161), abs=1e-4
    )
    assert prediction["probabilityRange"]["high"]["value"] == pytest.approx(
        expected_probability(-3.361), abs=1e-4
    )


def test_suggested_reassessments_are_valid_service_requests_with_selection_behavior(client):
    # Procedure performed in the future relative to none of the follow-up points: use a recent one.
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    body = call(
        client,
        prefetch_data=fhir.prefetch(procedures=[fhir.vertebroplasty(performed=today)]),
    )
    (card,) = body["cards"]
    assert card["selectionBehavior"] == "any"
    (suggestion,) = card["suggestions"]
    assert suggestion["label"]
    assert len(suggestion["actions"]) >= 2  # 3 days and one month are still ahead
    for action in suggestion["actions"]:
        assert action["type"] == "create" and action["description"]
        ServiceRequest.model_validate(action["resource"])
        assert action["resource"]["intent"] == "proposal"


def test_no_vertebroplasty_on_record_returns_no_cards(client):
    assert call(client, prefetch_data=fhir.prefetch(procedures=[])) == {"cards": []}


def test_kyphoplasty_gets_an_info_card_without_a_risk_number(client):
    kyphoplasty = fhir.vertebroplasty(code=codes.CPT_AUGMENTATION_LUMBAR)
    body = call(client, prefetch_data=fhir.prefetch(procedures=[kyphoplasty]))
    (card,) = body["cards"]
    assert card["indicator"] == "info"
    assert "does not apply" in card["summary"]
    assert "kyphoplasty" in card["summary"]
    assert "%" not in card["summary"] + card["detail"]
    assert "systemActions" not in body


def test_two_level_vertebroplasty_gets_an_info_card_without_a_risk_number(client):
    procedures = [fhir.vertebroplasty(), fhir.vertebroplasty(id="pvp-2", level="L2")]
    body = call(client, prefetch_data=fhir.prefetch(procedures=procedures))
    (card,) = body["cards"]
    assert "more than one level" in card["summary"]
    assert "%" not in card["summary"] + card["detail"]


def test_encounter_discharge_service_answers_with_the_encounter_on_the_risk_assessment(client):
    response = client.post(
        "/cds-services/pvp-residual-back-pain-discharge",
        json=fhir.hook_request(hook="encounter-discharge"),
    )
    assert response.status_code == 200
    resource = response.get_json()["systemActions"][0]["resource"]
    assert resource["encounter"] == {"reference": "Encounter/enc-1"}


def test_null_prefetch_means_known_empty_and_triggers_no_fhir_query(client):
    # No fhirServer is given: a query would have to fail with 412. null is answered instead.
    body = call(client, prefetch_data={**fhir.prefetch(), "observations": None})
    (card,) = body["cards"]
    assert "no findings on record" in card["summary"]


def test_resources_with_unknown_codes_are_counted_on_the_card_not_guessed(client):
    unknown = fhir.observation(
        "local-1",
        codes.Code("http://hospital.example.org/codes", "VAC-CLEFT"),
        {"valueBoolean": True},
        fhir.PRE_OP_DATE,
    )
    card, _ = risk_card(client, [*fhir.findings(cement=None), unknown])
    assert "Not used: 1 resource(s) outside the code contract" in card["detail"]
    # The unknown code is not read as a vacuum cleft: IVC stays absent from the known reading.
    assert "| Intravertebral vacuum cleft | absent |" in card["detail"]
