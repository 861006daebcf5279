"""How many derivation patients had a combination of findings, estimated from Tables 2-3 with
the findings independent within group N (231) and group R (37). Expected values are worked
out by hand from the paper's counts (tests/scoring/paper.py), not from the model file."""

from __future__ import annotations

import pytest

from scoring import expected_derivation_patients, is_rare, load_model

from .paper import BLOCKY_CEMENT, GOUTALLIER, GROUP_SIZE

MODEL = load_model()


def findings(ivc=None, oedema=None, grade=None, cement=None):
    return {
        "intravertebral_vacuum_cleft": ivc,
        "posterior_fascia_oedema": oedema,
        "goutallier_grade": grade,
        "cement_distribution": cement,
    }


def test_every_risk_factor_together_is_estimated_in_about_a_third_of_a_patient():
    # Group N: 231 x (14/231)(12/231)(45/231)(75/231) = 14*12*45*75 / 231^3
    #        = 567000 / 12326391 = 0.0460
    # Group R: 37 x (6/37)(6/37)(20/37)(21/37) = 6*6*20*21 / 37^3 = 15120 / 50653 = 0.2985
    expected = expected_derivation_patients(MODEL, findings(True, True, 4, "blocky"))
    assert expected == pytest.approx(0.0460 + 0.2985, abs=0.0005)
    assert is_rare(MODEL, expected)


def test_no_risk_factor_is_the_commonest_combination():
    # Group N: 217*219*92*156 / 231^3 = 682050096 / 12326391 = 55.33
    # Group R: 31*31*3*16 / 37^3 = 46128 / 50653 = 0.91
    expected = expected_derivation_patients(MODEL, findings(False, False, 1, "spongy"))
    assert expected == pytest.approx(55.33 + 0.91, abs=0.01)
    assert not is_rare(MODEL, expected)


def test_unknown_findings_do_not_narrow_the_combination():
    # Only Goutallier 3-4 known: every such patient of Table 2, 45 + 20 = 65.
    expected = expected_derivation_patients(MODEL, findings(grade=3))
    assert expected == pytest.approx(GOUTALLIER["N"]["3-4"] + GOUTALLIER["R"]["3-4"])


def test_all_findings_unknown_is_the_whole_cohort():
    assert expected_derivation_patients(MODEL, findings()) == pytest.approx(
        sum(GROUP_SIZE.values())
    )


def test_blocky_cement_alone_is_the_papers_count():
    expected = expected_derivation_patients(MODEL, findings(cement="blocky"))
    assert expected == pytest.approx(BLOCKY_CEMENT["N"] + BLOCKY_CEMENT["R"])


def test_rarity_cut_off_is_data_in_the_model_file():
    assert MODEL.derivation_counts.rare_below == 5
    assert is_rare(MODEL, 4.99) and not is_rare(MODEL, 5.0)
