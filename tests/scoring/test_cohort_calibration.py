"""A logistic model fitted with an intercept predicts, over its own cohort, exactly the number
of events observed. The cohort is rebuilt from Tables 2-3, assuming the four findings are
independent within group N and within group R (the paper gives no joint counts)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator

import pytest

from scoring import RiskTiers, load_model, predict

from .paper import (
    BLOCKY_CEMENT,
    GOUTALLIER,
    GROUP_SIZE,
    IVC_PRESENT,
    OBSERVED_EVENTS,
    OEDEMA_PRESENT,
)

Profile = tuple[bool, bool, int, str]
# One representative Goutallier grade per group of the paper (the model groups 0-1, 2, 3-4).
GRADE_OF_GROUP = {"0-1": 0, "2": 2, "3-4": 3}


def reconstructed_cohort() -> Iterator[tuple[float, Profile]]:
    """(number of patients, findings) for every combination of findings."""
    for group, size in GROUP_SIZE.items():
        share = {
            "ivc": IVC_PRESENT[group] / size,
            "oedema": OEDEMA_PRESENT[group] / size,
            "blocky": BLOCKY_CEMENT[group] / size,
        }
        for ivc, oedema, grade_group, blocky in itertools.product(
            (True, False), (True, False), GOUTALLIER[group], (True, False)
        ):
            weight = size
            weight *= share["ivc"] if ivc else 1 - share["ivc"]
            weight *= share["oedema"] if oedema else 1 - share["oedema"]
            weight *= GOUTALLIER[group][grade_group] / size
            weight *= share["blocky"] if blocky else 1 - share["blocky"]
            cement = "blocky" if blocky else "spongy"
            yield weight, (ivc, oedema, GRADE_OF_GROUP[grade_group], cement)


def expected_events(probability: Callable[[Profile], float]) -> float:
    return sum(weight * probability(profile) for weight, profile in reconstructed_cohort())


def model_probability(profile: Profile) -> float:
    model = load_model()
    ivc, oedema, grade, cement = profile
    findings = {
        "intravertebral_vacuum_cleft": ivc,
        "posterior_fascia_oedema": oedema,
        "goutallier_grade": grade,
        "cement_distribution": cement,
    }
    return predict(model, findings, RiskTiers.for_model(model)).probability.low


def constant_read_with_spongy_as_reference(profile: Profile) -> float:
    """The tempting "correction": flip the cement sign to +0.800 for blocky, keep -3.361."""
    ivc, oedema, grade, cement = profile
    logit = -3.361 + 1.332 * ivc + 1.377 * oedema
    logit += {0: 0.0, 2: 1.758, 3: 2.622}[grade] + (0.800 if cement == "blocky" else 0.0)
    return 1.0 / (1.0 + math.exp(-logit))


def test_reconstructed_cohort_has_the_papers_size():
    assert sum(weight for weight, _ in reconstructed_cohort()) == pytest.approx(268)


def test_model_predicts_the_observed_37_events_in_the_reconstructed_cohort():
    assert expected_events(model_probability) == pytest.approx(OBSERVED_EVENTS, abs=0.5)


def test_constant_with_spongy_as_reference_would_predict_far_more_events_than_observed():
    assert expected_events(constant_read_with_spongy_as_reference) > OBSERVED_EVENTS + 20


@pytest.mark.parametrize(
    ("is_in_level", "observed"),
    [
        pytest.param(lambda p: p[3] == "blocky", 21, id="blocky"),
        pytest.param(lambda p: p[3] == "spongy", 16, id="spongy"),
        pytest.param(lambda p: p[0], 6, id="ivc"),
        pytest.param(lambda p: p[1], 6, id="oedema"),
        pytest.param(lambda p: p[2] == 0, 3, id="goutallier-0-1"),
        pytest.param(lambda p: p[2] == 2, 14, id="goutallier-2"),
        pytest.param(lambda p: p[2] == 3, 20, id="goutallier-3-4"),
    ],
)
def test_model_predicts_each_levels_observed_events_within_the_reconstruction_error(
    is_in_level, observed
):
    # Exact at the maximum-likelihood fit for the real cohort; the reconstruction's independence
    # assumption moves each level by up to about 1.5 events.
    predicted = sum(
        weight * model_probability(profile)
        for weight, profile in reconstructed_cohort()
        if is_in_level(profile)
    )
    assert predicted == pytest.approx(observed, abs=2.0)
