"""FHIR R4 resources the service proposes: the RiskAssessment for the estimate and the
ServiceRequests for pain reassessment.

Built as plain JSON data, once per call, and never run through a model on the way out: their
FHIR validity is proven by the tests, whose client validates every RiskAssessment and
ServiceRequest in every response with fhir.resources (tests/service/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fhir_mappings import Assessment
from fhir_mappings.codes import LOINC_VAS_PAIN
from scoring import Model, RiskEstimate, RiskTier

from . import wording
from .recording import MODEL_SYSTEM, identifier

RISK_PROBABILITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/risk-probability"


def fhir_datetime(moment: datetime) -> str:
    """A FHIR dateTime to the second, with UTC written ``Z`` as FHIR servers write it."""
    text = moment.isoformat(timespec="seconds")
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def risk_assessment(
    estimate: RiskEstimate,
    assessment: Assessment,
    model: Model,
    patient_id: str,
    encounter_id: str | None,
    now: datetime,
) -> dict[str, Any]:
    prediction: dict[str, Any] = {"outcome": {"text": model.outcome["definition"]}}
    probability = estimate.probability
    if probability.is_point:
        prediction["probabilityDecimal"] = round(probability.low, 4)
    else:
        prediction["probabilityRange"] = {
            "low": {"value": round(probability.low, 4)},
            "high": {"value": round(probability.high, 4)},
        }
    prediction["qualitativeRisk"] = _qualitative_risk(estimate.tier)
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final" if probability.is_point else "preliminary",
        "identifier": [identifier(model, assessment.procedure.reference)],
        "subject": {"reference": f"Patient/{patient_id}"},
        "occurrenceDateTime": fhir_datetime(now),
        "method": {
            "coding": [{"system": MODEL_SYSTEM, "code": model.id, "version": model.version}],
            "text": wording.method_text(model),
        },
        "prediction": [prediction],
    }
    if encounter_id:
        resource["encounter"] = {"reference": f"Encounter/{encounter_id}"}
    basis = _basis(assessment)
    if basis:
        resource["basis"] = basis
    if estimate.unknown:
        resource["note"] = [{"text": wording.range_note(estimate)}]
    return resource


def _qualitative_risk(tier: RiskTier) -> dict[str, Any]:
    if tier is RiskTier.INDETERMINATE:
        return {"text": wording.INDETERMINATE_RISK}
    return {"coding": [{"system": RISK_PROBABILITY_SYSTEM, "code": tier.value}]}


def _basis(assessment: Assessment) -> list[dict[str, str]]:
    references = [f.source.reference for f in assessment.findings.values() if f.source]
    if assessment.procedure is not None:
        references.append(assessment.procedure.reference)
    return [{"reference": reference} for reference in references]


def pain_reassessment_requests(
    assessment: Assessment, model: Model, patient_id: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Proposed VAS reassessments at the study's follow-up points still ahead of ``now``."""
    performed = _performed_at(assessment)
    if performed is None:
        return []
    now = now or datetime.now(UTC)
    requests = []
    for follow_up in model.follow_up:
        label, when = follow_up.label, performed + follow_up.after_procedure
        if when <= now:
            continue
        requests.append(
            {
                "resourceType": "ServiceRequest",
                "status": "draft",
                "intent": "proposal",
                "code": {
                    "coding": [LOINC_VAS_PAIN.coding()],
                    "text": wording.REASSESSMENT_CODE_TEXT,
                },
                "subject": {"reference": f"Patient/{patient_id}"},
                "occurrenceDateTime": fhir_datetime(when),
                "note": [{"text": wording.reassessment_note(label)}],
            }
        )
    return requests


def _performed_at(assessment: Assessment) -> datetime | None:
    procedure = assessment.procedure
    if procedure is None or not procedure.performed:
        return None
    performed = datetime.fromisoformat(procedure.performed)
    return performed if performed.tzinfo else performed.replace(tzinfo=UTC)
