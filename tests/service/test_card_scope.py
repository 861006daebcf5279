"""A card a clinician reads in ten seconds, saying only what the paper supports: whole percent,
the tier boundary named for what it is, a rare combination flagged, no number when nothing is
known, advice only from what the study measured, provenance behind the model-card link."""

from __future__ import annotations

import pytest

from cds_service import create_app
from fhir_mappings import codes

from . import fhir
from .conftest import SchemaCheckingClient

URL = "/cds-services/pvp-residual-back-pain"


#: The osteoporotic fracture diagnosis a typical patient has on record.
FRACTURE = {
    "resourceType": "Condition",
    "id": "fracture-1",
    "code": {"coding": [{"system": codes.ICD_10_CM, "code": "M80.08XA"}]},
    "subject": {"reference": f"Patient/{fhir.PATIENT_ID}"},
}


def card_for(client, observations) -> dict:
    prefetch = {**fhir.prefetch(observations=observations), "conditions": fhir.searchset(FRACTURE)}
    body = fhir.hook_request(prefetch_data=prefetch)
    response = client.post(URL, json=body)
    assert response.status_code == 200
    (card,) = response.get_json()["cards"]
    return card


def typical(client) -> dict:
    # Goutallier 2, spongy, nothing else: the commonest kind of patient of the cohort.
    return card_for(client, fhir.findings(grade=2, cement=codes.SPONGY))


def test_detail_of_a_typical_patient_is_under_1000_characters(client):
    assert len(typical(client)["detail"]) < 1000


def test_detail_of_a_patient_with_a_missing_finding_is_under_1000_characters(client):
    card = card_for(client, fhir.findings(grade=2, cement=None))
    assert len(card["detail"]) < 1000


def test_detail_of_a_rare_high_risk_patient_is_under_1000_characters(client):
    card = card_for(client, fhir.findings(ivc=True, oedema=True, grade=4, cement=codes.BLOCKY))
    assert len(card["detail"]) < 1000


def test_default_boundary_is_called_the_study_cohorts_average_risk(client):
    # 37/268 = 13.8%, shown as a whole percent.
    assert "the study cohort's average risk of 14%" in typical(client)["detail"]


@pytest.fixture
def site_client(monkeypatch):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", "0.3")
    app = create_app({"TESTING": True, "AUTHENTICATION": "off"})
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


def test_site_threshold_is_called_the_sites_not_the_cohorts(site_client):
    detail = typical(site_client)["detail"]
    assert "this site's threshold of 30%" in detail
    assert "average" not in detail


def test_site_threshold_decides_the_tier(site_client):
    # IVC + Goutallier 3 + blocky: 64%, high at 30% as at 13.8%; Goutallier 2 + blocky:
    # -3.361 + 1.758 = -1.603 -> 16.8%: high by the cohort average, low by the site's 30%.
    card = card_for(site_client, fhir.findings(grade=2, cement=codes.BLOCKY))
    assert card["summary"].startswith("Low risk")


def test_rare_combination_is_flagged(client):
    # Cleft, oedema, Goutallier 4, blocky: about 0.34 of 268 patients (tests/scoring).
    card = card_for(client, fhir.findings(ivc=True, oedema=True, grade=4, cement=codes.BLOCKY))
    assert "Rare combination: fewer than 1 of the study's 268 patients had" in card["detail"]


def test_common_combination_is_not_flagged(client):
    assert "Rare combination" not in typical(client)["detail"]


def test_nothing_known_gives_no_number_and_says_what_to_record(client):
    card = card_for(client, [])
    assert "%" not in card["summary"] + card["detail"]
    for label in ("vacuum cleft", "oedema", "Goutallier", "cement"):
        assert label in card["detail"]


def test_advice_is_one_line_from_what_the_study_measured(client):
    high = card_for(client, fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY))["detail"]
    (advice,) = [line for line in high.splitlines() if line.startswith("**Advice:**")]
    assert "24 hours, 3 days and one month" in advice
    assert "rehabilitation" not in high and "exercise" not in high


def test_whole_percent_in_the_summary(client):
    # Goutallier 2, spongy: -2.403 -> 8.29%.
    assert typical(client)["summary"].endswith(": 8%")
