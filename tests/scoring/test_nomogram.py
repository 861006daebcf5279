"""The nomogram's geometry against Figure 7's construction, done by hand from Table 4.

rms convention: the widest predictor (Goutallier 3-4 against 0-1, B 2.622) spans 100 points,
so one unit of the linear predictor is 100 / 2.622 = 38.139 points; a patient with 0 points
has every lowest-risk level: logit -3.361 - 0.800 (spongy cement) = -4.161.
"""

from __future__ import annotations

import itertools
import math

import pytest

from scoring import (
    Possibility,
    RiskTiers,
    load_model,
    model_from_document,
    nomogram,
    possibilities,
    predict,
)
from scoring.nomogram import nice_step

from .paper import reconciled_probability

POINTS_PER_UNIT = 100 / 2.622
LOGIT_AT_ZERO_POINTS = -3.361 - 0.800


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def drawn(model):
    return nomogram(model)


def category_points(drawn):
    return {(row.name, c.label): c.points for row in drawn.rows for c in row.categories}


@pytest.mark.parametrize(
    ("row", "category", "expected"),
    [
        ("intravertebral_vacuum_cleft", "absent", 0.0),
        ("intravertebral_vacuum_cleft", "present", 1.332 * POINTS_PER_UNIT),  # 50.8
        ("posterior_fascia_oedema", "present", 1.377 * POINTS_PER_UNIT),  # 52.5
        ("goutallier_grade", "grade 0-1", 0.0),
        ("goutallier_grade", "grade 2", 1.758 * POINTS_PER_UNIT),  # 67.0
        ("goutallier_grade", "grade 3-4", 100.0),
        # Spongy is the lower-risk cement, so it scores 0 and blocky 0.800 units: 30.5.
        ("cement_distribution", "spongy", 0.0),
        ("cement_distribution", "blocky", 0.800 * POINTS_PER_UNIT),
    ],
)
def test_category_points_follow_the_rms_convention(drawn, row, category, expected):
    assert category_points(drawn)[(row, category)] == pytest.approx(expected)


def test_highest_total_is_every_risk_factor_and_axis_ends_at_a_round_number(drawn):
    # (1.332 + 1.377 + 2.622 + 0.800) * 38.139 = 233.8 points
    assert drawn.max_total_points == pytest.approx(6.131 * POINTS_PER_UNIT)
    assert drawn.total_points_end == 250
    assert [t.value for t in drawn.total_points_axis.ticks] == [0, 50, 100, 150, 200, 250]


def test_points_axis_runs_from_0_to_100(drawn):
    ticks = drawn.points_axis.ticks
    assert (ticks[0].value, ticks[-1].value) == (0, 100)
    assert all(t.value == t.position for t in ticks)


@pytest.mark.parametrize("probability", [0.05, 0.1, 0.2, 0.5, 0.8])
def test_probability_tick_stands_where_that_risk_is_reached(drawn, probability):
    logit = math.log(probability / (1 - probability))
    expected = (logit - LOGIT_AT_ZERO_POINTS) * POINTS_PER_UNIT  # 0.5 -> 158.7 points
    tick = next(t for t in drawn.probability_axis.ticks if t.value == probability)
    assert tick.position == pytest.approx(expected)


def test_probability_axis_labels_only_reachable_risks(drawn):
    # Reachable: 1.5% (0 points) to 87.8% (233.8 points).
    assert [t.value for t in drawn.probability_axis.ticks] == [
        0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
    ]  # fmt: skip


def test_linear_predictor_ticks_are_whole_units_placed_by_hand_formula(drawn):
    ticks = drawn.linear_predictor_axis.ticks
    assert [t.value for t in ticks] == [-4, -3, -2, -1, 0, 1]
    for tick in ticks:
        assert tick.position == pytest.approx((tick.value - LOGIT_AT_ZERO_POINTS) * POINTS_PER_UNIT)


def test_reading_the_chart_gives_the_paper_risk_for_every_combination(model, drawn):
    """Add the category points as a reader of Figure 7 would, go down to the risk axis, and
    land on the paper's probability for every one of the 40 combinations of values."""
    for row_values in _every_combination(model):
        findings = dict(row_values)
        total = sum(
            next(c.points for c in row.categories if findings[row.name] in c.values)
            for row in drawn.rows
        )
        risk = 1 / (1 + math.exp(-(LOGIT_AT_ZERO_POINTS + total / POINTS_PER_UNIT)))
        assert risk == pytest.approx(reconciled_probability(*findings.values()), abs=1e-3)


def test_drawing_and_prediction_agree_on_total_points(model, drawn):
    for row_values in _every_combination(model):
        estimate = predict(model, dict(row_values), RiskTiers.for_model(model))
        assert drawn.scale.linear_predictor(estimate.total_points.low) == pytest.approx(
            estimate.linear_predictor.low
        )


def test_unknown_finding_spans_its_rows_points(drawn):
    goutallier = next(row for row in drawn.rows if row.name == "goutallier_grade")
    assert goutallier.points_range == (0.0, 100.0)


@pytest.mark.parametrize(
    ("span", "step"), [(100, 20), (233.8, 50), (6.13, 1), (0.5, 0.1), (7, 1), (8, 2)]
)
def test_nice_step_cuts_a_span_into_at_most_seven_round_intervals(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_recalibrated_model_redraws_its_probability_axis(model):
    # A site intercept one unit higher: 50% is reached one unit (38.1 points) earlier.
    document = {**model.document, "intercept": {"coefficient": -2.361, "standard_error": 0.7}}
    shifted = nomogram(model_from_document(document))
    half = next(t for t in shifted.probability_axis.ticks if t.value == 0.5)
    assert half.position == pytest.approx((0 - (LOGIT_AT_ZERO_POINTS + 1)) * POINTS_PER_UNIT)


def _every_combination(model):
    return itertools.product(*([(p.name, v) for v in p.domain] for p in model.predictors))


def test_position_of_risk_and_which_risks_a_patient_can_reach(drawn):
    # 50% is logit 0: (0 + 4.161) x 38.139 = 158.7 points; reachable risks run 1.5%-87.8%.
    assert drawn.position_of_risk(0.5) == pytest.approx(4.161 * POINTS_PER_UNIT)
    assert drawn.reaches(0.5) and drawn.reaches(0.02) and drawn.reaches(0.87)
    assert not drawn.reaches(0.01) and not drawn.reaches(0.9)


def risk_of(logit):
    return 1 / (1 + math.exp(-logit))


def places(model, **findings):
    known = {p.name: None for p in model.predictors} | findings
    tiers = RiskTiers.for_model(model)
    return possibilities(model, predict(model, known, tiers), tiers)


def test_unknown_cement_leaves_two_possible_places(model):
    # Goutallier 2, nothing else known: spongy -3.361 + 1.758 - 0.800 = -2.403 at 67.05 points
    # (1.758 x 38.139), blocky -1.603 at 67.05 + 30.51 = 97.56 points.
    found = places(
        model, intravertebral_vacuum_cleft=False, posterior_fascia_oedema=False, goutallier_grade=2
    )
    assert [place.levels for place in found] == [
        (("cement_distribution", "spongy"),),
        (("cement_distribution", "blocky"),),
    ]
    assert [place.estimate.probability.low for place in found] == pytest.approx(
        [risk_of(-2.403), risk_of(-1.603)]
    )
    assert [place.estimate.total_points.low for place in found] == pytest.approx(
        [67.05, 97.56], abs=0.01
    )


def test_unknown_goutallier_and_cement_leave_six_possible_places_lowest_first(model):
    # IVC and oedema absent: -3.361 + Goutallier (0, 1.758, 2.622) + cement (spongy -0.800,
    # blocky 0); points: Goutallier 0, 67.05, 100, blocky 30.51.
    found = places(model, intravertebral_vacuum_cleft=False, posterior_fascia_oedema=False)
    expected = [
        ("grade 0-1", "spongy", -4.161, 0.0),
        ("grade 0-1", "blocky", -3.361, 30.51),
        ("grade 2", "spongy", -2.403, 67.05),
        ("grade 2", "blocky", -1.603, 97.56),
        ("grade 3-4", "spongy", -1.539, 100.0),
        ("grade 3-4", "blocky", -0.739, 130.51),
    ]
    assert [place.levels for place in found] == [
        (("goutallier_grade", grade), ("cement_distribution", cement))
        for grade, cement, _, _ in expected
    ]
    for place, (_, _, logit, points) in zip(found, expected, strict=True):
        assert place.estimate.probability.low == pytest.approx(risk_of(logit))
        assert place.estimate.total_points.low == pytest.approx(points, abs=0.01)
        assert place.estimate.probability.is_point


def test_nothing_known_leaves_every_combination_from_the_lowest_to_the_highest(model):
    # 2 x 2 x 3 x 2 levels; 0 points is logit -4.161 (1.5%), the highest -3.361 + 1.332 +
    # 1.377 + 2.622 = 1.970 (87.8%).
    found = places(model)
    assert len(found) == 24
    assert found[0].estimate.probability.low == pytest.approx(risk_of(-4.161))
    assert found[-1].estimate.probability.low == pytest.approx(risk_of(1.970))


def test_with_every_finding_known_the_one_place_is_the_estimate(model):
    findings = {
        "intravertebral_vacuum_cleft": True,
        "posterior_fascia_oedema": False,
        "goutallier_grade": 3,
        "cement_distribution": "blocky",
    }
    tiers = RiskTiers.for_model(model)
    estimate = predict(model, findings, tiers)
    assert possibilities(model, estimate, tiers) == (Possibility((), estimate),)
