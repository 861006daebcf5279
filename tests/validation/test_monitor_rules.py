"""The monitor's rules on their own: when an outcome is settled or still pending, and the
range observed/expected keeps while the model holds, worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring import load_model
from validation.monitor import EVENT, NO_OUTCOME, NON_EVENT, PENDING, expected_range, settle
from validation.outcome import OutcomeWindow, PainScore

#: Li 2021: one month is day 30; scores count on days 16-44; residual pain from VAS 4.
WINDOW = OutcomeWindow.for_model(load_model())


@pytest.mark.parametrize(
    ("scores", "day_now", "state"),
    [
        ([], 20, PENDING),  # window open, nothing yet
        ([], 45, NO_OUTCOME),  # window closed, nothing recorded
        ([PainScore(30, 6)], 31, EVENT),  # a day-30 score cannot be bettered after day 30
        ([PainScore(30, 2)], 31, NON_EVENT),
        ([PainScore(30, 6)], 30, PENDING),  # a disagreeing day-30 score could still come today
        ([PainScore(20, 6)], 40, PENDING),  # a score on days 21-40 would be nearer day 30
        ([PainScore(20, 6)], 41, EVENT),
        ([PainScore(35, 1)], 36, NON_EVENT),
        ([PainScore(20, 6), PainScore(40, 1)], 45, NO_OUTCOME),  # equally near, disagreeing
        ([PainScore(31, 6)], 25, PENDING),  # dated after the monitor's day: not yet known
        ([PainScore(3, 8)], 45, NO_OUTCOME),  # the 3-day score is not the outcome
    ],
)
def test_an_outcome_is_settled_only_when_no_nearer_score_can_come(scores, day_now, state):
    assert settle(WINDOW, scores, day_now) == state


def test_the_expected_range_of_observed_over_expected_by_hand():
    # 25 patients at 20%: 5 events expected, variance 25 x 0.2 x 0.8 = 4, sd 2;
    # 1.96 x 2 / 5 = 0.784: observed/expected from 0.216 to 1.784.
    low, high = expected_range(np.full(25, 0.2))
    assert math.isclose(low, 1 - 1.959963984540054 * 2 / 5)
    assert math.isclose(high, 1 + 1.959963984540054 * 2 / 5)


def test_no_expected_range_without_patients():
    assert expected_range(np.array([])) == (None, None)
