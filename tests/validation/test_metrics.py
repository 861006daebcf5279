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
    MIN_EVENTS_FOR_CALIBRATION_CURVE,
    Count,
    IntervalMethod,
    brier_reference,
    calibration_estimates,
    calibration_in_the_large,
    classification,
    classification_counts,
    logistic_recalibration,
    point_metrics,
    wilson,
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
    # low: TN 5, FN 1 (0.20). Flagged: 4 of 10.
    assert classification(Y, P, 0.40) == pytest.approx(
        {"flagged": 4 / 10, "sensitivity": 3 / 4, "specificity": 5 / 6, "ppv": 3 / 4, "npv": 5 / 6}
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


def test_enough_events_and_non_events_give_no_warning():
    cohort = draw_cohort(3000, seed=7)
    assert min(cohort.events, cohort.n - cohort.events) >= MIN_EVENTS_FOR_CALIBRATION_CURVE
    assert evaluate(cohort, 0.138, resamples=20).warnings == ()


def test_a_cohort_without_events_cannot_be_validated():
    cohort = draw_cohort(40, seed=1, shift=-30.0)
    with pytest.raises(ValidationError, match="40 patients with 0 events"):
        evaluate(cohort, 0.138, resamples=10)


def test_a_proportion_of_17_of_17_has_an_interval_below_1():
    # Wilson (1927) by hand for 17/17, z = 1.96: centre (1 + z^2/34) / (1 + z^2/17), half-width
    # z sqrt(z^2 / (4 x 17^2)) / (1 + z^2/17); lower bound 0.8157. A percentile bootstrap of
    # 17 events all flagged gives 1.000 to 1.000.
    z = 1.959964
    centre = (1 + z**2 / 34) / (1 + z**2 / 17)
    half = z * math.sqrt(z**2 / (4 * 17**2)) / (1 + z**2 / 17)
    estimate = wilson(17, 17)
    assert estimate.ci95_low == pytest.approx(centre - half, abs=1e-6)
    assert estimate.ci95_low == pytest.approx(0.8157, abs=1e-4)
    assert estimate.ci95_low < 1


def test_sensitivity_of_every_event_flagged_has_a_wilson_interval_below_1():
    # 17 events, all at or above the threshold; 103 non-events, 40 of them flagged.
    y = np.array([1] * 17 + [0] * 103)
    p = np.array([0.5] * 17 + [0.5] * 40 + [0.05] * 63)
    counts = classification_counts(y, p, 0.2)
    assert (counts["sensitivity"].events, counts["sensitivity"].total) == (17, 17)
    sensitivity = counts["sensitivity"].estimate()
    assert sensitivity.estimate == 1.0 and sensitivity.ci95_low < 1
    assert sensitivity.method == IntervalMethod.WILSON


def test_share_flagged_is_the_patients_at_or_above_the_threshold():
    # 0.40, 0.50, 0.60, 0.80: 4 of 10.
    assert classification_counts(Y, P, 0.40)["flagged"] == Count(4, 10)


def test_scaled_brier_is_one_minus_brier_over_that_of_the_event_rate():
    # Event rate 0.4: the reference Brier score is 0.4 x 0.6 = 0.24.
    hand_brier = float(np.mean((P - Y) ** 2))
    assert brier_reference(Y) == pytest.approx(0.24)
    assert point_metrics(Y, P, LP, 0.5)["scaled_brier"] == pytest.approx(1 - hand_brier / 0.24)


def test_calibration_intervals_are_the_wald_intervals_of_statsmodels_logit():
    slope = sm.Logit(Y, sm.add_constant(LP)).fit(disp=0)
    intercept = sm.Logit(Y, np.ones((len(Y), 1)), offset=LP).fit(disp=0)
    found = calibration_estimates(Y, LP)
    assert (found["calibration_slope"].ci95_low, found["calibration_slope"].ci95_high) == (
        pytest.approx(tuple(slope.conf_int()[1]), rel=1e-5)
    )
    assert (
        found["calibration_in_the_large"].ci95_low,
        found["calibration_in_the_large"].ci95_high,
    ) == pytest.approx(tuple(intercept.conf_int()[0]), rel=1e-5)


def test_every_metric_names_its_interval_method(drawn_from_the_model):
    methods = {name: e.method for name, e in drawn_from_the_model[1].estimates.items()}
    assert methods["sensitivity"] == methods["flagged"] == IntervalMethod.WILSON
    assert methods["calibration_slope"] == IntervalMethod.WALD
    assert methods["auc"] == methods["scaled_brier"] == IntervalMethod.BOOTSTRAP


def test_warnings_name_their_sources():
    metrics = evaluate(draw_cohort(300, seed=3), 0.138, resamples=20)
    warning = next(w for w in metrics.warnings if "imprecise" in w)
    assert "Collins et al., Stat Med 2016" in warning and "Riley et al., BMJ 2024" in warning


def test_between_100_and_200_events_warns_about_the_calibration_curve():
    cohort = draw_cohort(1200, seed=9)
    assert 100 <= min(cohort.events, cohort.n - cohort.events) < 200
    metrics = evaluate(cohort, 0.138, resamples=20)
    assert any("Van Calster et al., J Clin Epidemiol 2016" in w for w in metrics.warnings)
