"""Table 4 checked against itself, and the model file checked against the reconciled Table 4.

Printed values carry three decimals, so every comparison allows for B and SE each being off
by up to 0.0005 and the printed statistic by its own rounding.
"""

from __future__ import annotations

import itertools
import math

import pytest

from scoring import load_model

from .paper import TABLE_4, Table4Row

HALF_UNIT = 0.0005  # half of the last printed decimal
Z_95 = 1.959964


def _corners(b: float, se: float) -> list[tuple[float, float]]:
    return [(b + db, se + ds) for db, ds in itertools.product((-HALF_UNIT, HALF_UNIT), repeat=2)]


def odds_ratio_agrees(b: float, row: Table4Row) -> bool:
    low, high = math.exp(b - HALF_UNIT), math.exp(b + HALF_UNIT)
    return low - HALF_UNIT <= row.odds_ratio <= high + HALF_UNIT


def wald_agrees(b: float, se: float, row: Table4Row) -> bool:
    walds = [(bb / ss) ** 2 for bb, ss in _corners(b, se)]
    return min(walds) - HALF_UNIT <= row.wald <= max(walds) + HALF_UNIT


def ci_agrees(b: float, se: float, row: Table4Row) -> bool:
    lows = [math.exp(bb - Z_95 * ss) for bb, ss in _corners(b, se)]
    highs = [math.exp(bb + Z_95 * ss) for bb, ss in _corners(b, se)]
    return (
        min(lows) - HALF_UNIT <= row.ci_low <= max(lows) + HALF_UNIT
        and min(highs) - HALF_UNIT <= row.ci_high <= max(highs) + HALF_UNIT
    )


CONSISTENT_ROWS = ["IVC (Yes)", "Goutallier grade 2", "Goutallier grade 3-4"]


@pytest.mark.parametrize("name", CONSISTENT_ROWS)
def test_printed_row_agrees_with_itself(name):
    row = TABLE_4[name]
    assert odds_ratio_agrees(row.b, row)
    assert wald_agrees(row.b, row.se, row)
    assert ci_agrees(row.b, row.se, row)


def test_printed_constant_agrees_with_its_wald_and_exp():
    row = TABLE_4["Constant"]
    assert round(math.exp(row.b), 3) == row.odds_ratio
    assert wald_agrees(row.b, row.se, row)


def test_printed_oedema_b_disagrees_with_its_own_or_ci_and_wald():
    row = TABLE_4["Posterior fascia oedema (Yes)"]
    assert not odds_ratio_agrees(row.b, row)
    assert not wald_agrees(row.b, row.se, row)
    assert not ci_agrees(row.b, row.se, row)


def test_oedema_b_of_1_377_agrees_with_or_ci_and_wald():
    row = TABLE_4["Posterior fascia oedema (Yes)"]
    corrected = 1.377  # ln(3.965) = 1.3775; the mean of ln(1.218) and ln(12.907) is 1.3775
    assert odds_ratio_agrees(corrected, row)
    assert wald_agrees(corrected, row.se, row)
    assert ci_agrees(corrected, row.se, row)


def test_printed_cement_b_sign_contradicts_its_or_and_ci():
    row = TABLE_4["Cement distribution (Blocky)"]
    assert math.exp(row.b) < 1 < row.ci_low < row.odds_ratio


def test_printed_cement_row_agrees_with_itself_once_read_as_blocky_versus_spongy():
    row = TABLE_4["Cement distribution (Blocky)"]
    blocky_vs_spongy = -row.b
    assert odds_ratio_agrees(blocky_vs_spongy, row)
    assert wald_agrees(blocky_vs_spongy, row.se, row)
    assert ci_agrees(blocky_vs_spongy, row.se, row)


# --- the model file against the reconciled table -------------------------------------------


def _coefficient(predictor: str, level: str) -> float:
    model = load_model()
    levels = {p.name: {lv.label: lv.coefficient for lv in p.levels} for p in model.predictors}
    return levels[predictor][level]


def _standard_error(predictor: str, level: str) -> float:
    model = load_model()
    spec = next(p for p in model.document["predictors"] if p["name"] == predictor)
    return next(lv["standard_error"] for lv in spec["levels"] if lv["label"] == level)


@pytest.mark.parametrize(
    ("row_name", "predictor", "level", "reference_level"),
    [
        ("IVC (Yes)", "intravertebral_vacuum_cleft", "present", "absent"),
        ("Posterior fascia oedema (Yes)", "posterior_fascia_oedema", "present", "absent"),
        ("Goutallier grade 2", "goutallier_grade", "grade 2", "grade 0-1"),
        ("Goutallier grade 3-4", "goutallier_grade", "grade 3-4", "grade 0-1"),
        ("Cement distribution (Blocky)", "cement_distribution", "spongy", "blocky"),
    ],
)
def test_model_file_reproduces_table_4_or_ci_and_wald(row_name, predictor, level, reference_level):
    row = TABLE_4[row_name]
    # Table 4's OR is always "risk level versus safer level"; for cement that is blocky vs spongy.
    risk_vs_safe = abs(_coefficient(predictor, level) - _coefficient(predictor, reference_level))
    se = _standard_error(predictor, level)
    assert odds_ratio_agrees(risk_vs_safe, row)
    assert wald_agrees(risk_vs_safe, se, row)
    assert ci_agrees(risk_vs_safe, se, row)


def test_model_file_oedema_coefficient_is_the_corrected_one_not_the_printed_one():
    assert _coefficient("posterior_fascia_oedema", "present") == pytest.approx(1.377, abs=1e-9)


def test_model_file_blocky_cement_is_the_reference_and_spongy_lowers_the_risk():
    assert _coefficient("cement_distribution", "blocky") == 0.0
    assert _coefficient("cement_distribution", "spongy") == pytest.approx(-0.800, abs=1e-9)


def test_model_file_intercept_is_the_printed_constant():
    assert load_model().intercept == pytest.approx(TABLE_4["Constant"].b, abs=1e-9)
