"""The metrics against independent calculations: by hand on a small fixture, statsmodels'
Logit on the same data, and the exact properties of cohorts drawn from a known model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from validation import ValidationError, evaluate
from validation.metrics import (
    MIN_EVENTS_FOR_CALIBRATION,
    calibration_in_the_large,
    classification,
    logistic_recalibration,
    point_metrics,
)

from .cohorts import draw_cohort, theoretical_auc

# Ten patients: outcome and predicted risk.
Y = np.array([0, 0, 0, 1, 0, 1, 0, 1, 1, 0])
P = np.array([0.05, 0.10, 0.20, 0.20, 0.30, 0.40, 0.50, 0.60, 0.80, 0.15])
LP = np.log(P / (1 - P))
#: Modest: the CPU is shared, and 100 resamples place a 95% interval well enough here.
RESAMPLES = 100


def test_auc_is_the_share_of_event_non_event_pairs_ranked_right():
    # 4 events x 6 non-events = 24 pairs. Event 0.20 beats 0.05, 0.10, 0.15 and ties 0.20
    # (3.5); 0.40 beats 5 (5); 0.60 and 0.80 beat all 6 (12). (3.5 + 5 + 12) / 24.
    assert point_metrics(Y, P, LP, 0.5)["auc"] == pytest.approx(20.5 / 24)


def test_brier_score_is_the_mean_squared_error_of_the_risks():
    assert point_metrics(Y, P, LP, 0.5)["brier"] == pytest.approx(np.mean((P - Y) ** 2))


def test_observed_expected_divides_events_by_the_sum_of_risks():
    assert point_metrics(Y, P, LP, 0.5)["observed_expected"] == pytest.approx(4 / P.sum())


def test_classification_at_the_threshold_counts_risks_at_or_above_it_as_high():
    # High from 0.40: 0.40, 0.50, 0.60, 0.80 -> TP 3 (0.40, 0.60, 0.80), FP 1 (0.50);
    # low: TN 5, FN 1 (0.20).
    assert classification(Y, P, 0.40) == pytest.approx(
        {"sensitivity": 3 / 4, "specificity": 5 / 6, "ppv": 3 / 4, "npv": 5 / 6}
    )


def test_calibration_slope_and_intercept_equal_statsmodels_logit():
    fit = sm.Logit(Y, sm.add_constant(LP)).fit(disp=0)
    assert logistic_recalibration(Y, LP) == pytest.approx(tuple(fit.params), rel=1e-6)


def test_calibration_in_the_large_equals_statsmodels_logit_with_offset():
    fit = sm.Logit(Y, np.ones((len(Y), 1)), offset=LP).fit(disp=0)
    assert calibration_in_the_large(Y, LP) == pytest.approx(fit.params[0], rel=1e-6)


@pytest.fixture(scope="module")
def drawn_from_the_model():
    cohort = draw_cohort(2000, seed=7)
    return cohort, evaluate(cohort, 0.138, resamples=RESAMPLES, seed=1)


def test_auc_on_a_cohort_drawn_from_the_model_matches_the_exact_auc(drawn_from_the_model):
    cohort, metrics = drawn_from_the_model
    exact = theoretical_auc()
    auc = metrics.estimates["auc"]
    # Hanley and McNeil's standard error for this AUC and these numbers of events.
    q1, q2 = exact / (2 - exact), 2 * exact**2 / (1 + exact)
    events, non_events = cohort.events, cohort.n - cohort.events
    se = math.sqrt(
        (exact * (1 - exact) + (events - 1) * (q1 - exact**2) + (non_events - 1) * (q2 - exact**2))
        / (events * non_events)
    )
    assert abs(auc.estimate - exact) < 3 * se
    assert auc.ci95_low < exact < auc.ci95_high


def test_calibration_slope_on_a_cohort_drawn_from_the_model_is_about_one(drawn_from_the_model):
    slope = drawn_from_the_model[1].estimates["calibration_slope"]
    assert slope.ci95_low < 1 < slope.ci95_high


def test_calibration_in_the_large_on_a_cohort_drawn_from_the_model_is_about_zero(
    drawn_from_the_model,
):
    intercept = drawn_from_the_model[1].estimates["calibration_in_the_large"]
    assert intercept.ci95_low < 0 < intercept.ci95_high


def test_calibration_slope_detects_predictions_too_extreme():
    # Outcomes drawn with slope 0.6: the model's spread is too wide for them.
    cohort = draw_cohort(2000, seed=8, slope=0.6)
    y, p, lp = cohort.outcome, cohort.probability, cohort.linear_predictor
    assert point_metrics(y, p, lp, 0.138)["calibration_slope"] == pytest.approx(0.6, abs=0.15)


def test_every_interval_contains_its_estimate(drawn_from_the_model):
    for name, estimate in drawn_from_the_model[1].estimates.items():
        assert estimate.ci95_low <= estimate.estimate <= estimate.ci95_high, name


def test_fewer_than_100_events_warns_that_calibration_is_imprecise():
    cohort = draw_cohort(300, seed=3)
    assert cohort.events < MIN_EVENTS_FOR_CALIBRATION
    metrics = evaluate(cohort, 0.138, resamples=50)
    assert any("make calibration estimates imprecise" in w for w in metrics.warnings)


def test_enough_events_and_non_events_give_no_warning(drawn_from_the_model):
    cohort, metrics = drawn_from_the_model
    assert min(cohort.events, cohort.n - cohort.events) >= MIN_EVENTS_FOR_CALIBRATION
    assert metrics.warnings == ()


def test_a_cohort_without_events_cannot_be_validated():
    cohort = draw_cohort(40, seed=1, shift=-30.0)
    with pytest.raises(ValidationError, match="40 patients with 0 events"):
        evaluate(cohort, 0.138, resamples=10)
