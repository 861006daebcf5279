"""The named patients read back by the mapping layer as each one is defined (synthetic/named.py):
the expectations below restate those definitions, not the mapping layer's output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import fhir_mappings
from devtools.synthetic import NAMED_PATIENTS, NamedPatient, fhir_resources, named_patient
from fhir_mappings import Applicability, ExclusionRule, FindingStatus, Timing


def assess(patient_id: str) -> fhir_mappings.Assessment:
    patient = named_patient(patient_id)
    parsed = [r for d in fhir_resources(patient) for r in fhir_mappings.resources_from(d)]
    return fhir_mappings.assess(
        parsed, patient.id, fhir_mappings.load_mapping_config(), now=datetime.now(UTC)
    )


def findings(ivc, oedema, grade, cement) -> dict[str, object]:
    return {
        "intravertebral_vacuum_cleft": ivc,
        "posterior_fascia_oedema": oedema,
        "goutallier_grade": grade,
        "cement_distribution": cement,
    }


def test_the_named_patients_have_the_documented_ids():
    assert [patient.id for patient in NAMED_PATIENTS] == [
        "pvp-high-risk",
        "pvp-low-risk",
        "pvp-missing-cement",
        "pvp-entered-in-error",
        "pvp-superseded-preliminary",
        "pvp-kyphoplasty",
        "pvp-two-level",
        "pvp-no-procedure",
        "pvp-old-procedure",
        "pvp-myeloma",
        "pvp-outcome-recorded",
        "pvp-report-only",
    ]


@pytest.mark.parametrize(
    "patient_id, applicability, expected",
    [
        ("pvp-high-risk", Applicability.APPLIES, findings(True, True, 4, "blocky")),
        ("pvp-low-risk", Applicability.APPLIES, findings(False, False, 1, "spongy")),
        ("pvp-missing-cement", Applicability.APPLIES, findings(False, False, 2, None)),
        # The "present" read was entered in error; the final read says absent.
        ("pvp-entered-in-error", Applicability.APPLIES, findings(False, False, 2, "spongy")),
        # The preliminary report said grade 3; the final one says 2.
        ("pvp-superseded-preliminary", Applicability.APPLIES, findings(False, False, 2, "blocky")),
        ("pvp-kyphoplasty", Applicability.NOT_VERTEBROPLASTY, findings(True, False, 2, "blocky")),
        ("pvp-two-level", Applicability.MULTI_LEVEL, findings(False, True, 3, "spongy")),
        # No procedure to place the imaging against: nothing is assessed.
        ("pvp-no-procedure", Applicability.NO_PROCEDURE, findings(None, None, None, None)),
        ("pvp-old-procedure", Applicability.APPLIES, findings(True, True, 4, "blocky")),
        ("pvp-myeloma", Applicability.EXCLUDED_CONDITION, findings(True, True, 4, "blocky")),
        ("pvp-outcome-recorded", Applicability.APPLIES, findings(True, True, 4, "blocky")),
    ],
)
def test_named_patient_reads_back_as_defined(patient_id, applicability, expected):
    assessment = assess(patient_id)
    assert assessment.applicability is applicability
    assert assessment.values() == expected


def test_the_read_entered_in_error_is_not_used_and_does_not_conflict():
    finding = assess(NamedPatient.ENTERED_IN_ERROR).findings["intravertebral_vacuum_cleft"]
    assert finding.status is FindingStatus.FOUND
    assert finding.source.reference == "Observation/pvp-entered-in-error-ivc"


def test_the_preliminary_read_gives_way_to_the_final_report():
    finding = assess(NamedPatient.SUPERSEDED_PRELIMINARY).findings["goutallier_grade"]
    assert finding.status is FindingStatus.FOUND
    assert finding.source.reference == "Observation/pvp-superseded-preliminary-goutallier"
    assert finding.source.status == "final"


def test_the_report_only_patient_reads_back_from_report_text_as_its_coded_twin():
    patient = named_patient(NamedPatient.REPORT_ONLY)
    parsed = [r for d in fhir_resources(patient) for r in fhir_mappings.resources_from(d)]
    reader = fhir_mappings.ReportTextReader(fhir_mappings.load_text_rules())
    config = fhir_mappings.load_mapping_config()
    assessment = fhir_mappings.assess(parsed, patient.id, config, reader, now=datetime.now(UTC))
    assert assessment.values() == findings(True, True, 4, "blocky")
    assert {f.source.reference for f in assessment.findings.values()} == {
        "DiagnosticReport/pvp-report-only-mri-report",
        "DiagnosticReport/pvp-report-only-radiograph-report",
    }


def test_the_report_only_patient_has_no_coded_finding():
    assert assess(NamedPatient.REPORT_ONLY).values() == findings(None, None, None, None)


def test_the_cement_read_is_missing():
    finding = assess(NamedPatient.MISSING_CEMENT).findings["cement_distribution"]
    assert finding.status is FindingStatus.MISSING


def test_the_two_levels_are_both_seen():
    assert assess(NamedPatient.TWO_LEVEL).procedure.levels == ("T12", "L1")


@pytest.mark.parametrize(
    ("patient_id", "timing"),
    [
        ("pvp-high-risk", Timing.IN_WINDOW),
        # Two years after the procedure, no pain score on record.
        ("pvp-old-procedure", Timing.WINDOW_PASSED),
        # 33 days after the procedure, its one-month (day 30) VAS on record.
        ("pvp-outcome-recorded", Timing.OUTCOME_RECORDED),
    ],
)
def test_named_patients_fall_where_defined_in_time(patient_id, timing):
    assert assess(patient_id).time_window.timing is timing


def test_the_myeloma_is_the_exclusion_named():
    (exclusion,) = assess(NamedPatient.MYELOMA).exclusions
    assert (exclusion.rule, exclusion.condition, exclusion.code.code) == (
        ExclusionRule.SPINAL_MALIGNANCY,
        "Condition/pvp-myeloma-myeloma",
        "C90.00",
    )


def test_named_patients_have_no_caveat_as_their_diagnosis_and_level_are_on_record():
    for patient in NAMED_PATIENTS:
        assert assess(patient.id).caveats == ()


def test_an_unknown_name_is_refused_naming_the_known_ones():
    with pytest.raises(
        KeyError, match="no named patient 'pvp-nobody'; the named patients are pvp-"
    ):
        named_patient("pvp-nobody")
