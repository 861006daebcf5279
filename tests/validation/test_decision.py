"""The decision curve equals the dcurves package's, and reads as net benefit should."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from validation import decision_curve
from validation.decision import THRESHOLDS

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


def test_useful_range_is_where_the_model_beats_both_strategies():
    # Risks that separate the outcome perfectly: the model wins at every threshold below 0.9
    # where treat-all has lost its lead.
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    p = np.array([0.9, 0.9, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05])
    assert decision_curve(y, p).useful_range() == (0.06, 0.7)
