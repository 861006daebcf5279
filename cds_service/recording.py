"""Record an estimate once: at most one RiskAssessment per index procedure and model version.

The EHR fires ``patient-view`` every time anyone opens the chart. The RiskAssessment is
proposed at ``encounter-discharge`` (the moment the study's findings are all read), and on
``patient-view`` only while none of this model version rests on this procedure. Its stable
``identifier`` (model, version, procedure) lets an EHR de-duplicate what it is sent twice.
"""

from __future__ import annotations

from enum import Enum

from fhir_mappings import Assessment
from fhir_mappings.codes import Code
from scoring import Model, RiskEstimate, RiskTier

MODEL_SYSTEM = "http://pvp-cds.org/fhir/CodeSystem/prediction-model"
IDENTIFIER_SYSTEM = "http://pvp-cds.org/fhir/NamingSystem/risk-assessment"
#: The hook at which the estimate is always proposed (its identifier makes a repeat harmless).
RECORDING_HOOK = "encounter-discharge"
#: The prefetch key of the RiskAssessments already on record, for the hooks that need it.
PREFETCH_KEY = "riskAssessments"


class Recorded(Enum):
    """Whether the RiskAssessments on record could be read for this call."""

    #: Read (from prefetch or the FHIR server): ``Assessment.recorded_estimates`` is complete.
    LOOKED_UP = "looked-up"
    #: Could not be read (not prefetched and no server, or a server that cannot search
    #: RiskAssessment by patient): whether one is on record is unknown.
    UNKNOWN = "unknown"

    @classmethod
    def from_lookup(cls, read: bool) -> Recorded:
        return cls.LOOKED_UP if read else cls.UNKNOWN


def method(model: Model) -> Code:
    return Code(MODEL_SYSTEM, model.id)


def identifier(model: Model, procedure_reference: str) -> dict[str, str]:
    return {
        "system": IDENTIFIER_SYSTEM,
        "value": f"{model.id}|{model.version}|{procedure_reference}",
    }


def already_recorded(assessment: Assessment, model: Model) -> bool:
    """Whether a RiskAssessment of this model version on this index procedure is on record
    (one withdrawn as entered in error or cancelled does not count)."""
    if assessment.procedure is None:
        return False
    return any(
        estimate.counts
        and estimate.is_by(method(model), model.version)
        and estimate.rests_on(assessment.procedure.reference)
        for estimate in assessment.recorded_estimates
    )


def worth_recording(estimate: RiskEstimate) -> bool:
    """An estimate says something to record only if it places the patient in a tier: not when
    nothing is known, nor when the range spans both tiers."""
    known = any(not factor.is_unknown for factor in estimate.factors)
    return known and estimate.tier is not RiskTier.INDETERMINATE


def should_record(
    hook: str,
    estimate: RiskEstimate,
    assessment: Assessment,
    model: Model,
    recorded: Recorded = Recorded.LOOKED_UP,
) -> bool:
    """At discharge always; on other hooks only when it is known that none is on record (not
    knowing, the estimate waits for discharge rather than being proposed on every view)."""
    if not worth_recording(estimate):
        return False
    if hook == RECORDING_HOOK:
        return True
    return recorded is Recorded.LOOKED_UP and not already_recorded(assessment, model)


def recorded_estimates_template(patient: str) -> str:
    """The FHIR search for the patient's RiskAssessments. Searching by ``method`` as well
    would fetch less, but not every server supports that parameter (one that refuses it
    would make every call a 412); the service keeps only this model's."""
    return f"RiskAssessment?patient={patient}"
