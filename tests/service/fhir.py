"""Small FHIR R4 resources for hook requests, written out as an EHR would send them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fhir_mappings import codes

PATIENT_ID = "pvp-test-1"
#: The service reads the record as of the request: the card shows from the procedure to the
#: one-month assessment (35 days). So the procedure is five days before the test runs, the
#: pre-operative MRI a week before it, the cement radiograph the day after.
_TODAY = datetime.now(UTC).date()
PROCEDURE_DATE = (_TODAY - timedelta(days=5)).isoformat()
PRE_OP_DATE = (_TODAY - timedelta(days=12)).isoformat()
POST_OP_DATE = (_TODAY - timedelta(days=4)).isoformat()


def patient(patient_id: str = PATIENT_ID) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.19.5", "value": "MRN-4471-2209"}],
        "name": [{"family": "Testpatient", "given": ["Eleanor"]}],
        "gender": "female",
        "birthDate": "1948-05-17",
    }


def vertebroplasty(
    id: str = "pvp-1",
    performed: str = PROCEDURE_DATE,
    level: str = "L1",
    code: codes.Code = codes.CPT_VERTEBROPLASTY_LUMBOSACRAL,
    status: str = "completed",
    patient_id: str = PATIENT_ID,
) -> dict[str, Any]:
    return {
        "resourceType": "Procedure",
        "id": id,
        "status": status,
        "code": {"coding": [code.coding()]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "performedDateTime": performed,
        "bodySite": [{"coding": [{"system": codes.VERTEBRAL_LEVEL, "code": level}]}],
    }


def observation(
    id: str,
    code: codes.Code,
    value: dict[str, Any],
    effective: str,
    status: str = "final",
    patient_id: str = PATIENT_ID,
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": id,
        "status": status,
        "code": {"coding": [code.coding()]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": effective,
        **value,
    }


def findings(
    ivc: bool = False,
    oedema: bool = False,
    grade: int = 1,
    cement: codes.Code | None = codes.SPONGY,
    patient_id: str = PATIENT_ID,
) -> list[dict[str, Any]]:
    """Pre-operative MRI findings a week before the procedure, the cement read the day after."""
    observations = [
        observation("ivc-1", codes.IVC, {"valueBoolean": ivc}, PRE_OP_DATE, patient_id=patient_id),
        observation(
            "oedema-1",
            codes.POSTERIOR_FASCIA_OEDEMA,
            {"valueBoolean": oedema},
            PRE_OP_DATE,
            patient_id=patient_id,
        ),
        observation(
            "goutallier-1",
            codes.GOUTALLIER_GRADE,
            {"valueInteger": grade},
            PRE_OP_DATE,
            patient_id=patient_id,
        ),
    ]
    if cement is not None:
        observations.append(
            observation(
                "cement-1",
                codes.CEMENT_DISTRIBUTION,
                {"valueCodeableConcept": {"coding": [cement.coding()]}},
                POST_OP_DATE,
                patient_id=patient_id,
            )
        )
    return observations


def searchset(*resources: dict[str, Any], next_url: str | None = None) -> dict[str, Any]:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }
    if next_url:
        bundle["link"] = [{"relation": "next", "url": next_url}]
    return bundle


def prefetch(
    procedures: list[dict[str, Any]] | None = None,
    observations: list[dict[str, Any]] | None = None,
    patient_id: str = PATIENT_ID,
) -> dict[str, Any]:
    procedures = [vertebroplasty()] if procedures is None else procedures
    observations = findings() if observations is None else observations
    return {
        "patient": patient(patient_id),
        "procedures": searchset(*procedures) if procedures else None,
        "observations": searchset(*observations) if observations else None,
        "conditions": None,
        # No RiskAssessment of this model on record yet (only patient-view asks for them).
        "riskAssessments": None,
    }


def hook_request(
    hook: str = "patient-view",
    prefetch_data: dict[str, Any] | None = None,
    patient_id: str = PATIENT_ID,
    **extra: Any,
) -> dict[str, Any]:
    context = {"userId": "Practitioner/dr-1", "patientId": patient_id}
    if hook == "encounter-discharge":
        context["encounterId"] = "enc-1"
    body = {
        "hook": hook,
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": context,
        "prefetch": prefetch(patient_id=patient_id) if prefetch_data is None else prefetch_data,
    }
    body.update(extra)
    return body


def fhir_authorization(token: str) -> dict[str, Any]:
    """The hook's ``fhirAuthorization`` block for a bearer token (CDS Hooks 2.0)."""
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "user/Patient.read user/Observation.read user/Procedure.read user/Condition.read",
        "subject": "pvp-cds",
    }
