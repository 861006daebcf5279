"""The decision curve equals the dcurves package's, and reads as net benefit should."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from validation import decision_curve
from validation.decision import THRESHOLDS, Run, runs, threshold_table

from .cohorts import draw_cohort


@pytest.fixture(scope="module")
def cohort():
    return draw_cohort(500, seed=4)


@pytest.fixture(scope="module")
def reference(cohort):
    from dcurves import dca

    data = pd.DataFrame({"outcome": cohort.outcome, "model": cohort.probability})
    # dcurves warns about pandas idioms of its own; they do not touch the numbers.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = dca(data=data, outcome="outcome", modelnames=["model"], thresholds=THRESHOLDS)
    return {name: rows["net_benefit"].to_numpy() for name, rows in table.groupby("model")}


def test_model_net_benefit_equals_dcurves(cohort, reference):
    curve = decision_curve(cohort.outcome, cohort.probability)
    np.testing.assert_allclose(curve.model, reference["model"], atol=1e-12)


def test_treat_all_net_benefit_equals_dcurves(cohort, reference):
    curve = decision_curve(cohort.outcome, cohort.probability)
    np.testing.assert_allclose(curve.treat_all, reference["all"], atol=1e-12)


def test_treat_all_at_a_threshold_near_zero_is_the_prevalence():
    y = np.array([1, 0, 0, 0])
    curve = decision_curve(y, np.full(4, 0.5), np.array([1e-9]))
    assert curve.treat_all[0] == pytest.approx(0.25)


def test_runs_are_contiguous_and_say_when_they_reach_the_end_of_the_range():
    thresholds = np.round(np.arange(0.01, 0.701, 0.01), 2)
    # Holds from 5% to 12%, fails at 13%-19%, holds again from 20% to 50%.
    mask = ((thresholds >= 0.05) & (thresholds <= 0.12)) | (
        (thresholds >= 0.20) & (thresholds <= 0.50)
    )
    assert runs(thresholds, mask, (0.05, 0.40)) == (
        Run(0.05, 0.12, open_low=True, open_high=False),
        Run(0.20, 0.40, open_low=False, open_high=True),
    )


def test_useful_runs_are_read_only_within_the_range_examined():
    # Risks that separate the outcome perfectly: the model beats both defaults from 6% up,
    # which within 5%-40% is a single run from 6% to the end of the range.
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.9, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05])
    assert decision_curve(y, p).useful_runs((0.05, 0.40)) == (
        Run(0.06, 0.40, open_low=False, open_high=True),
    )


def test_threshold_table_counts_the_alert_burden_and_its_net_benefit():
    # 10 patients, 2 events; at 20%: flagged 0.9, 0.5, 0.3 (3 of 10), 2 of them events.
    # Net benefit 2/10 - 1/10 x 0.2/0.8 = 0.175; treat all 2/10 - 8/10 x 0.25 = 0.0.
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.5, 0.3, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05])
    (row,) = threshold_table(y, p, [0.2])
    assert (row.flagged, row.flagged_share, row.true_positives, row.events) == (3, 0.3, 2, 2)
    assert row.net_benefit_model == pytest.approx(0.175)
    assert row.net_benefit_treat_all == pytest.approx(0.0)
