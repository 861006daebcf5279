"""Every value form of the default contract, and values it refuses to guess at."""

from __future__ import annotations

import pytest

from fhir_mappings import FindingStatus

from .builders import (
    CEMENT,
    DATA_ABSENT,
    FINDINGS,
    GOUTALLIER,
    IVC,
    LOINC,
    OEDEMA,
    RADLEX,
    SNOMED,
    V2_0136,
    concept,
    data_absent,
    index_pvp,
    observation,
    reason_of,
)


def side(code: str, **value) -> dict:
    return {"code": concept(FINDINGS, code), **value}


@pytest.mark.parametrize("value", [True, False])
def test_value_boolean_is_read_as_presence(assess_json, value):
    result = assess_json(*index_pvp(observation("o1", IVC, valueBoolean=value)))

    assert result.findings["intravertebral_vacuum_cleft"].value is value


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        (SNOMED, "52101004", True),
        (SNOMED, "2667000", False),
        (SNOMED, "260411009", True),
        (SNOMED, "272519000", False),
        (SNOMED, "410515003", True),
        (SNOMED, "410516002", False),
        (SNOMED, "373066001", True),
        (SNOMED, "373067005", False),
        (LOINC, "LA33-6", True),
        (LOINC, "LA32-8", False),
        (V2_0136, "Y", True),
        (V2_0136, "N", False),
    ],
)
def test_coded_presence_answers_are_read(assess_json, system, code, expected):
    result = assess_json(
        *index_pvp(observation("o1", OEDEMA, valueCodeableConcept=concept(system, code)))
    )

    finding = result.findings["posterior_fascia_oedema"]
    assert (finding.status, finding.value) == (FindingStatus.FOUND, expected)


def test_radlex_vacuum_cleft_code_reports_the_vacuum_cleft(assess_json):
    result = assess_json(
        *index_pvp(observation("o1", concept(RADLEX, "RID35311"), valueBoolean=True))
    )

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.value, finding.source.code) == (True, "http://radlex.org|RID35311")


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (SNOMED, "261665006"),
        (SNOMED, "373068000"),
        (LOINC, "LA4489-6"),
        ("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK"),
    ],
)
def test_unknown_answer_makes_the_finding_data_absent(assess_json, system, code):
    result = assess_json(
        *index_pvp(observation("o1", IVC, valueCodeableConcept=concept(system, code)))
    )

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.status, finding.value) == (FindingStatus.DATA_ABSENT, None)


@pytest.mark.parametrize(
    ("code", "name", "effective"),
    [
        (IVC, "intravertebral_vacuum_cleft", "2024-03-01"),
        (OEDEMA, "posterior_fascia_oedema", "2024-03-01"),
        (GOUTALLIER, "goutallier_grade", "2024-03-01"),
        (CEMENT, "cement_distribution", "2024-03-11"),
    ],
)
def test_data_absent_reason_means_unknown_never_absent(assess_json, code, name, effective):
    result = assess_json(*index_pvp(data_absent("o1", code, "not-performed", effective=effective)))

    finding = result.findings[name]
    assert (finding.status, finding.value) == (FindingStatus.DATA_ABSENT, None)
    assert finding.source.reference == "Observation/o1"


def test_data_absent_reason_wins_over_a_value_beside_it(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1", IVC, valueBoolean=False, dataAbsentReason=concept(DATA_ABSENT, "unknown")
            )
        )
    )

    finding = result.findings["intravertebral_vacuum_cleft"]
    assert (finding.status, finding.value) == (FindingStatus.DATA_ABSENT, None)


def test_data_absent_reason_text_appears_in_the_reason(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                OEDEMA,
                dataAbsentReason=concept(DATA_ABSENT, "not-performed", "Not performed"),
            )
        )
    )

    reason = reason_of(result.findings["posterior_fascia_oedema"])
    assert "Not performed" in reason
    assert "Observation/o1" in reason


@pytest.mark.parametrize("grade", [0, 1, 2, 3, 4])
def test_goutallier_value_integer_is_the_grade(assess_json, grade):
    result = assess_json(*index_pvp(observation("o1", GOUTALLIER, valueInteger=grade)))

    assert result.findings["goutallier_grade"].value == grade


@pytest.mark.parametrize("grade", [0, 1, 2, 3, 4])
def test_goutallier_coded_grade_is_the_grade(assess_json, grade):
    result = assess_json(
        *index_pvp(
            observation(
                "o1", GOUTALLIER, valueCodeableConcept=concept(FINDINGS, f"goutallier-{grade}")
            )
        )
    )

    assert result.findings["goutallier_grade"].value == grade


@pytest.mark.parametrize(("left", "right", "worse"), [(1, 3, 3), (4, 0, 4), (2, 2, 2)])
def test_goutallier_left_and_right_components_give_the_worse_side(assess_json, left, right, worse):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                GOUTALLIER,
                component=[
                    side("goutallier-grade-left", valueInteger=left),
                    side("goutallier-grade-right", valueInteger=right),
                ],
            )
        )
    )

    assert result.findings["goutallier_grade"].value == worse


def test_goutallier_grade_beside_side_components_is_weighed_with_them(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                GOUTALLIER,
                valueInteger=4,
                component=[
                    side("goutallier-grade-left", valueInteger=2),
                    side("goutallier-grade-right", valueInteger=3),
                ],
            )
        )
    )

    assert result.findings["goutallier_grade"].value == 4


def test_components_that_are_not_sides_are_not_grades(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                GOUTALLIER,
                valueInteger=1,
                component=[{"code": concept(FINDINGS, "cement-distribution"), "valueInteger": 4}],
            )
        )
    )

    assert result.findings["goutallier_grade"].value == 1


def test_goutallier_side_may_be_a_coded_grade(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                GOUTALLIER,
                component=[
                    side("goutallier-grade-left", valueInteger=1),
                    side(
                        "goutallier-grade-right",
                        valueCodeableConcept=concept(FINDINGS, "goutallier-2"),
                    ),
                ],
            )
        )
    )

    assert result.findings["goutallier_grade"].value == 2


def test_ungraded_side_makes_the_grade_unknown(assess_json):
    # The ungraded right side could be worse than the left side's 3.
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                GOUTALLIER,
                component=[
                    side("goutallier-grade-left", valueInteger=3),
                    side(
                        "goutallier-grade-right", dataAbsentReason=concept(DATA_ABSENT, "unknown")
                    ),
                ],
            )
        )
    )

    finding = result.findings["goutallier_grade"]
    assert (finding.status, finding.value) == (FindingStatus.DATA_ABSENT, None)


def test_ungraded_side_does_not_matter_when_the_other_side_is_grade_4(assess_json):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                GOUTALLIER,
                component=[
                    side("goutallier-grade-left", valueInteger=4),
                    side(
                        "goutallier-grade-right", dataAbsentReason=concept(DATA_ABSENT, "unknown")
                    ),
                ],
            )
        )
    )

    assert result.findings["goutallier_grade"].value == 4


@pytest.mark.parametrize("pattern", ["blocky", "spongy"])
def test_cement_distribution_is_read_from_its_answer_code(assess_json, pattern):
    result = assess_json(
        *index_pvp(
            observation(
                "o1",
                CEMENT,
                effective="2024-03-11",
                valueCodeableConcept=concept(FINDINGS, pattern),
            )
        )
    )

    value = result.findings["cement_distribution"].value
    assert value == pattern
    assert type(value) is str  # the scoring core compares types, so no str subclass


@pytest.mark.parametrize(
    ("code", "value", "effective"),
    [
        (GOUTALLIER, {"valueInteger": 5}, "2024-03-01"),
        (GOUTALLIER, {"valueInteger": -1}, "2024-03-01"),
        (GOUTALLIER, {"valueQuantity": {"value": 2}}, "2024-03-01"),
        (GOUTALLIER, {"valueString": "2"}, "2024-03-01"),
        (IVC, {"valueInteger": 1}, "2024-03-01"),
        (IVC, {"valueString": "yes"}, "2024-03-01"),
        (IVC, {"valueCodeableConcept": concept(SNOMED, "999999999")}, "2024-03-01"),
        (IVC, {"valueCodeableConcept": {"text": "present"}}, "2024-03-01"),
        (CEMENT, {"valueCodeableConcept": {"text": "solid"}}, "2024-03-11"),
        (CEMENT, {"valueCodeableConcept": concept(FINDINGS, "diffuse")}, "2024-03-11"),
        (CEMENT, {"valueString": "blocky"}, "2024-03-11"),
        (IVC, {}, "2024-03-01"),
    ],
)
def test_values_outside_the_contract_are_ignored_and_counted(assess_json, code, value, effective):
    result = assess_json(*index_pvp(observation("o1", code, effective=effective, **value)))

    assert all(finding.value is None for finding in result.findings.values())
    assert result.ignored_resources == 1


def test_answer_with_disagreeing_codings_is_ignored(assess_json):
    answer = {
        "coding": [{"system": SNOMED, "code": "52101004"}, {"system": LOINC, "code": "LA32-8"}]
    }
    result = assess_json(*index_pvp(observation("o1", IVC, valueCodeableConcept=answer)))

    assert result.findings["intravertebral_vacuum_cleft"].value is None
    assert result.ignored_resources == 1


def test_answer_with_agreeing_codings_is_read(assess_json):
    answer = {
        "coding": [{"system": SNOMED, "code": "52101004"}, {"system": LOINC, "code": "LA33-6"}]
    }
    result = assess_json(*index_pvp(observation("o1", IVC, valueCodeableConcept=answer)))

    assert result.findings["intravertebral_vacuum_cleft"].value is True


def test_unreadable_value_is_named_in_the_missing_reason(assess_json):
    result = assess_json(*index_pvp(observation("o1", GOUTALLIER, valueInteger=7)))

    finding = result.findings["goutallier_grade"]
    assert finding.status is FindingStatus.MISSING
    assert "Observation/o1" in reason_of(finding)
    assert "7" in reason_of(finding)


def test_observation_with_an_unknown_code_is_ignored_and_counted(assess_json):
    result = assess_json(*index_pvp(observation("o1", concept(LOINC, "8867-4"), valueBoolean=True)))

    assert result.ignored_resources == 1
    assert all(f.status is FindingStatus.MISSING for f in result.findings.values())


def test_observation_whose_codings_name_two_findings_is_ignored(assess_json):
    both = {"coding": [{"system": FINDINGS, "code": IVC}, {"system": FINDINGS, "code": OEDEMA}]}
    result = assess_json(*index_pvp(observation("o1", both, valueBoolean=True)))

    assert result.ignored_resources == 1
    assert result.values()["intravertebral_vacuum_cleft"] is None
    assert result.values()["posterior_fascia_oedema"] is None


def test_code_text_is_the_source_display(assess_json):
    code = concept(FINDINGS, IVC, text="Vacuum cleft in T12 body")
    result = assess_json(*index_pvp(observation("o1", code, valueBoolean=True)))

    assert (
        result.findings["intravertebral_vacuum_cleft"].source.display == "Vacuum cleft in T12 body"
    )
