"""Recalibration recovers a known shift, and its model file predicts exactly the recalibrated
risk with the scoring core unchanged."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scoring import RiskTiers, load_model, model_from_document, predict
from validation import Method, fit, recalibrated_document
from validation.recalibrate import Shortfall, minimum_sample, shortfalls

from .cohorts import draw_cohort, hand_linear_predictor, logistic, lp_of, profiles

SHIFT, SLOPE = 0.7, 0.8


@pytest.fixture(scope="module")
def shifted():
    return draw_cohort(4000, seed=11, shift=SHIFT, slope=SLOPE)


def test_logistic_recalibration_recovers_the_shifted_intercept(shifted):
    intercept = fit(shifted, Method.LOGISTIC).intercept
    assert intercept.ci95_low < SHIFT < intercept.ci95_high


def test_logistic_recalibration_recovers_the_shifted_slope(shifted):
    slope = fit(shifted, Method.LOGISTIC).slope
    assert slope.ci95_low < SLOPE < slope.ci95_high


def test_intercept_recalibration_recovers_a_pure_shift():
    recalibration = fit(draw_cohort(4000, seed=12, shift=SHIFT), Method.INTERCEPT)
    assert recalibration.slope is None
    assert recalibration.intercept.ci95_low < SHIFT < recalibration.intercept.ci95_high


@pytest.fixture(scope="module")
def recalibrated(shifted):
    model = load_model()
    recalibration = fit(shifted, Method.LOGISTIC)
    document = recalibrated_document(
        model,
        shifted,
        recalibration,
        site="Example Hospital",
        period="2025",
        threshold=0.138,
        created=date(2026, 1, 2),
    )
    return recalibration, document


def test_recalibrated_model_predicts_the_recalibrated_risk_of_every_profile(recalibrated):
    recalibration, document = recalibrated
    a, b = recalibration.intercept.estimate, recalibration.slope.estimate
    model = model_from_document(json.loads(json.dumps(document)))
    tiers = RiskTiers.for_model(model)
    for _, findings in profiles():
        expected = logistic(a + b * lp_of(findings))
        assert predict(model, findings, tiers).probability.low == pytest.approx(expected)


def test_recalibration_block_keeps_the_original_coefficients(recalibrated):
    original = recalibrated[1]["recalibration"]["original"]
    assert original["intercept"] == hand_linear_predictor(False, False, 0, "blocky")
    assert original["coefficients"]["goutallier_grade"] == {"grade 2": 1.758, "grade 3-4": 2.622}
    assert original["coefficients"]["cement_distribution"] == {"spongy": -0.800}


def test_recalibrated_model_has_the_next_minor_version(recalibrated):
    assert recalibrated[1]["version"] == "1.2.0"


def test_recalibration_block_records_site_method_and_cohort(recalibrated, shifted):
    block = recalibrated[1]["recalibration"]
    assert (block["site"], block["method"], block["n"], block["events"]) == (
        "Example Hospital",
        "logistic",
        4000,
        shifted.events,
    )


def test_after_logistic_recalibration_the_apparent_slope_is_one(recalibrated):
    after = recalibrated[1]["recalibration"]["metrics_after"]
    assert after["calibration_slope"] == pytest.approx(1, abs=1e-6)
    assert after["calibration_in_the_large"] == pytest.approx(0, abs=1e-6)


def test_recalibration_keeps_the_ranking_so_the_auc(recalibrated):
    block = recalibrated[1]["recalibration"]
    assert block["metrics_after"]["auc"] == pytest.approx(block["metrics_before"]["auc"])


def test_model_without_recalibration_block_says_so():
    assert load_model().recalibration is None


def test_model_with_recalibration_block_exposes_it(recalibrated):
    model = model_from_document(recalibrated[1])
    assert model.recalibration["site"] == "Example Hospital"


def test_minimum_for_intercept_recalibration_is_rileys_criterion_iii():
    # (1.96 / 0.05)^2 x 0.1417 x 0.8583 = 186.9: 187 patients, 27 events (17/120 = 0.1417).
    minimum = minimum_sample(Method.INTERCEPT, 17 / 120)
    assert (minimum.patients, minimum.events, minimum.non_events) == (187, 27, 0)
    assert "Riley et al." in minimum.basis


def test_minimum_for_logistic_recalibration_asks_100_events_and_100_non_events():
    minimum = minimum_sample(Method.LOGISTIC, 17 / 120)
    assert (minimum.events, minimum.non_events) == (100, 100)
    assert "Vergouwe et al." in minimum.basis and "Collins et al." in minimum.basis


def test_120_patients_with_17_events_are_below_the_minimum_of_either_method():
    cohort = draw_cohort(120, seed=31)
    for method in Method:
        assert Shortfall.SAMPLE_BELOW_MINIMUM in shortfalls(cohort, fit(cohort, method))


def test_a_slope_whose_interval_includes_1_is_not_shown(shifted):
    recalibration = fit(draw_cohort(300, seed=32), Method.LOGISTIC)
    assert recalibration.slope.ci95_low < 1 < recalibration.slope.ci95_high
    assert Shortfall.CHANGE_NOT_SHOWN in shortfalls(draw_cohort(300, seed=32), recalibration)


def test_a_clear_shift_in_a_large_cohort_passes_the_guards(shifted):
    assert shortfalls(shifted, fit(shifted, Method.LOGISTIC)) == ()


def test_forced_guards_are_recorded_in_the_file():
    cohort = draw_cohort(120, seed=31)
    recalibration = fit(cohort, Method.INTERCEPT)
    forced = shortfalls(cohort, recalibration)
    document = recalibrated_document(
        load_model(), cohort, recalibration, site="S", period="P", threshold=0.2, forced=forced
    )
    assert document["recalibration"]["forced"] == [shortfall.value for shortfall in forced]
    assert "sample-below-minimum" in document["recalibration"]["forced"]


def test_unforced_file_has_no_forced_list(recalibrated):
    assert "forced" not in recalibrated[1]["recalibration"]


def test_every_combination_is_listed_with_its_risk_before_and_after(recalibrated):
    recalibration, document = recalibrated
    a, b = recalibration.intercept.estimate, recalibration.slope.estimate
    rows = document["recalibration"]["combinations"]
    # 2 x 2 x 3 x 2 levels.
    assert len(rows) == 24
    for row in rows:
        lp = lp_of(row["findings"])
        assert row["before"] == pytest.approx(logistic(lp))
        assert row["after"] == pytest.approx(logistic(a + b * lp))
        assert row["tier_after"] == ("high" if row["after"] >= 0.138 else "low")
