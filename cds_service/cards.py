"""Risk and findings in, CDS Hooks cards out. Cards are built as data; markdown only in detail."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fhir_mappings import Applicability, Assessment, CaveatKind, ExclusionRule, Finding
from scoring import (
    FactorResult,
    Interval,
    Model,
    RiskEstimate,
    RiskTier,
    RiskTiers,
    expected_derivation_patients,
    is_rare,
)

from . import fhir_resources

OVERRIDE_REASONS_SYSTEM = "http://pvp-cds.org/fhir/CodeSystem/override-reason"
OVERRIDE_REASONS = (
    ("finding-incorrect", "An imaging finding used is recorded incorrectly"),
    ("model-not-applicable", "The model does not apply to this patient"),
    ("follow-up-planned", "Pain follow-up is already planned"),
)

#: Why no risk is given, short enough for a card summary.
NOT_APPLICABLE_SUMMARIES = {
    Applicability.NOT_VERTEBROPLASTY: "kyphoplasty or other augmentation, not vertebroplasty",
    Applicability.MULTI_LEVEL: "more than one level treated",
    Applicability.LEVEL_OUTSIDE_RANGE: "treated level outside T4-L5",
    Applicability.PROCEDURE_UNDATED: "the vertebroplasty has no date",
    Applicability.EXCLUDED_CONDITION: "a condition the study excluded is on record",
}

#: What the derivation study excluded, per exclusion rule (Li et al. 2021, Methods).
EXCLUSION_WORDS = {
    ExclusionRule.SPINAL_MALIGNANCY: "fractures caused by tumour",
    ExclusionRule.SPINAL_INFECTION: "fractures caused by infection or tuberculosis",
    ExclusionRule.NEUROLOGICAL_DEFICIT: "spinal cord compression or neurological deficit",
}


@dataclass(frozen=True)
class CardContext:
    """What every card needs besides the risk: the model and how its tiers are cut."""

    model: Model
    tiers: RiskTiers

    @property
    def source(self) -> dict[str, str]:
        card = self.model.model_card
        return {"label": "Li et al. 2021 nomogram (pvp-cds)", "url": card["url"]}


def percent(p: float) -> str:
    return f"{p * 100:.1f}%" if p < 0.1 else f"{p * 100:.0f}%"


def risk_text(probability: Interval) -> str:
    if probability.is_point:
        return percent(probability.low)
    return f"{percent(probability.low)}-{percent(probability.high)}"


def risk_summary(estimate: RiskEstimate) -> str:
    risk = risk_text(estimate.probability)
    missing = len(estimate.unknown)
    if estimate.tier is RiskTier.INDETERMINATE:
        plural = "s" if missing > 1 else ""
        return f"Residual back pain risk after PVP {risk}: {missing} finding{plural} missing"
    tier = estimate.tier.value
    if missing:
        return (
            f"{tier.capitalize()} risk of residual back pain after PVP: {risk} ({missing} missing)"
        )
    return f"{tier.capitalize()} risk of residual back pain one month after PVP: {risk}"


def risk_card(
    estimate: RiskEstimate,
    assessment: Assessment,
    context: CardContext,
    suggestions: list[dict[str, Any]],
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": risk_summary(estimate),
        "indicator": "warning" if estimate.tier is RiskTier.HIGH else "info",
        "detail": risk_detail(estimate, assessment, context),
        "source": context.source,
        "overrideReasons": [
            {"system": OVERRIDE_REASONS_SYSTEM, "code": code, "display": display}
            for code, display in OVERRIDE_REASONS
        ],
    }
    if suggestions:
        card["suggestions"] = suggestions
        card["selectionBehavior"] = "any"
    return card


def _exclusion_reason(assessment: Assessment) -> str:
    exclusion = assessment.exclusions[0]
    status = f", {exclusion.verification_status}" if exclusion.verification_status else ""
    named = exclusion.code.display or exclusion.code.code
    return (
        f"The study excluded {EXCLUSION_WORDS[exclusion.rule]}; on record: {named} "
        f"({exclusion.code.code}, {exclusion.condition}{status})."
    )


def not_applicable_card(assessment: Assessment, context: CardContext) -> dict[str, Any]:
    reason = (
        _exclusion_reason(assessment)
        if assessment.applicability is Applicability.EXCLUDED_CONDITION
        else assessment.applicability_reason
    )
    lines = [
        "The Li et al. 2021 nomogram was derived on single-level vertebroplasty. "
        f"{reason} No risk is estimated.",
        *_procedure_lines(assessment),
        *_caveats(assessment),
    ]
    summary = NOT_APPLICABLE_SUMMARIES[assessment.applicability]
    return {
        "uuid": str(uuid.uuid4()),
        "summary": f"Residual back pain model does not apply: {summary}",
        "indicator": "info",
        "detail": "\n\n".join(lines),
        "source": context.source,
    }


def risk_detail(estimate: RiskEstimate, assessment: Assessment, context: CardContext) -> str:
    sections = [
        _headline(estimate, context),
        _inputs_table(estimate, assessment),
        *_missing(estimate, assessment),
        *_procedure_lines(assessment),
        *_caveats(assessment, _rare_combination(estimate, context.model)),
        _monitoring(estimate),
        _provenance(context.model),
    ]
    return "\n\n".join(sections)


def _headline(estimate: RiskEstimate, context: CardContext) -> str:
    threshold = f"{context.tiers.high_from * 100:.1f}%"
    risk = risk_text(estimate.probability)
    tier = {
        RiskTier.HIGH: f"high: at or above {threshold}",
        RiskTier.LOW: f"low: below {threshold}",
        RiskTier.INDETERMINATE: f"the range spans the {threshold} threshold",
    }[estimate.tier]
    text = (
        f"**Estimated risk of residual back pain (VAS >= 4) one month after vertebroplasty: "
        f"{risk}** ({tier}; {threshold} is the average risk in the study cohort)."
    )
    if not estimate.probability.is_point:
        text += " The range covers every value the missing findings could take."
    return text


def _points(interval: Interval) -> str:
    if interval.is_point:
        return f"{interval.low:.0f}"
    return f"{interval.low:.0f}-{interval.high:.0f}"


def _value_text(factor: FactorResult) -> str:
    if factor.is_unknown:
        return "unknown"
    if isinstance(factor.value, bool):
        return "present" if factor.value else "absent"
    if factor.name == "goutallier_grade" and factor.level != f"grade {factor.value}":
        return f"grade {factor.value} ({factor.level})"
    if factor.name == "goutallier_grade":
        return f"grade {factor.value}"
    return str(factor.value)


def _source_text(finding: Finding) -> str:
    if finding.source is None:
        return f"{finding.status.value}: see below"
    source = finding.source
    parts = [source.reference, source.effective or "no date", source.status]
    if source.display:
        parts.insert(1, source.display)
    if finding.value is None:
        parts.append(f"{finding.status.value}: see below")
    return ", ".join(parts)


def _inputs_table(estimate: RiskEstimate, assessment: Assessment) -> str:
    rows = ["| Finding | Value | Points | Source |", "|---|---|---|---|"]
    for factor in estimate.factors:
        finding = assessment.findings[factor.name]
        rows.append(
            f"| {factor.label} | {_value_text(factor)} | {_points(factor.points)} "
            f"| {_escape(_source_text(finding))} |"
        )
    rows.append(f"| **Total points** | | {_points(estimate.total_points)} | |")
    return "\n".join(rows)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _missing(estimate: RiskEstimate, assessment: Assessment) -> Iterable[str]:
    if not estimate.unknown:
        return []
    lines = ["**Missing findings** (the risk is a range until they are recorded):"]
    for name in estimate.unknown:
        finding = assessment.findings[name]
        label = next(f.label for f in estimate.factors if f.name == name)
        reason = finding.reason or "no usable reading on record"
        lines.append(f"- {label}: {reason}")
    return ["\n".join(lines)]


def _procedure_lines(assessment: Assessment) -> list[str]:
    procedure = assessment.procedure
    if procedure is None:
        return []
    level = ", ".join(procedure.levels) if procedure.levels else "level not recorded"
    return [
        f"**Index procedure:** {procedure.reference}, {procedure.performed or 'no date'}, {level}."
    ]


def _rare_combination(estimate: RiskEstimate, model: Model) -> list[str]:
    findings = {factor.name: factor.value for factor in estimate.factors}
    if all(value is None for value in findings.values()):
        return []
    patients = expected_derivation_patients(model, findings)
    if not is_rare(model, patients):
        return []
    return [
        f"Few patients of the derivation cohort had these findings (about {patients:.0f} of "
        f"{model.cohort_size}, estimated): the risk rests on the model's assumptions more than "
        "on patients like this one."
    ]


SCOPE_CAVEATS = {
    CaveatKind.LEVELS_UNCERTAIN: (
        "Number of levels uncertain: same-day records ({records}) do not each name the same "
        "single level; one level recorded twice, or several levels. The model was derived "
        "after single-level vertebroplasty."
    ),
    CaveatKind.PAST_MALIGNANCY: (
        "A past malignancy is on record ({records}, resolved or inactive); the study excluded "
        "fractures caused by tumour: confirm this fracture is osteoporotic."
    ),
}


def _caveats(assessment: Assessment, extra: list[str] | None = None) -> list[str]:
    caveats = list(assessment.caveats)
    caveats += [
        SCOPE_CAVEATS[caveat.kind].format(records=", ".join(caveat.records))
        for caveat in assessment.scope_caveats
    ]
    caveats += extra or []
    if assessment.ignored_resources:
        caveats.append(
            f"Not used: {assessment.ignored_resources} resource(s) outside the code contract "
            "(unknown codes or values)."
        )
    if not caveats:
        return []
    return ["**Caveats:**\n" + "\n".join(f"- {caveat}" for caveat in caveats)]


MONITORING = {
    RiskTier.LOW: (
        "Routine follow-up. The study measured back pain (VAS) at 24 hours, 3 days and one "
        "month after the procedure; reassessing at the same points would confirm the expected "
        "course."
    ),
    RiskTier.HIGH: (
        "Consider closer follow-up: reassess back pain (VAS) at 24 hours, 3 days and one month, "
        "as the study did, and review early if VAS stays at 4 or more. The paper links "
        "paraspinal muscle degeneration to residual pain and cites back-muscle strengthening "
        "exercise as reducing nonspecific back pain; early rehabilitation may be worth "
        "discussing. Decision support only: weigh against the clinical picture."
    ),
    RiskTier.INDETERMINATE: (
        "Record the missing findings to place the patient in a tier. Meanwhile, reassessing back "
        "pain (VAS) at 24 hours, 3 days and one month, as the study did, covers either case."
    ),
}


def _monitoring(estimate: RiskEstimate) -> str:
    return "**Monitoring (suggestion):** " + MONITORING[estimate.tier]


def _provenance(model: Model) -> str:
    card, performance = model.model_card, model.performance
    c_index = performance["c_index"]
    return (
        f"**Model:** {model.title}, {model.id} v{model.version}; [{card['doi']}]({card['url']}). "
        f"AUC {performance['auc']:.3f}; c-index {c_index['estimate']:.3f} "
        f"({c_index['ci95_low']:.3f}-{c_index['ci95_high']:.3f}), "
        f"{performance.get('c_index_bootstrap', 'n/a')} after bootstrap.\n\n"
        f"**Limits:** {'; '.join(card['limitations'])}."
    )


def reassessment_suggestion(
    assessment: Assessment, model: Model, patient_id: str
) -> dict[str, Any] | None:
    requests = fhir_resources.pain_reassessment_requests(assessment, model, patient_id)
    if not requests:
        return None
    return {
        "uuid": str(uuid.uuid4()),
        "label": "Propose back-pain reassessment (VAS) at the study's follow-up points",
        "actions": [
            {"type": "create", "description": request["note"][0]["text"], "resource": request}
            for request in requests
        ],
    }
