"""Which Observation statuses count (FHIR R4 ObservationStatus), with preliminary configurable."""

from __future__ import annotations

import dataclasses

import pytest

from fhir_mappings import Caveat, CaveatKind, FindingStatus

from .builders import GOUTALLIER, IVC, index_pvp, observation, present, reason_of


@pytest.mark.parametrize("status", ["final", "amended", "corrected"])
def test_final_amended_and_corrected_readings_count(assess_json, status):
    result = assess_json(*index_pvp(present("o1", status=status)))

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.status, finding.value, finding.source.status) == (
        FindingStatus.FOUND,
        True,
        status,
    )


@pytest.mark.parametrize(
    "status", ["registered", "preliminary", "cancelled", "entered-in-error", "unknown"]
)
def test_other_statuses_do_not_count_by_default(assess_json, status):
    result = assess_json(*index_pvp(present("o1", status=status)))

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.status, finding.value) == (FindingStatus.MISSING, None)


@pytest.mark.parametrize("status", ["registered", "cancelled", "entered-in-error", "unknown"])
def test_other_statuses_never_count_even_with_preliminary_allowed(assess_json, config, status):
    allowing = dataclasses.replace(config, allow_preliminary=True)

    result = assess_json(*index_pvp(present("o1", status=status)), with_config=allowing)

    assert result.findings["intravertebral_vacuum_cleft"].value is None


def test_preliminary_counts_when_the_site_allows_it(assess_json, config):
    allowing = dataclasses.replace(config, allow_preliminary=True)

    result = assess_json(*index_pvp(present("o1", status="preliminary")), with_config=allowing)

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_a_finding_from_a_preliminary_report_is_a_caveat(assess_json, config):
    allowing = dataclasses.replace(config, allow_preliminary=True)

    result = assess_json(*index_pvp(present("o1", status="preliminary")), with_config=allowing)

    assert Caveat(
        CaveatKind.PRELIMINARY_SOURCE, "Observation/o1", "intravertebral_vacuum_cleft"
    ) in (result.caveats)


def test_an_uncounted_preliminary_report_is_named_in_the_reason(assess_json):
    result = assess_json(*index_pvp(present("o1", status="preliminary")))

    reason = reason_of(result.findings["intravertebral_vacuum_cleft"])
    assert "preliminary" in reason
    assert "Observation/o1" in reason


def test_an_entered_in_error_reading_does_not_hide_a_final_one(assess_json):
    # The erroneous reading is newer; it must not replace the valid one.
    result = assess_json(
        *index_pvp(
            observation("o1", GOUTALLIER, valueInteger=1, effective="2024-02-20"),
            observation(
                "o2", GOUTALLIER, valueInteger=4, effective="2024-03-01", status="entered-in-error"
            ),
        )
    )

    finding = result.findings["goutallier_grade"]
    assert (finding.value, finding.source.reference) == (1, "Observation/o1")


def test_uncounted_statuses_are_not_counted_as_ignored_resources(assess_json):
    result = assess_json(*index_pvp(observation("o1", IVC, valueBoolean=True, status="cancelled")))

    assert result.ignored_resources == 0
