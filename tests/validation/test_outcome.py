"""The outcome: the pain score nearest one month (day 30, from the model file's follow-up)
within 14 days either side."""

from __future__ import annotations

from scoring import load_model
from validation import OutcomeWindow, PainScore
from validation.outcome import CONFLICTING

WINDOW = OutcomeWindow.for_model(load_model())


def test_default_window_is_day_30_plus_or_minus_14():
    assert (WINDOW.first_day, WINDOW.last_day) == (16, 44)


def test_score_nearest_day_30_decides():
    outcome = WINDOW.outcome([PainScore(1, 7), PainScore(3, 6), PainScore(27, 5), PainScore(40, 2)])
    assert outcome.score == 5


def test_scores_outside_the_window_do_not_count():
    outcome = WINDOW.outcome([PainScore(3, 6), PainScore(45, 2), PainScore(15, 2)])
    assert outcome.score is None
    assert outcome.reason == "no pain score on record days 16-44 after the procedure"


def test_window_ends_count():
    assert WINDOW.outcome([PainScore(44, 3)]).score == 3
    assert WINDOW.outcome([PainScore(16, 3)]).score == 3


def test_equally_near_scores_that_disagree_leave_the_outcome_unknown():
    outcome = WINDOW.outcome([PainScore(28, 6), PainScore(32, 2)])
    assert (outcome.score, outcome.reason) == (None, CONFLICTING)


def test_equally_near_scores_that_agree_give_the_outcome():
    assert WINDOW.outcome([PainScore(28, 6), PainScore(32, 5)]).score in (5, 6)
