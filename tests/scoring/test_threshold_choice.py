"""The default alert threshold of 20% against the cohort rebuilt by hand from the paper's
Tables 2-3 and Table 4 (docs/model-derivation.md sections 2 and 4), not from the model file."""

from __future__ import annotations

import itertools

import pytest

from scoring import load_model

from .paper import (
    BLOCKY_CEMENT,
    GOUTALLIER,
    GROUP_SIZE,
    IVC_PRESENT,
    OBSERVED_EVENTS,
    OEDEMA_PRESENT,
    reconciled_probability,
)

GRADES = {"0-1": 0, "2": 2, "3-4": 3}


def rebuilt_cohort() -> list[tuple[float, float, float]]:
    """(risk, patients of group N, patients of group R) per combination of findings, the
    findings independent within each group."""
    rows = []
    for ivc, oedema, grade, blocky in itertools.product(
        (True, False), (True, False), GRADES, (True, False)
    ):
        counts = []
        for group in "NR":
            size = GROUP_SIZE[group]
            share = (IVC_PRESENT[group] if ivc else size - IVC_PRESENT[group]) / size
            share *= (OEDEMA_PRESENT[group] if oedema else size - OEDEMA_PRESENT[group]) / size
            share *= GOUTALLIER[group][grade] / size
            share *= (BLOCKY_CEMENT[group] if blocky else size - BLOCKY_CEMENT[group]) / size
            counts.append(size * share)
        risk = reconciled_probability(ivc, oedema, GRADES[grade], "blocky" if blocky else "spongy")
        rows.append((risk, *counts))
    return rows


def at(threshold: float) -> dict[str, float]:
    flagged = [(n, r) for risk, n, r in rebuilt_cohort() if risk >= threshold]
    false_alarms, true_alarms = sum(n for n, _ in flagged), sum(r for _, r in flagged)
    total = sum(GROUP_SIZE.values())
    return {
        "flagged": true_alarms + false_alarms,
        "events_flagged": true_alarms,
        "net_benefit": true_alarms / total - false_alarms / total * threshold / (1 - threshold),
        "treat_all": OBSERVED_EVENTS / total
        - (total - OBSERVED_EVENTS) / total * threshold / (1 - threshold),
    }


def test_the_model_file_default_is_the_threshold_worked_out_here():
    assert load_model().risk_threshold.default == 0.20


def test_at_20_percent_one_patient_in_six_is_flagged_and_half_the_events():
    found = at(0.20)
    assert found["flagged"] == pytest.approx(46.5, abs=0.1)
    assert found["flagged"] / 268 == pytest.approx(0.173, abs=0.001)
    assert found["events_flagged"] == pytest.approx(18.1, abs=0.1)
    assert found["events_flagged"] / found["flagged"] == pytest.approx(0.39, abs=0.005)


def test_at_20_percent_the_model_beats_treating_everyone_and_no_one():
    found = at(0.20)
    assert found["net_benefit"] == pytest.approx(0.041, abs=0.0005)
    assert found["treat_all"] == pytest.approx(-0.077, abs=0.0005)
    assert found["net_benefit"] > max(found["treat_all"], 0.0)


def test_at_the_cohort_average_four_patients_in_ten_would_be_flagged():
    assert at(0.138)["flagged"] / 268 == pytest.approx(0.420, abs=0.001)


def test_no_risk_the_model_can_give_lies_between_19_and_25_5_percent():
    # So every threshold from 19.0% to 25.5% flags the same patients as 20%.
    risks = sorted(risk for risk, _, _ in rebuilt_cohort())
    below = max(r for r in risks if r < 0.20)
    above = min(r for r in risks if r >= 0.20)
    assert (round(below, 3), round(above, 3)) == (0.19, 0.255)
