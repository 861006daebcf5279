"""The figures draw what the report prints."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from validation import evaluate
from validation.plots import CURVE_SUPPORT, ROC_CURVE_ID, roc_figure, supported_range

from .cohorts import draw_cohort


def drawn_roc_line(figure):
    return next(line for line in figure.axes[0].get_lines() if line.get_gid() == ROC_CURVE_ID)


def area_as_drawn(line) -> float:
    """The area under the line as matplotlib draws it: straight segments between its points
    unless its draw style makes steps."""
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    if line.get_drawstyle() == "steps-post":
        return float(np.sum(np.diff(x) * y[:-1]))
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def mann_whitney_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Every event/non-event pair counted by hand: 1 if the event's risk is higher, 1/2 tied."""
    events, others = p[y == 1], p[y == 0]
    pairs = itertools.product(events, others)
    return sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / (
        len(events) * len(others)
    )


@pytest.fixture(scope="module")
def tied():
    # 24 finding combinations at most: many patients share each risk.
    cohort = draw_cohort(300, seed=21)
    assert len(np.unique(cohort.probability)) < 30
    return cohort, evaluate(cohort, 0.2, resamples=20)


def test_roc_area_as_drawn_equals_the_auc_on_tied_scores(tied):
    cohort, metrics = tied
    line = drawn_roc_line(roc_figure(cohort, metrics, "tied", 20, 1))
    area = area_as_drawn(line)
    assert area == pytest.approx(mann_whitney_auc(cohort.outcome, cohort.probability), abs=0.005)
    assert area == pytest.approx(metrics.estimates["auc"].estimate, abs=0.005)


def test_roc_legend_prints_the_auc_the_curve_encloses(tied):
    cohort, metrics = tied
    line = drawn_roc_line(roc_figure(cohort, metrics, "tied", 20, 1))
    printed = float(re.search(r"AUC (\d\.\d+)", line.get_label()).group(1))
    assert printed == pytest.approx(area_as_drawn(line), abs=0.005)


def test_smoothed_calibration_curve_stops_where_fewer_patients_lie_beyond():
    p = np.arange(1, 41) / 100
    # The 10th lowest risk is 0.10, the 10th highest 0.31.
    assert CURVE_SUPPORT == 10
    assert supported_range(p) == (0.10, 0.31)


def test_no_smoothed_curve_through_risks_that_hardly_vary():
    assert supported_range(np.array([0.2] * 30 + [0.3] * 5)) is None
