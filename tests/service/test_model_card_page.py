"""GET /model-card: the model's provenance, cohort, performance and limits, from the model file."""

from __future__ import annotations

import dataclasses
import html

import pytest

from cds_service.runtime import current_runtime

RECALIBRATION = {
    "site": "Example Hospital",
    "period": "2024-2025",
    "created": "2026-01-15",
    "n": 412,
    "events": 61,
    "method": "intercept",
    "fitted": {"intercept": {"estimate": -3.05, "ci95_low": -3.4, "ci95_high": -2.7}},
    "original": {
        "id": "li2021-pvp-residual-back-pain",
        "version": "1.0.0",
        "intercept": -3.361,
        "coefficients": {},
    },
    "metrics_before": {
        "auc": 0.71,
        "calibration_in_the_large": 0.31,
        "calibration_slope": 0.9,
        "observed_expected": 1.4,
        "brier": 0.12,
    },
    "metrics_after": {
        "auc": 0.71,
        "calibration_in_the_large": 0.0,
        "calibration_slope": 0.9,
        "observed_expected": 1.0,
        "brier": 0.11,
    },
}


def page_text(client):
    response = client.get("/model-card")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "expected",
    [
        "Pain Research and Management",
        "doi:10.1155/2021/3624614",
        "https://doi.org/10.1155/2021/3624614",
        'PMID <a href="https://pubmed.ncbi.nlm.nih.gov/34760032/">34760032</a>',
        "Research Square preprint",
        "doi:10.21203/rs.3.rs-468850/v1",
    ],
)
def test_model_card_cites_the_peer_reviewed_paper_and_the_preprint(client, expected):
    assert expected in page_text(client)


@pytest.mark.parametrize(
    "expected",
    [
        # The paper's numbers, not the model file's: 268 patients, 37 (13.8%) with residual pain.
        "268, of whom 37 had the outcome (13.8%)",
        "Yinchuan, China",
        "January 2017 to April 2019",
        "AUC 0.780; c-index 0.774 (95% CI 0.696-0.852), 0.752 after 1000 bootstrap resamples",
        "Net benefit for threshold probabilities 6%-66%",
        "Internal only (bootstrap)",
    ],
)
def test_model_card_shows_cohort_and_performance(client, expected):
    assert expected in page_text(client)


def test_model_card_lists_every_limitation_and_derivation_note(app, client):
    text = page_text(client)
    with app.app_context():
        model = current_runtime().model
    for item in [*model.model_card["limitations"], *model.document["derivation_notes"]]:
        assert item in text


def test_model_card_gives_coefficients_and_points(client):
    text = page_text(client)
    # Table 4: Goutallier 3-4 B 2.622, the widest predictor: 100 points. Oedema: B 1.377
    # (reconciled): 1.377 / 2.622 x 100 = 52.5, shown as 53.
    assert '<td class="num">2.622</td><td class="num">100</td>' in text
    assert '<td class="num">1.377</td><td class="num">53</td>' in text
    assert "logit(p) = -3.361" in text


@pytest.mark.parametrize(
    "expected",
    [
        # Table 4 as printed, not e^B of the rounded coefficients (e^2.622 = 13.763).
        "13.767 (3.671-51.638)",
        "3.790 (1.175-12.227)",
        # Oedema's OR is the paper's 3.965, not e^1.377 = 3.963.
        "3.965 (1.218-12.907)",
        # Cement as printed: blocky against spongy.
        'blocky vs spongy</td><td class="num">2.225 (1.032-4.797)',
    ],
)
def test_model_card_quotes_the_papers_odds_ratios_with_their_intervals(client, expected):
    assert expected in page_text(client)


def test_model_card_no_longer_recomputes_odds_ratios_from_rounded_coefficients(client):
    assert "13.763" not in page_text(client)


def test_model_card_cites_the_peer_reviewed_paper_before_the_preprint(client):
    text = page_text(client)
    assert text.index("Pain Research and Management") < text.index("Research Square preprint")


def test_model_card_has_no_recalibration_section_for_the_published_model(client):
    assert "Recalibration" not in page_text(client)


def test_model_card_shows_a_recalibration_when_the_model_file_has_one(app, client):
    runtime = current_runtime_of(app)
    model = runtime.model
    document = {**model.document, "recalibration": RECALIBRATION}
    recalibrated = dataclasses.replace(model, document=document)
    app.extensions["pvp_cds"] = dataclasses.replace(runtime, model=recalibrated)
    text = page_text(client)
    assert "Recalibration at Example Hospital" in text
    assert "intercept recalibration on 412 patients (61 with the outcome), 2024-2025" in text
    assert "-3.050 (95% CI -3.400 to -2.700)" in text
    assert 'observed expected</th><td class="num">1.400</td><td class="num">1.000</td>' in text


def current_runtime_of(app):
    with app.app_context():
        return current_runtime()
