"""The generated cohort: reproducible from its seed, shaped like the paper's 268 patients, with
outcomes drawn from the model. Expected shares are the paper's totals (Tables 1-3); the
tolerance is four binomial standard deviations of a cohort of LARGE patients."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import pytest

from devtools.synthetic import generate_cohort, transaction
from devtools.synthetic.records import SyntheticPatient
from scoring import load_model, model_from_document
from tests.scoring.paper import reconciled_probability

SEED = 2021
LARGE = 5000
PAPER_COHORT = 268
PAPER_EVENTS = 37
THORACIC_T4_T10 = ("T4", "T5", "T6", "T7", "T8", "T9", "T10")
THORACOLUMBAR_T11_L2 = ("T11", "T12", "L1", "L2")
LUMBAR_L3_L5 = ("L3", "L4", "L5")


@pytest.fixture(scope="module")
def large_cohort() -> list[SyntheticPatient]:
    return generate_cohort(LARGE, SEED)


def within_sampling_error(observed: int, expected_share: float, size: int) -> bool:
    sd = math.sqrt(expected_share * (1 - expected_share) / size)
    return abs(observed / size - expected_share) <= 4 * sd


def level(patient: SyntheticPatient) -> str:
    (only,) = patient.procedures[0].levels
    return only.value


SHARES: dict[str, tuple[Callable[[SyntheticPatient], bool], int]] = {
    # Table 2: 14 + 6 with a vacuum cleft, 12 + 6 with fascia oedema.
    "vacuum cleft 20/268": (lambda p: p.findings["intravertebral_vacuum_cleft"] is True, 20),
    "fascia oedema 18/268": (lambda p: p.findings["posterior_fascia_oedema"] is True, 18),
    # Table 2: Goutallier 0-1 92 + 3, grade 2 94 + 14, grade 3-4 45 + 20.
    "Goutallier 0-1 95/268": (lambda p: p.findings["goutallier_grade"] in (0, 1), 95),
    "Goutallier 2 108/268": (lambda p: p.findings["goutallier_grade"] == 2, 108),
    "Goutallier 3-4 65/268": (lambda p: p.findings["goutallier_grade"] in (3, 4), 65),
    # Table 3: blocky cement 75 + 21.
    "blocky cement 96/268": (lambda p: p.findings["cement_distribution"] == "blocky", 96),
    # Table 1: augmentation position 21 + 2, 114 + 19, 96 + 16; women 185 + 30.
    "T4-T10 23/268": (lambda p: level(p) in THORACIC_T4_T10, 23),
    "T11-L2 133/268": (lambda p: level(p) in THORACOLUMBAR_T11_L2, 133),
    "L3-L5 112/268": (lambda p: level(p) in LUMBAR_L3_L5, 112),
    "women 215/268": (lambda p: p.gender == "female", 215),
}


@pytest.mark.parametrize("share", SHARES, ids=SHARES)
def test_share_of_patients_matches_the_papers_total_within_sampling_error(large_cohort, share):
    has_it, paper_count = SHARES[share]
    observed = sum(has_it(patient) for patient in large_cohort)
    assert within_sampling_error(observed, paper_count / PAPER_COHORT, LARGE), observed


def test_every_patient_has_all_four_findings(large_cohort):
    assert all(None not in patient.findings.values() for patient in large_cohort)


def test_event_rate_is_near_the_papers_13_8_percent(large_cohort):
    events = sum(patient.residual_back_pain is True for patient in large_cohort)
    assert within_sampling_error(events, PAPER_EVENTS / PAPER_COHORT, LARGE), events


@pytest.mark.parametrize(
    "band, in_band",
    [("below 13.8%", lambda p: p < 37 / 268), ("13.8% or more", lambda p: p >= 37 / 268)],
)
def test_events_follow_the_model_probability_of_each_patient(large_cohort, band, in_band):
    # The outcome is drawn from the model, so the events of a set of patients are close to the
    # sum of their probabilities (worked out from Table 4, reconciled, by hand in paper.py).
    probabilities, events = [], 0
    for patient in large_cohort:
        findings = patient.findings
        probability = reconciled_probability(
            findings["intravertebral_vacuum_cleft"],
            findings["posterior_fascia_oedema"],
            findings["goutallier_grade"],
            findings["cement_distribution"],
        )
        if in_band(probability):
            probabilities.append(probability)
            events += patient.residual_back_pain is True
    expected = sum(probabilities)
    sd = math.sqrt(sum(p * (1 - p) for p in probabilities))
    assert abs(events - expected) <= 4 * sd, (events, expected)


@pytest.mark.parametrize("intercept, everyone_in_pain", [(30.0, True), (-30.0, False)])
def test_outcomes_are_drawn_from_the_model_given(intercept, everyone_in_pain):
    # A model whose constant makes the risk 1 (or 0) whatever the findings: the drawn outcome
    # must follow it, not the outcome group the findings were drawn from.
    document = copy.deepcopy(load_model().document)
    document["intercept"]["coefficient"] = intercept
    cohort = generate_cohort(300, SEED, model=model_from_document(document))
    assert {patient.residual_back_pain for patient in cohort} == {everyone_in_pain}


def test_the_same_seed_gives_the_same_bundle():
    assert transaction(generate_cohort(30, 7)) == transaction(generate_cohort(30, 7))


def test_another_seed_gives_other_patients():
    def profiles(seed: int) -> list[tuple]:
        return [tuple(p.findings.values()) + (p.birth_date,) for p in generate_cohort(30, seed)]

    assert profiles(7) != profiles(8)


def test_a_larger_cohort_of_the_same_seed_begins_with_the_same_patients():
    assert generate_cohort(40, 7)[:25] == generate_cohort(25, 7)


def test_ids_are_derived_from_the_seed_and_the_patients_number():
    assert [p.id for p in generate_cohort(3, 42)] == [
        "synth-42-00001",
        "synth-42-00002",
        "synth-42-00003",
    ]


def test_a_cohort_of_none_is_empty():
    assert generate_cohort(0, 1) == []


@pytest.mark.parametrize(
    "count, seed, message",
    [
        (-1, 1, "number of patients must be 0 or more, got -1"),
        (1, -1, "seed must be an integer from 0 to"),
        (1, 2**64, "seed must be an integer from 0 to"),
    ],
)
def test_bad_count_or_seed_is_refused(count, seed, message):
    with pytest.raises(ValueError, match=message):
        generate_cohort(count, seed)
