"""The model file says what a reader needs to judge the model: the peer-reviewed publication,
the population, events per variable, shrinkage, calibration, and the threshold's basis."""

from __future__ import annotations

import copy

import pytest

from scoring import ModelError, RiskTiers, ThresholdBasis, load_model, model_from_document


@pytest.fixture
def document():
    return copy.deepcopy(dict(load_model().document))


def test_model_card_cites_the_peer_reviewed_publication_beside_the_preprint():
    card = load_model().model_card
    assert card["doi"] == "10.21203/rs.3.rs-468850/v1"
    assert (card["peer_reviewed"]["doi"], card["peer_reviewed"]["pmid"]) == (
        "10.1155/2021/3624614",
        "34760032",
    )
    assert "Pain Research and Management" in card["peer_reviewed"]["citation"]


def test_events_per_variable_is_37_events_over_5_coefficients():
    # Table 4 fits 5 coefficients besides the constant: cleft, oedema, Goutallier 2 and 3-4,
    # cement. 37 / 5 = 7.4.
    assert load_model().document["derivation_cohort"]["events_per_variable"] == 7.4


def test_events_per_variable_that_does_not_match_the_cohort_is_refused(document):
    document["derivation_cohort"]["events_per_variable"] = 10.0
    with pytest.raises(ModelError, match="37 events over 5 coefficients is 7.4"):
        model_from_document(document)


def test_model_card_says_the_coefficients_are_not_shrunk_and_calibration_elsewhere_is_unknown():
    performance = load_model().performance
    assert performance["coefficient_shrinkage"].startswith("None")
    assert "other populations is unknown" in performance["calibration"]


def test_population_names_the_post_operative_drug_protocol():
    cohort = load_model().document["derivation_cohort"]
    assert "zoledronic acid" in cohort["post_operative_care"]
    assert "bilateral" in cohort["population"]


def test_default_threshold_is_20_percent_chosen_from_the_decision_curve():
    model = load_model()
    threshold = model.risk_threshold
    low, high = (
        model.performance["decision_curve_net_benefit"][k]
        for k in ("threshold_low", "threshold_high")
    )
    assert (threshold.default, threshold.basis) == (0.20, ThresholdBasis.DECISION_CURVE)
    assert low <= threshold.default <= high


def test_threshold_called_the_cohort_event_rate_must_be_it(document):
    document["risk_threshold"]["basis"] = "cohort-event-rate"
    with pytest.raises(ModelError, match="not the cohort's event rate"):
        model_from_document(document)


def test_default_tiers_are_the_model_default_not_the_cohort_average():
    tiers = RiskTiers.for_model(load_model())
    assert (tiers.is_model_default, tiers.is_cohort_average) == (True, False)


def test_site_threshold_is_neither_the_cohort_average_nor_the_default():
    tiers = RiskTiers.for_model(load_model(), 0.30)
    assert (tiers.high_from, tiers.is_cohort_average, tiers.is_model_default) == (
        0.30,
        False,
        False,
    )


def test_site_threshold_equal_to_the_cohort_rate_is_the_cohort_average():
    assert RiskTiers.for_model(load_model(), 0.138).is_cohort_average


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(("groups", 0, "size"), 230, "group sizes do not add up", id="group-sizes"),
        pytest.param(
            ("groups", 1, "levels", "goutallier_grade", "grade 2"),
            15,
            "goutallier_grade: counts do not add up to the size",
            id="level-counts",
        ),
    ],
)
def test_derivation_counts_that_do_not_add_up_are_refused(document, path, value, message):
    node = document["derivation_counts"]
    *parents, last = path
    for part in parents:
        node = node[part]
    node[last] = value
    with pytest.raises(ModelError, match=message):
        model_from_document(document)


def test_derivation_counts_must_count_every_level(document):
    del document["derivation_counts"]["groups"][0]["levels"]["cement_distribution"]["spongy"]
    with pytest.raises(ModelError, match="cement_distribution: must count each of its levels"):
        model_from_document(document)


def test_published_odds_ratios_are_table_4_as_printed():
    from .paper import TABLE_4

    quoted = {
        (row["odds_ratio"], row["ci95_low"], row["ci95_high"])
        for row in load_model().model_card["published_odds_ratios"]
    }
    printed = {
        (row.odds_ratio, row.ci_low, row.ci_high)
        for name, row in TABLE_4.items()
        if name != "Constant"
    }
    assert quoted == printed
