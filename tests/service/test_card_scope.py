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


def test_default_boundary_is_called_the_alert_threshold_beside_the_study_average(client):
    # 20% (docs/model-derivation.md section 4); 37/268 = 13.8%, shown as a whole percent.
    detail = typical(client)["detail"]
    assert "(below the 20% alert threshold; the study cohort's average risk was 14%)" in detail


@pytest.fixture
def site_client(monkeypatch):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", "0.3")
    app = create_app({"TESTING": True, "AUTHENTICATION": "off"})
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


def test_site_threshold_is_called_the_sites_not_the_cohorts(site_client):
    detail = typical(site_client)["detail"]
    assert "below this site's alert threshold of 30%" in detail


def test_site_threshold_decides_the_tier(site_client):
    # IVC + Goutallier 3 + blocky: 64%, high at 30% as at 13.8%; Goutallier 2 + blocky:
    # -3.361 + 1.758 = -1.603 -> 16.8%: high by the cohort average, low by the site's 30%.
    card = card_for(site_client, fhir.findings(grade=2, cement=codes.BLOCKY))
    assert (card["indicator"], card["summary"]) == (
        "info",
        "Residual back pain risk one month after PVP: 17%, above the study's average of 14%, "
        "below this site's 30% alert threshold",
    )


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
    assert "the study's schedule was 24 hours, 3 days and one month" in advice
    assert "as the authors advise for these risk factors" in advice
    assert "rehabilitation" not in high and "exercise" not in high


def test_whole_percent_in_the_summary(client):
    # Goutallier 2, spongy: -2.403 -> 8.29%.
    assert ": 8%, below the study's average of 14%" in typical(client)["summary"]


@pytest.fixture
def average_client(monkeypatch):
    monkeypatch.setenv("PVP_CDS_HIGH_RISK_THRESHOLD", "0.138")
    app = create_app({"TESTING": True, "AUTHENTICATION": "off"})
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


@pytest.mark.parametrize(
    ("grade", "cement", "indicator", "summary_ends"),
    [
        # Goutallier 3-4 + blocky: -3.361 + 2.622 = -0.739 -> 32.3%, at or above 20%.
        pytest.param(
            3,
            codes.BLOCKY,
            "warning",
            "32%, at or above the 20% alert threshold (study average 14%)",
            id="above-threshold",
        ),
        # Goutallier 2 + blocky: -1.603 -> 16.8%: above the average, below the threshold.
        pytest.param(
            2,
            codes.BLOCKY,
            "info",
            "17%, above the study's average of 14%, below the 20% alert threshold",
            id="between-average-and-threshold",
        ),
        # Goutallier 0-1 + blocky: -3.361 -> 3.4%.
        pytest.param(
            0, codes.BLOCKY, "info", "3%, below the study's average of 14%", id="below-average"
        ),
    ],
)
def test_card_words_per_tier_at_the_default_threshold(
    client, grade, cement, indicator, summary_ends
):
    card = card_for(client, fhir.findings(grade=grade, cement=cement))
    assert card["indicator"] == indicator
    assert card["summary"].endswith(summary_ends)
    assert not card["summary"].lower().startswith(("high", "low"))


@pytest.mark.parametrize(
    ("grade", "indicator", "words"),
    [
        pytest.param(2, "warning", "17%, above the study's average of 14%", id="above"),
        pytest.param(0, "info", "3%, below the study's average of 14%", id="below"),
    ],
)
def test_card_words_when_the_threshold_is_the_study_average(
    average_client, grade, indicator, words
):
    card = card_for(average_client, fhir.findings(grade=grade, cement=codes.BLOCKY))
    assert card["indicator"] == indicator
    assert card["summary"].endswith(words)
    assert "the study cohort's average risk of 14%" in card["detail"]


def without_goutallier(observations):
    return [o for o in observations if o["id"] != "goutallier-1"]


def test_a_missing_cement_says_which_of_its_values_gives_which_risk(client):
    # Goutallier 2: spongy -3.361 + 1.758 - 0.800 = -2.403 -> 8.3%, blocky -1.603 -> 16.8%.
    card = card_for(client, fhir.findings(grade=2, cement=None))
    assert "Bone cement distribution unknown: 8% if spongy, 17% if blocky." in card["detail"]
    # Blocky against spongy: 0.800 x 100 / 2.622 = 30.5 points; spongy 0.
    assert "| Bone cement distribution | unknown | 0 or 31 |" in card["detail"]


def test_a_missing_goutallier_grade_says_which_grade_gives_which_risk(client):
    # IVC, blocky: -3.361 + 1.332 = -2.029 -> 11.6%; grade 2 + 1.758 -> -0.271 -> 43.3%;
    # grade 3-4 + 2.622 -> 0.593 -> 64.4%. Points 0, 1.758 x 38.139 = 67, 100.
    card = card_for(client, without_goutallier(fhir.findings(ivc=True, cement=codes.BLOCKY)))
    assert (
        "Paraspinal muscle degeneration (Goutallier grade) unknown: 12% if grade 0-1, "
        "43% if grade 2, 64% if grade 3-4." in card["detail"]
    )
    assert "| unknown | 0, 67 or 100 |" in card["detail"]


def test_two_missing_findings_give_the_number_of_possible_risks_and_point_to_the_page(client):
    # Goutallier (3 levels) x cement (2 levels): 6 combinations, 6 different logits.
    card = card_for(client, without_goutallier(fhir.findings(cement=None)))
    assert (
        "2 findings unknown: the risk is one of 6 values, one per combination of their levels. "
        "The nomogram page lists them." in card["detail"]
    )
