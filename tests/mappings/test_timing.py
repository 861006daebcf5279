"""Readings placed around the procedure (on 2024-03-10 unless a test says otherwise):
pre-operative findings from the 90 days before it, cement from the 30 days after it; the
most recent reading counts; readings of one day that disagree make the finding unknown."""

from __future__ import annotations

import dataclasses

import pytest

from fhir_mappings import FindingStatus, Placement

from .builders import (
    CEMENT,
    FINDINGS,
    GOUTALLIER,
    IVC,
    LATER,
    OEDEMA,
    absent,
    cement,
    concept,
    fracture,
    goutallier,
    index_pvp,
    observation,
    present,
    procedure,
    reason_of,
)

# 2024-03-10 minus 90 days, counted by hand: 10 days back to 2024-02-29, 29 more to
# 2024-01-31, 31 more to 2023-12-31, 20 more to 2023-12-11.
LAST_DAY_IN_LOOKBACK = "2023-12-11"
FIRST_DAY_BEFORE_LOOKBACK = "2023-12-10"
# 2024-03-10 plus 30 days: 21 days to the end of March, then 9 days into April.
LAST_DAY_IN_POST_WINDOW = "2024-04-09"
FIRST_DAY_AFTER_POST_WINDOW = "2024-04-10"


def test_pre_operative_reading_on_the_last_day_of_the_lookback_counts(assess_json):
    result = assess_json(*index_pvp(present("o1", effective=LAST_DAY_IN_LOOKBACK)))

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_pre_operative_reading_older_than_the_lookback_is_stale(assess_json):
    result = assess_json(*index_pvp(present("o1", effective=FIRST_DAY_BEFORE_LOOKBACK)))

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.status, finding.value) == (FindingStatus.STALE, None)
    assert (finding.source.reference, finding.placement) == ("Observation/o1", Placement.TOO_EARLY)
    assert "90 days before" in reason_of(finding)


def test_pre_operative_finding_read_after_the_procedure_is_stale(assess_json):
    result = assess_json(*index_pvp(goutallier("o1", 3, effective="2024-03-12")))

    finding = result.findings["goutallier_grade"]
    assert (finding.status, finding.placement) == (FindingStatus.STALE, Placement.TOO_LATE)
    assert "after the procedure" in reason_of(finding)


def test_lookback_is_configurable(assess_json, config):
    longer = dataclasses.replace(config, pre_procedure_lookback_days=365)

    result = assess_json(
        *index_pvp(present("o1", effective=FIRST_DAY_BEFORE_LOOKBACK)), with_config=longer
    )

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_cement_read_on_the_last_day_of_the_post_operative_window_counts(assess_json):
    result = assess_json(
        *index_pvp(cement("o1", "blocky", effective=LAST_DAY_IN_POST_WINDOW)), now=LATER
    )

    assert result.findings["cement_distribution"].value == "blocky"


def test_cement_read_after_the_post_operative_window_is_stale(assess_json):
    result = assess_json(
        *index_pvp(cement("o1", "blocky", effective=FIRST_DAY_AFTER_POST_WINDOW)), now=LATER
    )

    finding = result.findings["cement_distribution"]
    assert (finding.status, finding.placement) == (FindingStatus.STALE, Placement.TOO_LATE)
    assert "30 days after" in reason_of(finding)


def test_cement_read_before_the_procedure_is_stale(assess_json):
    result = assess_json(*index_pvp(cement("o1", "spongy", effective="2024-03-09")))

    finding = result.findings["cement_distribution"]
    assert (finding.status, finding.placement) == (FindingStatus.STALE, Placement.TOO_EARLY)
    assert "before the procedure" in reason_of(finding)


def test_post_operative_window_is_configurable(assess_json, config):
    longer = dataclasses.replace(config, post_procedure_window_days=60)

    result = assess_json(
        *index_pvp(cement("o1", "spongy", effective=FIRST_DAY_AFTER_POST_WINDOW)),
        with_config=longer,
        now=LATER,
    )

    assert result.findings["cement_distribution"].value == "spongy"


def test_same_day_imaging_without_times_counts_as_pre_operative(assess_json):
    result = assess_json(*index_pvp(present("o1", effective="2024-03-10")))

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_same_day_imaging_without_times_counts_as_post_operative_for_cement(assess_json):
    result = assess_json(*index_pvp(cement("o1", "blocky", effective="2024-03-10")))

    assert result.findings["cement_distribution"].value == "blocky"


def test_same_day_imaging_known_to_follow_the_procedure_is_not_pre_operative(assess_json):
    result = assess_json(
        procedure("pvp-1", levels=["L1"], performed="2024-03-10T09:00:00+01:00"),
        fracture(),
        present("o1", effective="2024-03-10T14:30:00+01:00"),
    )

    assert result.findings["intravertebral_vacuum_cleft"].status is FindingStatus.STALE


def test_same_day_imaging_known_to_precede_the_procedure_is_pre_operative(assess_json):
    result = assess_json(
        procedure("pvp-1", levels=["L1"], performed="2024-03-10T14:00:00+01:00"),
        fracture(),
        present("o1", effective="2024-03-10T08:15:00+01:00"),
    )

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_times_in_different_zones_are_compared_as_instants(assess_json):
    # 10:00 at +02:00 is 08:00Z, before a procedure at 09:00Z the same day.
    result = assess_json(
        procedure("pvp-1", levels=["L1"], performed="2024-03-10T09:00:00Z"),
        fracture(),
        present("o1", effective="2024-03-10T10:00:00+02:00"),
    )

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_cement_imaging_known_to_precede_the_procedure_is_stale(assess_json):
    result = assess_json(
        procedure("pvp-1", levels=["L1"], performed="2024-03-10T14:00:00+01:00"),
        fracture(),
        cement("o1", "blocky", effective="2024-03-10T08:00:00+01:00"),
    )

    assert result.findings["cement_distribution"].status is FindingStatus.STALE


def test_most_recent_reading_counts(assess_json):
    result = assess_json(
        *index_pvp(
            goutallier("old", 1, effective="2024-01-15"),
            goutallier("new", 3, effective="2024-03-01"),
            goutallier("mid", 2, effective="2024-02-10"),
        )
    )

    finding = result.findings["goutallier_grade"]
    assert (finding.value, finding.source.reference, finding.superseded) == (
        3,
        "Observation/new",
        2,
    )


def test_in_window_reading_counts_over_a_more_recent_one_outside_it(assess_json):
    result = assess_json(
        *index_pvp(
            present("pre", effective="2024-03-01"),
            absent("post", effective="2024-03-20"),
        )
    )

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.value, finding.source.reference) == (True, "Observation/pre")


def test_two_readings_of_one_day_that_disagree_are_a_conflict(assess_json):
    result = assess_json(
        *index_pvp(
            present("ct", OEDEMA, effective="2024-03-01T08:00:00Z"),
            absent("mri", OEDEMA, effective="2024-03-01"),
        )
    )

    finding = result.findings["posterior_fascia_oedema"]
    assert (finding.status, finding.value) == (FindingStatus.CONFLICTING, None)
    assert {conflict.source.reference for conflict in finding.conflicts} == {
        "Observation/ct",
        "Observation/mri",
    }
    assert "2024-03-01" in reason_of(finding)


def test_a_conflict_is_not_resolved_by_an_older_reading(assess_json):
    result = assess_json(
        *index_pvp(
            goutallier("a", 2, effective="2024-03-01"),
            goutallier("b", 3, effective="2024-03-01"),
            goutallier("older", 2, effective="2024-02-01"),
        )
    )

    finding = result.findings["goutallier_grade"]
    assert (finding.status, finding.value, finding.superseded) == (
        FindingStatus.CONFLICTING,
        None,
        1,
    )


def test_two_readings_of_one_day_that_agree_are_found(assess_json):
    result = assess_json(
        *index_pvp(
            cement("a", "spongy", effective="2024-03-11"),
            cement("b", "spongy", effective="2024-03-11"),
        )
    )

    finding = result.findings["cement_distribution"]
    assert (finding.status, finding.value, finding.conflicts) == (FindingStatus.FOUND, "spongy", ())


def test_a_newer_data_absent_reading_does_not_erase_an_older_value(assess_json):
    # "No value" is not a reading of the finding; the last real reading still stands.
    result = assess_json(
        *index_pvp(
            goutallier("graded", 2, effective="2024-02-01"),
            observation(
                "ungraded",
                GOUTALLIER,
                effective="2024-03-01",
                dataAbsentReason={"text": "motion artefact"},
            ),
        )
    )

    assert result.findings["goutallier_grade"].value == 2


def test_reading_without_any_date_is_undated(assess_json):
    result = assess_json(*index_pvp(present("o1", effective=None)))

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.status, finding.value) == (FindingStatus.UNDATED, None)
    assert "Observation/o1" in reason_of(finding)


@pytest.mark.parametrize("partial", ["2024-03", "2024"])
def test_reading_with_a_partial_date_is_undated(assess_json, partial):
    result = assess_json(*index_pvp(present("o1", effective=partial)))

    assert result.findings["intravertebral_vacuum_cleft"].status is FindingStatus.UNDATED


@pytest.mark.parametrize(
    "timing",
    [
        {"effectivePeriod": {"start": "2024-03-01", "end": "2024-03-02"}},
        {"effectiveInstant": "2024-03-01T10:00:00Z"},
        {"issued": "2024-03-01T16:00:00+01:00"},
    ],
)
def test_period_start_instant_and_issued_date_a_reading(assess_json, timing):
    result = assess_json(
        *index_pvp(observation("o1", IVC, effective=None, valueBoolean=True, **timing))
    )

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.value, finding.source.effective[:10]) == (True, "2024-03-01")


def test_effective_date_wins_over_issued(assess_json):
    # Imaging on 2023-11-01, reported (issued) inside the window: the imaging date decides.
    result = assess_json(
        *index_pvp(
            observation(
                "o1", IVC, effective="2023-11-01", issued="2024-03-01T10:00:00Z", valueBoolean=True
            )
        )
    )

    assert result.findings["intravertebral_vacuum_cleft"].status is FindingStatus.STALE


def test_source_effective_is_the_iso_date_of_the_reading(assess_json):
    result = assess_json(*index_pvp(present("o1", effective="2024-03-01T08:30:00+01:00")))

    assert result.findings["intravertebral_vacuum_cleft"].source.effective == (
        "2024-03-01T08:30:00+01:00"
    )


def test_missing_reason_names_the_window_and_the_imaging(assess_json):
    result = assess_json(*index_pvp())

    assert "90 days before" in reason_of(result.findings["posterior_fascia_oedema"])
    assert "MRI" in reason_of(result.findings["posterior_fascia_oedema"])
    assert "30 days after" in reason_of(result.findings["cement_distribution"])
    assert "radiograph" in reason_of(result.findings["cement_distribution"])


def test_findings_are_not_assessed_without_a_procedure(assess_json):
    result = assess_json(present("o1"), cement("o2", "blocky"))

    statuses = {finding.status for finding in result.findings.values()}
    assert statuses == {FindingStatus.NOT_ASSESSED}
    assert result.values() == dict.fromkeys(result.findings)


def test_findings_are_not_assessed_around_an_undated_procedure(assess_json):
    result = assess_json(procedure("pvp-1", levels=["L1"], performed=None), present("o1"))

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert finding.status is FindingStatus.NOT_ASSESSED
    assert "no date" in reason_of(finding, result.applicability)


def test_cement_code_with_a_goutallier_answer_is_not_read_as_cement(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                CEMENT,
                effective="2024-03-11",
                valueCodeableConcept=concept(FINDINGS, "goutallier-2"),
            )
        )
    )

    assert result.findings["cement_distribution"].value is None
