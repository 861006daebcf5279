"""A synthetic patient as data, and the FHIR R4 resources that record it.

Every code comes from the default code contract (``fhir_mappings.codes``) or, for the pain
score, from the service's own VAS coding, so the data can only say what the service reads.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir_mappings import codes
from fhir_mappings.codes import Code, FindingName, VertebralLevel
from scoring import Value, load_model

from .identity import IDENTIFIER_TYPE, MRN_SYSTEM, Identity, identity_of

#: Marks every resource as test data, so a shared sandbox can tell it from real records.
TEST_DATA_TAG = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "HTEST",
    "display": "test health data",
}
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"

#: The pvp-cds code of each finding (the contract also reads a RadLex code for the cleft).
FINDING_CODES: dict[FindingName, Code] = {
    name: code for code, name in codes.FINDING_CODES.items() if code.system == codes.PVP_FINDINGS
}

#: The contract's code for each cement pattern.
CEMENT_CODES: dict[str, Code] = {
    meaning.value: code
    for code, meaning in codes.CEMENT_ANSWERS.items()
    if isinstance(meaning, codes.CementDistribution)
}

_MODEL = load_model()
#: When the study measured back pain after the procedure (the model file's outcome block).
STUDY_FOLLOW_UP = _MODEL.follow_up
#: The label of the last study follow-up: its VAS decides the outcome.
ONE_MONTH = STUDY_FOLLOW_UP[-1].label
#: The model's outcome: VAS >= 4 one month after the procedure.
RESIDUAL_PAIN_FROM_VAS = _MODEL.outcome["event_threshold"]


def _contract_code(table: Iterable[Code], code: str) -> Code:
    """The contract's entry for ``code``, so that data can never use a code the service lacks."""
    for entry in table:
        if entry.code == code:
            return entry
    raise LookupError(f"code {code} is not in the default code contract")


#: Age-related osteoporosis with current pathological vertebral fracture, initial encounter.
OSTEOPOROTIC_FRACTURE = _contract_code(codes.OSTEOPOROTIC_VERTEBRAL_FRACTURE_CODES, "M80.08XA")


@dataclass(frozen=True)
class ImagingRead:
    """One finding as a radiology report states it. ``key`` names the resource in its patient."""

    key: str
    finding: FindingName
    value: Value
    effective: datetime
    status: str = "final"


@dataclass(frozen=True)
class ImagingReport:
    """A radiology report whose text states findings that no Observation codes. ``states``
    is what a reader takes from the text; ``modality`` is the report's code text."""

    key: str
    modality: str
    effective: datetime
    text: str
    states: Mapping[FindingName, Value]


@dataclass(frozen=True)
class Augmentation:
    """One Procedure record of a vertebral augmentation, at one or more levels."""

    key: str
    code: Code
    levels: tuple[VertebralLevel, ...]
    performed: datetime


@dataclass(frozen=True)
class PainScore:
    """A back-pain VAS (0-10) at one of the study's follow-up points."""

    follow_up: str
    vas: int
    effective: datetime

    @property
    def key(self) -> str:
        return "vas-" + self.follow_up.replace(" ", "-")


@dataclass(frozen=True)
class OtherCondition:
    """A diagnosis beside the fracture (e.g. one the derivation study excluded)."""

    key: str
    code: Code
    clinical_status: str = "active"


@dataclass(frozen=True)
class SyntheticPatient:
    id: str
    description: str
    gender: str
    birth_date: date
    fracture_levels: tuple[VertebralLevel, ...]
    diagnosed: datetime
    procedures: tuple[Augmentation, ...]
    reads: tuple[ImagingRead, ...]
    pain_scores: tuple[PainScore, ...]
    other_conditions: tuple[OtherCondition, ...] = ()
    #: Radiology reports whose text is the only record of some findings.
    reports: tuple[ImagingReport, ...] = ()

    @property
    def identity(self) -> Identity:
        """Name, record number and address, drawn from the id."""
        return identity_of(self.id, self.gender)

    @property
    def findings(self) -> dict[str, Value | None]:
        """The model's inputs as this patient's final reports give them; None where not read.
        Coded reads come first; report text gives only what no read codes."""
        values: dict[str, Value | None] = {name.value: None for name in FindingName}
        for read in sorted(self.reads, key=lambda read: read.effective):
            if read.status == "final":
                values[read.finding.value] = read.value
        for report in sorted(self.reports, key=lambda report: report.effective):
            for name, value in report.states.items():
                if not any(read.finding is name for read in self.reads):
                    values[name.value] = value
        return values

    @property
    def residual_back_pain(self) -> bool | None:
        """The outcome, VAS >= 4 at one month; None without a one-month score."""
        for score in self.pain_scores:
            if score.follow_up == ONE_MONTH:
                return score.vas >= RESIDUAL_PAIN_FROM_VAS
        return None


def vertebroplasty(level: VertebralLevel, performed: datetime) -> Augmentation:
    """A single-level vertebroplasty, coded as CPT codes it: thoracic levels are
    cervicothoracic (22510), lumbar levels lumbosacral (22511)."""
    if level.position <= VertebralLevel.T12.position:
        code = codes.CPT_VERTEBROPLASTY_CERVICOTHORACIC
    else:
        code = codes.CPT_VERTEBROPLASTY_LUMBOSACRAL
    return Augmentation("procedure", code, (level,), performed)


def imaging_reads(
    *,
    ivc: bool,
    oedema: bool,
    goutallier: int,
    cement: str | None,
    mri: datetime,
    radiograph: datetime,
) -> tuple[ImagingRead, ...]:
    """The four findings as the study read them: vacuum cleft, fascia oedema and Goutallier
    grade on the pre-operative MRI, cement distribution on the post-operative radiograph
    (``None``: no cement read on record)."""
    reads = [
        ImagingRead("ivc", FindingName.INTRAVERTEBRAL_VACUUM_CLEFT, ivc, mri),
        ImagingRead("oedema", FindingName.POSTERIOR_FASCIA_OEDEMA, oedema, mri),
        ImagingRead("goutallier", FindingName.GOUTALLIER_GRADE, goutallier, mri),
    ]
    if cement is not None:
        reads.append(ImagingRead("cement", FindingName.CEMENT_DISTRIBUTION, cement, radiograph))
    return tuple(reads)


def pain_scores(performed: datetime, scores: tuple[int, int, int]) -> tuple[PainScore, ...]:
    """VAS at 24 hours, 3 days and one month after the procedure, as the study measured."""
    return tuple(
        PainScore(follow_up.label, vas, performed + follow_up.after_procedure)
        for follow_up, vas in zip(STUDY_FOLLOW_UP, scores, strict=True)
    )


def fhir_resources(patient: SyntheticPatient) -> list[dict[str, Any]]:
    """The patient's FHIR R4 resources, each with an id derived from the patient's id."""
    return [
        _patient(patient),
        _condition(patient),
        *(_procedure(patient, procedure) for procedure in patient.procedures),
        *(_imaging(patient, read) for read in patient.reads),
        *(_report(patient, report) for report in patient.reports),
        *(_pain(patient, score) for score in patient.pain_scores),
        *(_other_condition(patient, condition) for condition in patient.other_conditions),
    ]


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _resource(patient: SyntheticPatient, resource_type: str, key: str) -> dict[str, Any]:
    return {
        "resourceType": resource_type,
        "id": f"{patient.id}-{key}",
        "meta": {"tag": [TEST_DATA_TAG]},
        "subject": {"reference": f"Patient/{patient.id}"},
    }


def _level(level: VertebralLevel) -> dict[str, Any]:
    coding = [{"system": codes.VERTEBRAL_LEVEL, "code": level.value, "display": level.value}]
    if level in codes.SNOMED_VERTEBRAE:
        coding.append(
            {
                "system": codes.SNOMED_CT,
                "code": codes.SNOMED_VERTEBRAE[level],
                "display": f"{level.value} vertebra",
            }
        )
    return {"coding": coding, "text": level.value}


def _patient(patient: SyntheticPatient) -> dict[str, Any]:
    identity = patient.identity
    return {
        "resourceType": "Patient",
        "id": patient.id,
        "meta": {"tag": [TEST_DATA_TAG]},
        "identifier": [
            {
                "use": "usual",
                "type": {
                    "coding": [
                        {
                            "system": IDENTIFIER_TYPE,
                            "code": "MR",
                            "display": "Medical record number",
                        }
                    ]
                },
                "system": MRN_SYSTEM,
                "value": identity.medical_record_number,
            }
        ],
        "active": True,
        "name": [
            {
                "use": "official",
                "text": identity.full_name,
                "family": identity.family,
                "given": [identity.given],
            }
        ],
        "gender": patient.gender,
        "birthDate": patient.birth_date.isoformat(),
        "address": [
            {
                "use": "home",
                "line": [identity.address.line],
                "city": identity.address.city,
                "postalCode": identity.address.postal_code,
            }
        ],
    }


def _condition(patient: SyntheticPatient) -> dict[str, Any]:
    return {
        **_resource(patient, "Condition", "fracture"),
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {
            "coding": [{"system": codes.CONDITION_VERIFICATION, "code": "confirmed"}]
        },
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}],
        "code": {
            "coding": [OSTEOPOROTIC_FRACTURE.coding()],
            "text": "Osteoporotic vertebral compression fracture",
        },
        "bodySite": [_level(level) for level in patient.fracture_levels],
        "onsetDateTime": _instant(patient.diagnosed),
        "recordedDate": _instant(patient.diagnosed),
    }


def _other_condition(patient: SyntheticPatient, condition: OtherCondition) -> dict[str, Any]:
    return {
        **_resource(patient, "Condition", condition.key),
        "clinicalStatus": {
            "coding": [{"system": CONDITION_CLINICAL, "code": condition.clinical_status}]
        },
        "verificationStatus": {
            "coding": [{"system": codes.CONDITION_VERIFICATION, "code": "confirmed"}]
        },
        "code": {"coding": [condition.code.coding()], "text": condition.code.display},
        "recordedDate": _instant(patient.diagnosed),
    }


def _procedure(patient: SyntheticPatient, procedure: Augmentation) -> dict[str, Any]:
    return {
        **_resource(patient, "Procedure", procedure.key),
        "status": "completed",
        "code": {"coding": [procedure.code.coding()], "text": procedure.code.display},
        "performedDateTime": _instant(procedure.performed),
        "bodySite": [_level(level) for level in procedure.levels],
        "reasonReference": [{"reference": f"Condition/{patient.id}-fracture"}],
    }


def _imaging(patient: SyntheticPatient, read: ImagingRead) -> dict[str, Any]:
    return {
        **_resource(patient, "Observation", read.key),
        "status": read.status,
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "imaging"}]}],
        "code": {"coding": [FINDING_CODES[read.finding].coding()]},
        "effectiveDateTime": _instant(read.effective),
        **_value(read),
    }


def _report(patient: SyntheticPatient, report: ImagingReport) -> dict[str, Any]:
    return {
        **_resource(patient, "DiagnosticReport", report.key),
        "status": "final",
        "category": [{"coding": [codes.LOINC_RADIOLOGY.coding()]}],
        "code": {"text": report.modality},
        "effectiveDateTime": _instant(report.effective),
        "issued": _instant(report.effective),
        "presentedForm": [
            {
                "contentType": "text/plain; charset=utf-8",
                "data": base64.b64encode(report.text.encode("utf-8")).decode("ascii"),
                "title": report.modality,
            }
        ],
    }


def _value(read: ImagingRead) -> dict[str, Any]:
    if read.finding is FindingName.GOUTALLIER_GRADE:
        return {"valueInteger": read.value}
    if read.finding is FindingName.CEMENT_DISTRIBUTION:
        return {"valueCodeableConcept": {"coding": [CEMENT_CODES[read.value].coding()]}}
    answer = codes.SNOMED_PRESENT if read.value else codes.SNOMED_ABSENT
    return {"valueCodeableConcept": {"coding": [answer.coding()]}}


def _pain(patient: SyntheticPatient, score: PainScore) -> dict[str, Any]:
    return {
        **_resource(patient, "Observation", score.key),
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [codes.LOINC_VAS_PAIN.coding()],
            "text": f"Back pain (VAS), {score.follow_up}",
        },
        "effectiveDateTime": _instant(score.effective),
        "valueInteger": score.vas,
    }
