"""Small hand-written FHIR R4 JSON builders for the mapping tests.

Systems and codes are spelled out literally (not imported from the package) so that a test
fails if the package's contract drifts from the published one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cds_service.wording import finding_reason
from fhir_mappings import Applicability, Finding

PATIENT_ID = "pat-1"
FINDINGS = "http://pvp-cds.org/fhir/CodeSystem/pvp-findings"
LEVELS = "http://pvp-cds.org/fhir/CodeSystem/vertebral-level"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RADLEX = "http://radlex.org"
CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
V2_0136 = "http://terminology.hl7.org/CodeSystem/v2-0136"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

IVC = "intravertebral-vacuum-cleft"
OEDEMA = "posterior-fascia-oedema"
GOUTALLIER = "goutallier-grade"
CEMENT = "cement-distribution"

#: The index procedure of most tests; pre-operative imaging is dated before it, cement after.
PROCEDURE_DAY = "2024-03-10"
PRE_OP_DAY = "2024-03-01"
POST_OP_DAY = "2024-03-11"
#: When most tests read the record: five days after the procedure, inside the alert window.
NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC)
#: A request made after every reading of a test that dates readings past ``NOW`` (a reading
#: dated after the request is set aside as future-dated).
LATER = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)

Json = dict[str, Any]


def coding(system: str, code: str, display: str | None = None) -> Json:
    value = {"system": system, "code": code}
    if display is not None:
        value["display"] = display
    return value


def concept(system: str, code: str, text: str | None = None) -> Json:
    value: Json = {"coding": [coding(system, code)]}
    if text is not None:
        value["text"] = text
    return value


def observation(
    id: str,
    code: str | Json,
    *,
    status: str = "final",
    effective: str | None = PRE_OP_DAY,
    patient: str = PATIENT_ID,
    **value: Any,
) -> Json:
    """An Observation; ``code`` is a pvp-findings code or a full CodeableConcept; ``value``
    holds value[x], dataAbsentReason, component, effectivePeriod, issued... as FHIR JSON."""
    resource: Json = {
        "resourceType": "Observation",
        "id": id,
        "status": status,
        "code": concept(FINDINGS, code) if isinstance(code, str) else code,
        "subject": {"reference": f"Patient/{patient}"},
    }
    if effective is not None:
        resource["effectiveDateTime"] = effective
    resource.update(value)
    return resource


def present(id: str, code: str = IVC, **kwargs: Any) -> Json:
    return observation(id, code, valueBoolean=True, **kwargs)


def absent(id: str, code: str = IVC, **kwargs: Any) -> Json:
    return observation(id, code, valueBoolean=False, **kwargs)


def goutallier(id: str, grade: int, **kwargs: Any) -> Json:
    return observation(id, GOUTALLIER, valueInteger=grade, **kwargs)


def cement(id: str, pattern: str, *, effective: str = POST_OP_DAY, **kwargs: Any) -> Json:
    return observation(
        id, CEMENT, effective=effective, valueCodeableConcept=concept(FINDINGS, pattern), **kwargs
    )


def data_absent(id: str, code: str, reason: str = "unknown", **kwargs: Any) -> Json:
    return observation(id, code, dataAbsentReason=concept(DATA_ABSENT, reason), **kwargs)


def procedure(
    id: str,
    cpt: str | None = "22511",
    *,
    performed: str | None = PROCEDURE_DAY,
    status: str = "completed",
    levels: list[str] | None = None,
    code: Json | None = None,
    body_site: list[Json] | None = None,
    patient: str = PATIENT_ID,
) -> Json:
    resource: Json = {
        "resourceType": "Procedure",
        "id": id,
        "status": status,
        "code": code if code is not None else concept(CPT, cpt),
        "subject": {"reference": f"Patient/{patient}"},
    }
    if performed is not None:
        resource["performedDateTime"] = performed
    sites = (
        body_site if body_site is not None else [concept(LEVELS, level) for level in levels or []]
    )
    if sites:
        resource["bodySite"] = sites
    return resource


def fracture(id: str = "fx-1", code: str = "M80.08XA", **extra: Any) -> Json:
    return {
        "resourceType": "Condition",
        "id": id,
        "code": concept(ICD10CM, code),
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        **extra,
    }


def patient(id: str = PATIENT_ID) -> Json:
    return {"resourceType": "Patient", "id": id}


def bundle(*resources: Json, type: str = "searchset") -> Json:
    return {
        "resourceType": "Bundle",
        "type": type,
        "entry": [{"resource": resource} for resource in resources],
    }


def index_pvp(*others: Json) -> list[Json]:
    """A single-level L1 vertebroplasty with its fracture diagnosis, plus ``others``."""
    return [procedure("pvp-1", levels=["L1"]), fracture(), *others]


CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def condition(
    id: str,
    code: str,
    system: str = ICD10CM,
    *,
    clinical: str | None = "active",
    verification: str | None = None,
    display: str | None = None,
) -> Json:
    resource: Json = {
        "resourceType": "Condition",
        "id": id,
        "code": {"coding": [coding(system, code, display)]},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
    }
    if clinical is not None:
        resource["clinicalStatus"] = concept(CONDITION_CLINICAL, clinical)
    if verification is not None:
        resource["verificationStatus"] = concept(CONDITION_VERIFICATION, verification)
    return resource


def pain_score(
    id: str, effective: str, *, code: str = "38214-3", status: str = "final", **value: Any
) -> Json:
    """A 0-10 back pain score (LOINC VAS by default) with ``valueInteger`` 5 unless given."""
    return observation(
        id,
        concept(LOINC, code),
        status=status,
        effective=effective,
        **(value or {"valueInteger": 5}),
    )


def risk_assessment(
    id: str, *, version: str = "1.1.0", basis: list[str], status: str = "final"
) -> Json:
    return {
        "resourceType": "RiskAssessment",
        "id": id,
        "status": status,
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "method": {
            "coding": [
                {
                    "system": "http://pvp-cds.org/fhir/CodeSystem/prediction-model",
                    "code": "li2021-pvp-residual-back-pain",
                    "version": version,
                }
            ]
        },
        "basis": [{"reference": reference} for reference in basis],
    }


def reason_of(finding: Finding, applicability: Applicability = Applicability.APPLIES) -> str | None:
    """The words a card gives for an unknown finding: the mapping layer's structured reason as
    the service's card writer puts it."""
    return finding_reason(finding, applicability)
