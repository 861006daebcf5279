"""Where the model holds: the derivation study's exclusions recorded as Conditions (Li et al.
2021, Methods: fractures caused by tumour, infection or tuberculosis; spinal cord compression
and neurological symptoms), and the time from the procedure to the one-month assessment."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from fhir_mappings import (
    Applicability,
    CaveatKind,
    ExclusionRule,
    PainScale,
    Timing,
    load_mapping_config,
)
from fhir_mappings.codes import Code

from .builders import (
    CPT,
    ICD10CM,
    LATER,
    LOINC,
    RADLEX,
    SNOMED,
    cement,
    concept,
    condition,
    data_absent,
    fracture,
    index_pvp,
    pain_score,
    procedure,
    risk_assessment,
)


def at(day: str, time: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}+00:00")


# --- Exclusions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "rule"),
    [
        pytest.param(ICD10CM, "C90.00", ExclusionRule.SPINAL_MALIGNANCY, id="myeloma-icd"),
        pytest.param(SNOMED, "109989006", ExclusionRule.SPINAL_MALIGNANCY, id="myeloma-snomed"),
        pytest.param(ICD10CM, "C79.51", ExclusionRule.SPINAL_MALIGNANCY, id="bone-metastasis"),
        pytest.param(ICD10CM, "C41.2", ExclusionRule.SPINAL_MALIGNANCY, id="primary-vertebral"),
        pytest.param(ICD10CM, "M46.46", ExclusionRule.SPINAL_INFECTION, id="discitis-lumbar"),
        pytest.param(ICD10CM, "M46.24", ExclusionRule.SPINAL_INFECTION, id="osteomyelitis"),
        pytest.param(ICD10CM, "A18.01", ExclusionRule.SPINAL_INFECTION, id="spinal-tb"),
        pytest.param(ICD10CM, "G95.20", ExclusionRule.NEUROLOGICAL_DEFICIT, id="cord-compression"),
        pytest.param(ICD10CM, "G83.4", ExclusionRule.NEUROLOGICAL_DEFICIT, id="cauda-equina"),
    ],
)
def test_excluded_condition_on_record_means_the_model_does_not_apply(
    assess_json, system, code, rule
):
    result = assess_json(*index_pvp(condition("cx", code, system)))

    assert result.applicability is Applicability.EXCLUDED_CONDITION
    (exclusion,) = result.exclusions
    assert (exclusion.rule, exclusion.condition, exclusion.code) == (
        rule,
        "Condition/cx",
        Code(system, code),
    )


def test_exclusion_carries_the_records_own_wording(assess_json):
    myeloma = condition("cx", "C90.00", display="Plasma cell myeloma")
    (exclusion,) = assess_json(*index_pvp(myeloma)).exclusions
    assert exclusion.code.display == "Plasma cell myeloma"


def test_condition_outside_the_exclusion_codes_does_not_exclude(assess_json):
    # C79.49: secondary malignant neoplasm of other parts of the nervous system, not of bone.
    result = assess_json(*index_pvp(condition("cx", "C79.49")))

    assert result.applicability is Applicability.APPLIES
    assert result.exclusions == ()


@pytest.mark.parametrize("verification", ["entered-in-error", "refuted"])
def test_excluded_condition_entered_in_error_or_refuted_does_not_exclude(assess_json, verification):
    myeloma = condition("cx", "C90.00", verification=verification)
    result = assess_json(*index_pvp(myeloma))

    assert result.applicability is Applicability.APPLIES


def test_provisional_malignancy_excludes_and_says_it_is_provisional(assess_json):
    metastasis = condition("cx", "C79.51", verification="provisional")
    result = assess_json(*index_pvp(metastasis))

    assert result.applicability is Applicability.EXCLUDED_CONDITION
    assert result.exclusions[0].verification_status == "provisional"


def test_condition_without_clinical_status_is_read_as_current(assess_json):
    result = assess_json(*index_pvp(condition("cx", "A18.01", clinical=None)))

    assert result.applicability is Applicability.EXCLUDED_CONDITION


@pytest.mark.parametrize("status", ["resolved", "inactive"])
def test_past_malignancy_does_not_exclude_but_is_a_caveat(assess_json, status):
    result = assess_json(*index_pvp(condition("cx", "C79.51", clinical=status)))

    assert result.applicability is Applicability.APPLIES
    past = [c for c in result.caveats if c.kind is CaveatKind.PAST_MALIGNANCY]
    assert [c.reference for c in past] == ["Condition/cx"]


def test_myeloma_in_remission_still_excludes(assess_json):
    result = assess_json(*index_pvp(condition("cx", "C90.01", clinical="remission")))

    assert result.applicability is Applicability.EXCLUDED_CONDITION


@pytest.mark.parametrize("status", ["resolved", "remission"])
def test_infection_that_is_over_neither_excludes_nor_is_a_caveat(assess_json, status):
    result = assess_json(*index_pvp(condition("cx", "M46.26", clinical=status)))

    assert result.applicability is Applicability.APPLIES
    assert CaveatKind.PAST_MALIGNANCY not in {c.kind for c in result.caveats}


def test_procedure_reason_comes_before_an_exclusion(assess_json):
    kyphoplasty = procedure("pkp-1", "22514", levels=["L1"])
    result = assess_json(kyphoplasty, condition("cx", "C90.00"))

    assert result.applicability is Applicability.NOT_VERTEBROPLASTY


def test_every_exclusion_on_record_is_listed_malignancy_first(assess_json):
    result = assess_json(*index_pvp(condition("tb", "A18.01"), condition("myeloma", "C90.00")))
    assert [e.condition for e in result.exclusions] == ["Condition/myeloma", "Condition/tb"]


def test_site_file_adds_an_exclusion_code(assess_json, tmp_path):
    local = {"system": "http://hospital.example/dx", "code": "SPINE-MET"}
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"exclusions": {"spinal_malignancy": [local]}}))
    config = load_mapping_config(site)

    result = assess_json(
        *index_pvp(condition("cx", "SPINE-MET", "http://hospital.example/dx")),
        with_config=config,
    )
    assert result.exclusions[0].rule is ExclusionRule.SPINAL_MALIGNANCY


# --- Time window ---------------------------------------------------------------------------
# The index procedure of index_pvp() is on 2024-03-10 (a date, no time).


@pytest.mark.parametrize(
    ("now", "timing", "days"),
    [
        pytest.param(at("2024-03-10"), Timing.IN_WINDOW, 0, id="procedure-day"),
        pytest.param(at("2024-04-14"), Timing.IN_WINDOW, 35, id="day-35"),
        pytest.param(at("2024-04-15"), Timing.WINDOW_PASSED, 36, id="day-36"),
        pytest.param(at("2021-06-01"), Timing.BEFORE_PROCEDURE, -1013, id="before"),
        pytest.param(at("2027-03-10"), Timing.WINDOW_PASSED, 1095, id="years-later"),
    ],
)
def test_time_window_edges(assess_json, now, timing, days):
    window = assess_json(*index_pvp(), now=now).time_window
    assert (window.timing, window.days_after_procedure) == (timing, days)


def test_quiet_timings_are_before_after_and_outcome_recorded():
    assert {timing for timing in Timing if timing.is_quiet} == {
        Timing.BEFORE_PROCEDURE,
        Timing.WINDOW_PASSED,
        Timing.OUTCOME_RECORDED,
    }


def test_procedure_time_zone_decides_the_day(assess_json):
    # 23:30 in New York on 10 March; the request at 03:00 UTC on 15 April is still 14 April
    # there: day 35, inside the window (by the UTC date it would be day 36).
    late = procedure("pvp-1", levels=["L1"], performed="2024-03-10T23:30:00-05:00")
    window = assess_json(late, fracture(), now=at("2024-04-15", "03:00:00")).time_window
    assert (window.timing, window.days_after_procedure) == (Timing.IN_WINDOW, 35)


def test_site_file_widens_the_alert_window(assess_json, tmp_path):
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"rules": {"alert_window_days": 60}}))
    result = assess_json(*index_pvp(), with_config=load_mapping_config(site), now=at("2024-04-29"))
    assert result.time_window.timing is Timing.IN_WINDOW


@pytest.mark.parametrize("code", ["38214-3", "72514-3"])
def test_one_month_pain_score_on_record_means_the_outcome_is_known(assess_json, code):
    # Day 28 after 2024-03-10 is 2024-04-07.
    score = pain_score("vas-1m", "2024-04-07", code=code)
    window = assess_json(*index_pvp(score), now=at("2024-04-08")).time_window
    assert (window.timing, window.outcome_score) == (Timing.OUTCOME_RECORDED, "Observation/vas-1m")


def test_pain_score_before_day_28_is_interim(assess_json):
    score = pain_score("vas-3d", "2024-04-06")
    window = assess_json(*index_pvp(score), now=at("2024-04-08")).time_window
    assert window.timing is Timing.IN_WINDOW


def test_pain_score_as_a_quantity_counts(assess_json):
    score = pain_score("vas-1m", "2024-04-10", valueQuantity={"value": 3, "unit": "{score}"})
    assert assess_json(*index_pvp(score), now=LATER).time_window.timing is Timing.OUTCOME_RECORDED


def test_preliminary_pain_score_does_not_count(assess_json):
    score = pain_score("vas-1m", "2024-04-10", status="preliminary")
    assert (
        assess_json(*index_pvp(score), now=at("2024-04-11")).time_window.timing is Timing.IN_WINDOW
    )


def test_pain_score_without_a_value_does_not_count(assess_json):
    score = data_absent("vas-1m", "x", effective="2024-04-10")
    score["code"] = concept(LOINC, "38214-3")
    assert (
        assess_json(*index_pvp(score), now=at("2024-04-11")).time_window.timing is Timing.IN_WINDOW
    )


def test_pain_score_is_not_counted_as_an_ignored_resource(assess_json):
    assert assess_json(*index_pvp(pain_score("vas-24h", "2024-03-11"))).ignored_resources == 0


def test_site_file_adds_a_pain_score_code(assess_json, tmp_path):
    site = tmp_path / "site.json"
    local = {"system": "http://hospital.example/obs", "code": "BACK-NRS"}
    site.write_text(json.dumps({"pain_scores": [local]}))
    score = pain_score("nrs-1m", "2024-04-10")
    score["code"] = concept("http://hospital.example/obs", "BACK-NRS")
    result = assess_json(*index_pvp(score), with_config=load_mapping_config(site), now=LATER)
    assert result.time_window.timing is Timing.OUTCOME_RECORDED


def test_undated_procedure_is_not_placed(assess_json):
    result = assess_json(procedure("pvp-1", levels=["L1"], performed=None), fracture())
    assert result.time_window.timing is Timing.NOT_PLACED


def test_now_without_a_time_zone_is_refused(assess_json):
    with pytest.raises(ValueError, match="timezone-aware"):
        assess_json(*index_pvp(), now=datetime(2024, 3, 15))


# --- Same-day records ----------------------------------------------------------------------


def test_billing_and_radlex_records_without_distinct_levels_make_the_level_count_uncertain(
    assess_json,
):
    billing = procedure("billing", "22511")
    clinical = procedure("clinical", code=concept(RADLEX, "RID1839"), levels=["L1"])
    result = assess_json(billing, clinical, fracture())

    assert result.applicability is Applicability.APPLIES
    (uncertain,) = [c for c in result.caveats if c.kind is CaveatKind.LEVELS_UNCERTAIN]
    records = {uncertain.reference, *result.procedure.same_day}
    assert records == {"Procedure/billing", "Procedure/clinical"}


def test_billing_and_radlex_records_naming_the_same_level_are_certain(assess_json):
    billing = procedure("billing", "22511", levels=["L1"])
    clinical = procedure("clinical", code=concept(RADLEX, "RID1839"), levels=["L1"])
    kinds = {c.kind for c in assess_json(billing, clinical, fracture()).caveats}
    assert CaveatKind.LEVELS_UNCERTAIN not in kinds


def test_two_different_cpt_base_codes_on_one_day_are_two_levels(assess_json):
    result = assess_json(procedure("a", "22510"), procedure("b", code=concept(CPT, "22511")))
    assert result.applicability is Applicability.MULTI_LEVEL


# --- RiskAssessments on record -------------------------------------------------------------


def test_recorded_risk_assessment_is_read_with_its_method_and_basis(assess_json):
    recorded = risk_assessment(
        "ra-1",
        version="1.0.0",
        basis=["https://ehr.example/fhir/Procedure/pvp-1/_history/2", "Observation/x"],
    )
    (estimate,) = assess_json(*index_pvp(recorded)).recorded_estimates
    method = Code(
        "http://pvp-cds.org/fhir/CodeSystem/prediction-model", "li2021-pvp-residual-back-pain"
    )
    assert estimate.is_by(method, "1.0.0") and not estimate.is_by(method, "1.1.0")
    assert estimate.rests_on("Procedure/pvp-1")


def test_recorded_risk_assessment_entered_in_error_does_not_count(assess_json):
    recorded = risk_assessment("ra-1", basis=["Procedure/pvp-1"], status="entered-in-error")
    (estimate,) = assess_json(*index_pvp(recorded)).recorded_estimates
    assert not estimate.counts


@pytest.mark.parametrize(
    ("system", "code"),
    [
        pytest.param("http://hl7.org/fhir/sid/icd-10", "M80.08", id="who-icd10-postmenopausal"),
        pytest.param("http://hl7.org/fhir/sid/icd-10", "M80.98", id="who-icd10-unspecified"),
        pytest.param("http://snomed.info/sct", "443165006", id="snomed-osteoporotic-fracture"),
    ],
)
def test_an_osteoporotic_fracture_coded_beyond_icd10cm_silences_the_caveat(
    assess_json, system, code
):
    diagnosis = {**fracture(), "code": concept(system, code)}
    caveats = assess_json(*index_pvp(diagnosis)).caveats
    assert CaveatKind.NO_FRACTURE_DIAGNOSIS not in {caveat.kind for caveat in caveats}


def test_a_finding_dated_after_the_request_is_set_aside_with_a_caveat(assess_json):
    # NOW is 2024-03-15 12:00 UTC; the only cement reading is dated two days later.
    result = assess_json(*index_pvp(cement("c-1", "blocky", effective="2024-03-17")))
    assert result.findings["cement_distribution"].value is None
    assert (CaveatKind.FUTURE_DATED, "Observation/c-1", "cement_distribution") in {
        (caveat.kind, caveat.reference, caveat.finding) for caveat in result.caveats
    }


def test_a_date_only_reading_of_today_anywhere_on_earth_is_not_future(assess_json):
    # 2024-03-16 is already the date at UTC+14 when it is 12:00 UTC on 2024-03-15.
    result = assess_json(*index_pvp(cement("c-1", "blocky", effective="2024-03-16")))
    assert result.findings["cement_distribution"].value == "blocky"


def test_pain_scores_since_the_procedure_are_kept_with_value_scale_and_date(assess_json):
    # Procedure 2024-03-10; a VAS 7 on day 3, and one from before the procedure left out.
    before = pain_score("vas-0", "2024-03-01", valueInteger=8)
    day3 = pain_score("vas-3", "2024-03-13", valueInteger=7)
    scores = assess_json(*index_pvp(before, day3)).pain_scores
    assert [(s.reference, s.value, s.scale, s.moment.day.isoformat()) for s in scores] == [
        ("Observation/vas-3", 7.0, PainScale.VAS, "2024-03-13")
    ]


def test_a_future_dated_one_month_score_does_not_silence_the_card(assess_json):
    score = pain_score("vas-1m", "2024-04-10")
    assert assess_json(*index_pvp(score)).time_window.timing is Timing.IN_WINDOW
