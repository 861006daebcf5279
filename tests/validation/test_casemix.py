"""The case-mix table against the paper's Tables 2-3, counted by hand."""

from __future__ import annotations

import pytest

from scoring import load_model
from validation import CohortBuilder
from validation.casemix import case_mix, study_risk_distribution
from validation.cohort import Case

from ..scoring.paper import BLOCKY_CEMENT, GOUTALLIER, IVC_PRESENT, OEDEMA_PRESENT
from .cohorts import PROCEDURE_DAY


def findings(ivc, oedema, grade, cement):
    return {
        "intravertebral_vacuum_cleft": ivc,
        "posterior_fascia_oedema": oedema,
        "goutallier_grade": grade,
        "cement_distribution": cement,
    }


@pytest.fixture(scope="module")
def mix():
    builder = CohortBuilder()
    for case in (
        findings(True, False, 3, "blocky"),
        findings(False, False, 1, "spongy"),
        findings(False, True, 2, "spongy"),
        findings(False, False, 0, "spongy"),
    ):
        builder.add(Case(PROCEDURE_DAY, case, 5.0))
    builder.add(Case(PROCEDURE_DAY, findings(False, False, 4, "blocky"), 1.0))
    model = load_model()
    return case_mix(model, builder.build(model, "five"), 0.2)


def row(mix, finding_starts, level):
    return next(r for r in mix.levels if r.finding.startswith(finding_starts) and r.level == level)


def test_study_column_is_tables_2_and_3_summed_over_both_groups(mix):
    assert row(mix, "Intravertebral", "present").study == IVC_PRESENT["N"] + IVC_PRESENT["R"]
    assert row(mix, "Posterior", "present").study == OEDEMA_PRESENT["N"] + OEDEMA_PRESENT["R"]
    assert (
        row(mix, "Paraspinal", "grade 3-4").study
        == 45 + 20
        == sum(GOUTALLIER[g]["3-4"] for g in "NR")
    )
    assert row(mix, "Bone cement", "blocky").study == BLOCKY_CEMENT["N"] + BLOCKY_CEMENT["R"]
    assert {r.study_total for r in mix.levels} == {268}


def test_site_column_counts_each_level_once_per_patient(mix):
    # Grades 3 and 4 are one level; 0 and 1 another.
    assert (row(mix, "Paraspinal", "grade 3-4").site, row(mix, "Paraspinal", "grade 0-1").site) == (
        2,
        2,
    )
    assert row(mix, "Intravertebral", "present").site == 1
    assert {r.site_total for r in mix.levels} == {5}


def test_study_risk_flagged_share_is_that_of_the_rebuilt_cohort():
    # From the rebuilt cohort of docs/model-derivation.md: at 13.8%, 112.6 of 268 (42.0%).
    distribution = study_risk_distribution(load_model(), 0.138)
    assert distribution.flagged == pytest.approx(112.6 / 268, abs=0.001)
    # Its mean predicted risk is its expected events over its size: 36.9 of 268.
    assert distribution.mean == pytest.approx(36.9 / 268, abs=0.001)
