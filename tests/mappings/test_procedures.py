"""The index procedure and whether the model applies: single-level vertebroplasty at T4-L5 on
an osteoporotic fracture, as in the derivation cohort (Li et al. 2021, Methods)."""

from __future__ import annotations

import pytest

from fhir_mappings import (
    Applicability,
    Caveat,
    CaveatKind,
    ProcedureKind,
    levels_outside_derivation,
)

from .builders import (
    CPT,
    LEVELS,
    RADLEX,
    SNOMED,
    concept,
    fracture,
    procedure,
)


def test_single_level_vertebroplasty_applies(assess_json):
    result = assess_json(procedure("pvp-1", "22511", levels=["L2"]), fracture())

    assert result.applicability is Applicability.APPLIES
    assert result.procedure.reference == "Procedure/pvp-1"
    assert result.procedure.performed == "2024-03-10"
    assert result.procedure.code == "http://www.ama-assn.org/go/cpt|22511"
    assert result.procedure.levels == ("L2",)
    assert result.procedure.kind is ProcedureKind.VERTEBROPLASTY


def test_no_procedure_on_record(assess_json):
    result = assess_json(fracture())

    assert (result.applicability, result.procedure) == (Applicability.NO_PROCEDURE, None)
    assert result.caveats == ()


@pytest.mark.parametrize("code", [concept(CPT, "22510"), concept(RADLEX, "RID1839")])
def test_other_vertebroplasty_codes_are_vertebroplasty(assess_json, code):
    result = assess_json(procedure("pvp-1", code=code, levels=["T8"]), fracture())

    assert result.applicability is Applicability.APPLIES


@pytest.mark.parametrize("cpt", ["22513", "22514", "22515"])
def test_kyphoplasty_cpt_codes_do_not_apply(assess_json, cpt):
    result = assess_json(procedure("pkp-1", cpt, levels=["L1"]), fracture())

    assert result.applicability is Applicability.NOT_VERTEBROPLASTY
    assert result.procedure.kind is ProcedureKind.OTHER_AUGMENTATION


def test_radlex_kyphoplasty_does_not_apply(assess_json):
    result = assess_json(procedure("pkp-1", code=concept(RADLEX, "RID1840"), levels=["L1"]))

    assert result.applicability is Applicability.NOT_VERTEBROPLASTY


def test_record_coded_both_vertebroplasty_and_kyphoplasty_does_not_apply(assess_json):
    both = {"coding": [{"system": CPT, "code": "22511"}, {"system": CPT, "code": "22514"}]}
    result = assess_json(procedure("x-1", code=both, levels=["L1"]))

    assert result.applicability is Applicability.NOT_VERTEBROPLASTY


def test_additional_level_code_means_multi_level(assess_json):
    result = assess_json(
        procedure("pvp-1", "22511", levels=["L1"]),
        procedure("pvp-2", "22512"),
        fracture(),
    )

    assert result.applicability is Applicability.MULTI_LEVEL
    assert result.procedure.reference == "Procedure/pvp-1"
    assert result.procedure.same_day == ("Procedure/pvp-2",)


def test_two_levels_in_body_site_mean_multi_level(assess_json):
    result = assess_json(procedure("pvp-1", levels=["L2", "L1"]), fracture())

    assert result.applicability is Applicability.MULTI_LEVEL
    assert result.procedure.levels == ("L1", "L2")


def test_two_vertebroplasties_on_one_day_at_different_levels_are_multi_level(assess_json):
    result = assess_json(procedure("a", levels=["T12"]), procedure("b", levels=["L1"]), fracture())

    assert result.applicability is Applicability.MULTI_LEVEL


def test_two_vertebroplasties_on_one_day_without_levels_are_multi_level(assess_json):
    result = assess_json(procedure("a"), procedure("b", "22510"), fracture())

    assert result.applicability is Applicability.MULTI_LEVEL


def test_two_records_of_one_day_naming_the_same_single_level_are_one_level(assess_json):
    # e.g. a billing record (CPT) and a clinical record (RadLex) of the same procedure.
    result = assess_json(
        procedure("billing", "22511", levels=["L1"]),
        procedure("clinical", code=concept(RADLEX, "RID1839"), levels=["L1"]),
        fracture(),
    )

    assert result.applicability is Applicability.APPLIES


def test_kyphoplasty_on_the_same_day_as_a_vertebroplasty_does_not_apply(assess_json):
    result = assess_json(
        procedure("pvp", "22511", levels=["L1"]),
        procedure("pkp", "22513", levels=["T12"]),
        fracture(),
    )

    assert result.applicability is Applicability.NOT_VERTEBROPLASTY
    assert result.procedure.reference == "Procedure/pkp"


@pytest.mark.parametrize("level", ["C7", "T1", "T3", "S1"])
def test_level_outside_t4_to_l5_does_not_apply(assess_json, level):
    result = assess_json(procedure("pvp-1", "22510", levels=[level]), fracture())

    assert result.applicability is Applicability.LEVEL_OUTSIDE_RANGE
    assert levels_outside_derivation(result.procedure) == (level,)


@pytest.mark.parametrize("level", ["T4", "L5"])
def test_levels_at_the_ends_of_the_range_apply(assess_json, level):
    result = assess_json(procedure("pvp-1", levels=[level]), fracture())

    assert result.applicability is Applicability.APPLIES


@pytest.mark.parametrize(
    ("body_site", "level"),
    [
        (concept(SNOMED, "66794005"), "L1"),  # L1 vertebra, DICOM CID 7603
        (concept(SNOMED, "73071006"), "T4"),
        (concept(SNOMED, "87391001"), "C7"),
        ({"text": "T12"}, "T12"),
        ({"text": " l3 "}, "L3"),
    ],
)
def test_level_is_read_from_snomed_codes_and_exact_text(assess_json, body_site, level):
    result = assess_json(procedure("pvp-1", body_site=[body_site]), fracture())

    assert result.procedure.levels == (level,)


@pytest.mark.parametrize(
    "body_site",
    [{"text": "first lumbar vertebra"}, {"text": "L1-L2"}, concept(SNOMED, "421060004")],
)
def test_unmapped_body_site_is_not_guessed_as_a_level(assess_json, body_site):
    result = assess_json(procedure("pvp-1", body_site=[body_site]), fracture())

    assert result.procedure.levels == ()


def test_missing_level_is_a_caveat_not_a_suppression(assess_json):
    result = assess_json(procedure("pvp-1"), fracture())

    assert result.applicability is Applicability.APPLIES
    assert Caveat(CaveatKind.LEVEL_NOT_RECORDED) in result.caveats


def test_recorded_level_gives_no_level_caveat(assess_json):
    result = assess_json(procedure("pvp-1", levels=["L1"]), fracture())

    assert result.caveats == ()


def test_no_fracture_diagnosis_is_a_caveat(assess_json):
    result = assess_json(procedure("pvp-1", levels=["L1"]))

    assert result.applicability is Applicability.APPLIES
    assert Caveat(CaveatKind.NO_FRACTURE_DIAGNOSIS) in result.caveats


@pytest.mark.parametrize("code", ["M80.08XA", "M80.08XD", "M80.88XA", "M80.88XS"])
def test_icd10cm_osteoporotic_vertebral_fracture_codes_count(assess_json, code):
    result = assess_json(procedure("pvp-1", levels=["L1"]), fracture(code=code))

    assert result.caveats == ()


@pytest.mark.parametrize("status", ["refuted", "entered-in-error"])
def test_refuted_fracture_diagnosis_does_not_count(assess_json, status):
    verification = concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", status)
    result = assess_json(
        procedure("pvp-1", levels=["L1"]), fracture(verificationStatus=verification)
    )

    assert Caveat(CaveatKind.NO_FRACTURE_DIAGNOSIS) in result.caveats


def test_other_diagnoses_are_ignored_and_counted(assess_json):
    result = assess_json(procedure("pvp-1", levels=["L1"]), fracture(code="M81.0"))

    assert result.ignored_resources == 1
    assert Caveat(CaveatKind.NO_FRACTURE_DIAGNOSIS) in result.caveats


@pytest.mark.parametrize(
    "status",
    ["preparation", "in-progress", "not-done", "on-hold", "stopped", "entered-in-error", "unknown"],
)
def test_only_completed_procedures_count(assess_json, status):
    result = assess_json(procedure("pvp-1", levels=["L1"], status=status), fracture())

    assert result.applicability is Applicability.NO_PROCEDURE


def test_most_recent_vertebroplasty_is_the_index(assess_json):
    result = assess_json(
        procedure("old", levels=["T10"], performed="2023-05-02"),
        procedure("new", levels=["L1"], performed="2024-03-10"),
        fracture(),
    )

    assert result.procedure.reference == "Procedure/new"
    assert result.procedure.same_day == ()


def test_vertebroplasty_after_an_older_kyphoplasty_applies(assess_json):
    result = assess_json(
        procedure("pkp", "22514", levels=["L3"], performed="2022-01-10"),
        procedure("pvp", "22511", levels=["L1"], performed="2024-03-10"),
        fracture(),
    )

    assert result.applicability is Applicability.APPLIES


def test_kyphoplasty_after_an_older_vertebroplasty_does_not_apply(assess_json):
    result = assess_json(
        procedure("pvp", "22511", levels=["L1"], performed="2022-01-10"),
        procedure("pkp", "22514", levels=["L3"], performed="2024-03-10"),
        fracture(),
    )

    assert result.applicability is Applicability.NOT_VERTEBROPLASTY


def test_performed_period_start_dates_the_procedure(assess_json):
    result = assess_json(
        {
            **procedure("pvp-1", levels=["L1"], performed=None),
            "performedPeriod": {"start": "2024-03-10T09:00:00Z", "end": "2024-03-10T10:00:00Z"},
        },
        fracture(),
    )

    assert result.procedure.performed == "2024-03-10T09:00:00+00:00"
    assert result.applicability is Applicability.APPLIES


@pytest.mark.parametrize("performed", [None, "2024-03"])
def test_undated_procedure_cannot_be_placed(assess_json, performed):
    result = assess_json(procedure("pvp-1", levels=["L1"], performed=performed), fracture())

    assert result.applicability is Applicability.PROCEDURE_UNDATED
    assert result.procedure.reference == "Procedure/pvp-1"


def test_undated_record_beside_a_dated_one_is_a_caveat(assess_json):
    result = assess_json(
        procedure("dated", levels=["L1"]),
        procedure("undated", levels=["L3"], performed=None),
        fracture(),
    )

    assert result.applicability is Applicability.APPLIES
    assert Caveat(CaveatKind.UNDATED_RECORD_IGNORED, "Procedure/undated") in result.caveats


def test_other_procedures_are_ignored_and_counted(assess_json):
    appendectomy = procedure("appx", code=concept(SNOMED, "80146002"))
    result = assess_json(appendectomy, procedure("pvp-1", levels=["L1"]), fracture())

    assert result.ignored_resources == 1
    assert result.procedure.reference == "Procedure/pvp-1"


@pytest.mark.parametrize(
    "level", ["T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5"]
)
def test_project_level_codes_t4_to_l5_apply(assess_json, level):
    result = assess_json(procedure("pvp-1", body_site=[concept(LEVELS, level)]), fracture())

    assert (result.applicability, result.procedure.levels) == (Applicability.APPLIES, (level,))
