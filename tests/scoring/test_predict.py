"""Findings to risk: point estimates, ranges for unknowns, nomogram points, tiers, bad input."""

from __future__ import annotations

import itertools
import math

import pytest

from scoring import InputError, RiskTier, RiskTiers, load_model, logistic, predict

from .paper import reconciled_probability

NAMES = (
    "intravertebral_vacuum_cleft",
    "posterior_fascia_oedema",
    "goutallier_grade",
    "cement_distribution",
)
DOMAIN = {
    "intravertebral_vacuum_cleft": (False, True),
    "posterior_fascia_oedema": (False, True),
    "goutallier_grade": (0, 1, 2, 3, 4),
    "cement_distribution": ("blocky", "spongy"),
}
ALL_PROFILES = list(itertools.product(*DOMAIN.values()))


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def tiers(model):
    # The cohort average, which the tier arithmetic below is worked out against.
    return RiskTiers.for_model(model, 0.138)


def findings(ivc, oedema, grade, cement):
    return dict(zip(NAMES, (ivc, oedema, grade, cement), strict=True))


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        # logit = -3.361 -> 1 / (1 + e^3.361) = 1 / 29.82 = 0.03354
        pytest.param((False, False, 0, "blocky"), 0.03354, id="reference-patient"),
        # logit = -3.361 - 0.800 = -4.161 -> 1 / (1 + e^4.161) = 1 / 65.13 = 0.01535
        pytest.param((False, False, 1, "spongy"), 0.01535, id="lowest-risk"),
        # logit = -3.361 + 1.758 - 0.800 = -2.403 -> 1 / (1 + e^2.403) = 1 / 12.06 = 0.08294
        pytest.param((False, False, 2, "spongy"), 0.08294, id="goutallier-2-spongy"),
        # logit = -3.361 + 1.332 + 2.622 = 0.593 -> 1 / (1 + e^-0.593) = 1 / 1.5527 = 0.6441
        pytest.param((True, False, 4, "blocky"), 0.6441, id="ivc-goutallier-4-blocky"),
        # logit = -3.361 + 1.332 + 1.377 + 2.622 = 1.970 -> 1 / (1 + e^-1.970) = 0.8776
        pytest.param((True, True, 3, "blocky"), 0.8776, id="every-risk-factor"),
    ],
)
def test_probability_matches_hand_calculation(model, tiers, profile, expected):
    estimate = predict(model, findings(*profile), tiers)
    assert estimate.probability.is_point
    assert estimate.probability.low == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("profile", ALL_PROFILES)
def test_probability_matches_the_reconciled_table_for_every_complete_profile(model, tiers, profile):
    estimate = predict(model, findings(*profile), tiers)
    assert estimate.probability.low == pytest.approx(reconciled_probability(*profile), rel=1e-12)


def test_linear_predictor_is_the_logit_of_the_probability(model, tiers):
    estimate = predict(model, findings(True, False, 2, "spongy"), tiers)
    assert estimate.linear_predictor.low == pytest.approx(-3.361 + 1.332 + 1.758 - 0.800)


UNKNOWN_SUBSETS = [subset for size in range(1, 5) for subset in itertools.combinations(NAMES, size)]


@pytest.mark.parametrize("unknown", UNKNOWN_SUBSETS, ids="+".join)
@pytest.mark.parametrize(
    "known", [(False, False, 0, "spongy"), (True, True, 3, "blocky"), (True, False, 2, "spongy")]
)
def test_unknown_findings_give_the_range_over_every_value_they_could_take(
    model, tiers, known, unknown
):
    given = findings(*known)
    completions = [
        {**given, **dict(zip(unknown, values, strict=True))}
        for values in itertools.product(*(DOMAIN[name] for name in unknown))
    ]
    possible = [reconciled_probability(*(c[n] for n in NAMES)) for c in completions]
    estimate = predict(model, {**given, **dict.fromkeys(unknown)}, tiers)
    assert estimate.probability.low == pytest.approx(min(possible), rel=1e-12)
    assert estimate.probability.high == pytest.approx(max(possible), rel=1e-12)
    assert set(estimate.unknown) == set(unknown)


def test_unknown_finding_is_not_assumed_absent(model, tiers):
    estimate = predict(model, findings(None, False, 0, "blocky"), tiers)
    absent = reconciled_probability(False, False, 0, "blocky")
    present = reconciled_probability(True, False, 0, "blocky")
    assert (estimate.probability.low, estimate.probability.high) == pytest.approx((absent, present))


RISK_RAISING_CHANGES = [
    ("intravertebral_vacuum_cleft", False, True),
    ("posterior_fascia_oedema", False, True),
    ("goutallier_grade", 0, 1),
    ("goutallier_grade", 1, 2),
    ("goutallier_grade", 2, 3),
    ("goutallier_grade", 3, 4),
    ("cement_distribution", "spongy", "blocky"),
]


@pytest.mark.parametrize(("name", "before", "after"), RISK_RAISING_CHANGES)
def test_adding_a_risk_factor_never_lowers_the_risk(model, tiers, name, before, after):
    for profile in ALL_PROFILES:
        base = findings(*profile)
        if base[name] != before:
            continue
        lower = predict(model, base, tiers).probability.low
        higher = predict(model, {**base, name: after}, tiers).probability.low
        assert higher >= lower, (profile, name)


@pytest.mark.parametrize(
    ("name", "value", "expected_points"),
    [
        # rms convention: the widest predictor (Goutallier, 0 to 2.622) spans 0-100 points.
        ("goutallier_grade", 3, 100.0),
        ("goutallier_grade", 2, 100 * 1.758 / 2.622),  # 67.05
        ("goutallier_grade", 1, 0.0),
        ("intravertebral_vacuum_cleft", True, 100 * 1.332 / 2.622),  # 50.80
        ("posterior_fascia_oedema", True, 100 * 1.377 / 2.622),  # 52.52
        ("cement_distribution", "blocky", 100 * 0.800 / 2.622),  # 30.51
        ("cement_distribution", "spongy", 0.0),
    ],
)
def test_nomogram_points_follow_the_rms_convention(model, tiers, name, value, expected_points):
    estimate = predict(model, {**findings(False, False, 0, "spongy"), name: value}, tiers)
    factor = next(f for f in estimate.factors if f.name == name)
    assert factor.points.low == pytest.approx(expected_points)


def test_total_points_are_the_sum_of_the_factor_points(model, tiers):
    estimate = predict(model, findings(True, True, 4, "blocky"), tiers)
    # 50.80 + 52.52 + 100 + 30.51
    assert estimate.total_points.low == pytest.approx(100 * (1.332 + 1.377 + 2.622 + 0.8) / 2.622)


def test_contribution_of_a_known_factor_is_its_coefficient(model, tiers):
    estimate = predict(model, findings(False, True, 0, "spongy"), tiers)
    contributions = {f.name: f.contribution.low for f in estimate.factors}
    assert contributions == pytest.approx(
        {
            "intravertebral_vacuum_cleft": 0.0,
            "posterior_fascia_oedema": 1.377,
            "goutallier_grade": 0.0,
            "cement_distribution": -0.800,
        }
    )


def test_default_high_risk_threshold_is_20_percent(model):
    # docs/model-derivation.md section 4.
    assert RiskTiers.for_model(model).high_from == 0.20


def test_a_threshold_of_the_cohort_event_rate_is_the_cohort_average(model):
    # The model file prints it to a tenth of a percent: 37/268 = 0.1381.
    assert RiskTiers.for_model(model, 0.138).is_cohort_average


@pytest.mark.parametrize(
    ("profile", "tier"),
    [
        pytest.param((False, False, 0, "blocky"), RiskTier.LOW, id="3.4%-low"),
        pytest.param((False, False, 2, "blocky"), RiskTier.HIGH, id="16.8%-high"),
        pytest.param((False, False, None, "spongy"), RiskTier.INDETERMINATE, id="1.5-17.6%"),
        pytest.param((True, True, None, "blocky"), RiskTier.HIGH, id="34.3-87.8%-high"),
    ],
)
def test_tier_of_a_range_is_decided_only_when_both_ends_agree(model, tiers, profile, tier):
    assert predict(model, findings(*profile), tiers).tier is tier


def test_high_risk_threshold_is_configurable(model):
    profile = findings(False, False, 2, "blocky")  # 16.8%
    assert predict(model, profile, RiskTiers(high_from=0.20)).tier is RiskTier.LOW


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 1.5])
def test_high_risk_threshold_outside_zero_one_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        RiskTiers(high_from=threshold)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("goutallier_grade", 7, "goutallier_grade: 7 is not a possible value"),
        ("goutallier_grade", -1, "goutallier_grade: -1 is not a possible value"),
        ("goutallier_grade", True, "goutallier_grade: True is not a possible value"),
        ("goutallier_grade", 2.0, "goutallier_grade: 2.0 is not a possible value"),
        ("goutallier_grade", "2", "goutallier_grade: '2' is not a possible value"),
        ("goutallier_grade", [2], r"goutallier_grade: \[2\] is not a possible value"),
        ("intravertebral_vacuum_cleft", "maybe", "'maybe' is not a possible value"),
        ("intravertebral_vacuum_cleft", 1, "intravertebral_vacuum_cleft: 1 is not a possible"),
        ("cement_distribution", "Blocky", "'Blocky' is not a possible value"),
        ("cement_distribution", "diffuse", "expected one of 'blocky', 'spongy'"),
    ],
)
def test_out_of_domain_value_is_rejected_with_the_allowed_values(
    model, tiers, name, value, message
):
    with pytest.raises(InputError, match=message):
        predict(model, {**findings(False, False, 0, "spongy"), name: value}, tiers)


def test_missing_finding_name_is_rejected_not_taken_as_unknown(model, tiers):
    given = findings(False, False, 0, "spongy")
    del given["posterior_fascia_oedema"]
    with pytest.raises(InputError, match="missing posterior_fascia_oedema"):
        predict(model, given, tiers)


def test_unexpected_finding_name_is_rejected(model, tiers):
    given = {**findings(False, False, 0, "spongy"), "bone_density": -3.2}
    with pytest.raises(InputError, match="unexpected bone_density"):
        predict(model, given, tiers)


def test_logistic_does_not_overflow_at_extreme_inputs():
    assert logistic(1000.0) == 1.0
    assert logistic(-1000.0) == 0.0
    assert logistic(0.0) == 0.5
    assert logistic(-2.0) == pytest.approx(1 / (1 + math.e**2))
