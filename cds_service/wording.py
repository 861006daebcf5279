"""Every sentence a clinician reads, written here and nowhere else.

The layers below return structured reasons (statuses, caveat kinds, the records concerned);
this module turns them into English. Names and numbers come from the model file (its name,
outcome, tier names, provenance) and from the mapping data (derivation levels, windows, grades),
never from literals here. Markdown only where a card's ``detail`` is written.
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mappings import (
    DERIVATION_LEVELS,
    GOUTALLIER_GRADES,
    Applicability,
    Assessment,
    Caveat,
    CaveatKind,
    ExclusionRule,
    Finding,
    FindingName,
    FindingStatus,
    NoValue,
    NoValueKind,
    Placement,
    Problem,
    ProcedureKind,
    Unreadable,
    levels_outside_derivation,
)
from scoring import FactorResult, Interval, Model, RiskEstimate, RiskTier, RiskTiers, Value

#: A finding as a sentence names it, and the imaging it is read from.
FINDING_NAMES = {
    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT: "intravertebral vacuum cleft",
    FindingName.POSTERIOR_FASCIA_OEDEMA: "posterior fascia oedema",
    FindingName.GOUTALLIER_GRADE: "Goutallier grade",
    FindingName.CEMENT_DISTRIBUTION: "cement distribution",
}
READ_ON = {
    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT: "the pre-operative CT or MRI",
    FindingName.POSTERIOR_FASCIA_OEDEMA: "the pre-operative MRI",
    FindingName.GOUTALLIER_GRADE: (
        "the pre-operative axial T1-weighted MRI (paraspinal muscles at L4/5)"
    ),
    FindingName.CEMENT_DISTRIBUTION: "the post-operative radiograph",
}

#: Override reasons a clinician may give for a risk card: (code, display).
OVERRIDE_REASONS = (
    ("finding-incorrect", "An imaging finding used is recorded incorrectly"),
    ("model-not-applicable", "The model does not apply to this patient"),
    ("follow-up-planned", "Pain follow-up is already planned"),
)

REASSESSMENT_LABEL = "Propose back-pain reassessment (VAS) at the study's follow-up points"
REASSESSMENT_CODE_TEXT = "Back pain reassessment (VAS)"
RECORD_RISK_ASSESSMENT = "Record the residual back pain risk as a RiskAssessment"
INDETERMINATE_RISK = "indeterminate: findings missing"

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


# --- Numbers --------------------------------------------------------------------------------


def percent(p: float) -> str:
    return f"{p * 100:.1f}%" if p < 0.1 else f"{p * 100:.0f}%"


def risk_text(probability: Interval) -> str:
    if probability.is_point:
        return percent(probability.low)
    return f"{percent(probability.low)}-{percent(probability.high)}"


def derivation_levels() -> str:
    return f"{DERIVATION_LEVELS[0]}-{DERIVATION_LEVELS[-1]}"


# --- The risk card --------------------------------------------------------------------------


def card_source_label(model: Model) -> str:
    return f"{model.short_title} (pvp-cds)"


def risk_summary(estimate: RiskEstimate, model: Model) -> str:
    risk = risk_text(estimate.probability)
    outcome = model.outcome["name"]
    missing = len(estimate.unknown)
    if estimate.tier is RiskTier.INDETERMINATE:
        plural = "s" if missing > 1 else ""
        return f"{outcome.capitalize()} risk after PVP {risk}: {missing} finding{plural} missing"
    tier = model.tier_names[estimate.tier.value].capitalize()
    if missing:
        return f"{tier} risk of {outcome} after PVP: {risk} ({missing} missing)"
    return f"{tier} risk of {outcome} one month after PVP: {risk}"


def risk_detail(
    estimate: RiskEstimate, assessment: Assessment, model: Model, tiers: RiskTiers
) -> str:
    sections = [
        _headline(estimate, model, tiers),
        _inputs_table(estimate, assessment),
        *_missing(estimate, assessment),
        *_procedure_lines(assessment),
        *_caveats(assessment),
        "**Monitoring (suggestion):** " + MONITORING[estimate.tier],
        _provenance(model),
    ]
    return "\n\n".join(sections)


def _headline(estimate: RiskEstimate, model: Model, tiers: RiskTiers) -> str:
    threshold = f"{tiers.high_from * 100:.1f}%"
    names = model.tier_names
    tier = {
        RiskTier.HIGH: f"{names['high']}: at or above {threshold}",
        RiskTier.LOW: f"{names['low']}: below {threshold}",
        RiskTier.INDETERMINATE: f"the range spans the {threshold} threshold",
    }[estimate.tier]
    outcome = model.outcome
    text = (
        f"**Estimated risk of {outcome['name']} ({outcome['scale']} >= "
        f"{outcome['event_threshold']}) one month after vertebroplasty: "
        f"{risk_text(estimate.probability)}** ({tier}; {threshold} is the average risk in the "
        "study cohort)."
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
        return _presence(factor.value)
    if factor.name == FindingName.GOUTALLIER_GRADE:
        grade = f"grade {factor.value}"
        return grade if factor.level == grade else f"{grade} ({factor.level})"
    return str(factor.value)


def _presence(value: bool) -> str:
    return "present" if value else "absent"


def _described(value: Value) -> str:
    return _presence(value) if isinstance(value, bool) else str(value)


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


def _missing(estimate: RiskEstimate, assessment: Assessment) -> list[str]:
    if not estimate.unknown:
        return []
    lines = ["**Missing findings** (the risk is a range until they are recorded):"]
    for factor in estimate.factors:
        if factor.is_unknown:
            reason = finding_reason(assessment.findings[factor.name], assessment.applicability)
            lines.append(f"- {factor.label}: {reason or 'no usable reading on record'}")
    return ["\n".join(lines)]


def _procedure_lines(assessment: Assessment) -> list[str]:
    procedure = assessment.procedure
    if procedure is None:
        return []
    level = ", ".join(procedure.levels) if procedure.levels else "level not recorded"
    return [
        f"**Index procedure:** {procedure.reference}, {procedure.performed or 'no date'}, {level}."
    ]


def _caveats(assessment: Assessment) -> list[str]:
    caveats = [caveat_text(caveat) for caveat in assessment.caveats]
    if assessment.ignored_resources:
        caveats.append(
            f"Not used: {assessment.ignored_resources} resource(s) outside the code contract "
            "(unknown codes or values)."
        )
    if not caveats:
        return []
    return ["**Caveats:**\n" + "\n".join(f"- {caveat}" for caveat in caveats)]


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


# --- The card when the model does not apply ---------------------------------------------------


def not_applicable_summary(assessment: Assessment, model: Model) -> str:
    why = {
        Applicability.NOT_VERTEBROPLASTY: "kyphoplasty or other augmentation, not vertebroplasty",
        Applicability.MULTI_LEVEL: "more than one level treated",
        Applicability.LEVEL_OUTSIDE_RANGE: f"treated level outside {derivation_levels()}",
        Applicability.PROCEDURE_UNDATED: "the vertebroplasty has no date",
        Applicability.EXCLUDED_CONDITION: _excluded_summary(assessment),
    }[assessment.applicability]
    return f"{model.outcome['name'].capitalize()} model does not apply: {why}"


def not_applicable_detail(assessment: Assessment, model: Model) -> str:
    lines = [
        f"The {model.short_title} was derived on single-level vertebroplasty. "
        f"{applicability_reason(assessment)} No risk is estimated.",
        *_procedure_lines(assessment),
        *_caveats(assessment),
    ]
    return "\n\n".join(lines)


#: What the derivation study excluded, per exclusion rule (Li et al. 2021, Methods).
EXCLUDED_BY_THE_STUDY = {
    ExclusionRule.SPINAL_MALIGNANCY: "fractures caused by tumour",
    ExclusionRule.SPINAL_INFECTION: "fractures caused by infection or tuberculosis",
    ExclusionRule.NEUROLOGICAL_DEFICIT: (
        "patients with spinal cord compression or neurological deficit"
    ),
}
#: An excluded condition as a card summary names it.
EXCLUSION_SUMMARIES = {
    ExclusionRule.SPINAL_MALIGNANCY: "spinal malignancy on record",
    ExclusionRule.SPINAL_INFECTION: "spinal infection on record",
    ExclusionRule.NEUROLOGICAL_DEFICIT: "cord compression or neurological deficit on record",
}


def _excluded_summary(assessment: Assessment) -> str:
    if not assessment.exclusions:
        return ""
    return EXCLUSION_SUMMARIES[assessment.exclusions[0].rule]


def _exclusion_reason(assessment: Assessment) -> str:
    """The excluded condition and the record that says so, e.g. "Multiple myeloma (C90.00,
    Condition/c1, provisional)"."""
    exclusion = assessment.exclusions[0]
    named = exclusion.code.display or exclusion.code.code
    status = f", {exclusion.verification_status}" if exclusion.verification_status else ""
    others = len(assessment.exclusions) - 1
    more = f" ({others} more such record{'s' if others > 1 else ''})" if others else ""
    return (
        f"The study excluded {EXCLUDED_BY_THE_STUDY[exclusion.rule]}; on record: {named} "
        f"({exclusion.code.code}, {exclusion.condition}{status}){more}."
    )


def applicability_reason(assessment: Assessment) -> str:
    """Why the model does not apply to the index procedure, in one sentence."""
    procedure = assessment.procedure
    if procedure is None:
        return "No completed vertebroplasty on record."
    when = f"on {(procedure.performed or '')[:10]}"
    match assessment.applicability:
        case Applicability.NOT_VERTEBROPLASTY:
            return (
                f"The procedure {when} is recorded as kyphoplasty or another vertebral "
                "augmentation (not vertebroplasty); the model was derived after vertebroplasty "
                "only."
            )
        case Applicability.MULTI_LEVEL:
            levels = procedure.levels
            treated = f" ({', '.join(levels)})" if len(levels) > 1 else ""
            return (
                f"The vertebroplasty {when} treated more than one level{treated}; the model was "
                "derived after single-level vertebroplasty."
            )
        case Applicability.LEVEL_OUTSIDE_RANGE:
            outside = ", ".join(levels_outside_derivation(procedure))
            return (
                f"The vertebroplasty {when} treated {outside}; the model was derived at levels "
                f"{derivation_levels()}."
            )
        case Applicability.EXCLUDED_CONDITION:
            return _exclusion_reason(assessment)
        case Applicability.PROCEDURE_UNDATED:
            noun = (
                "vertebral augmentation"
                if procedure.kind is ProcedureKind.OTHER_AUGMENTATION
                else "vertebroplasty"
            )
            return (
                f"The {noun} on record ({procedure.reference}) has no date precise to the day, "
                "so imaging cannot be placed before or after it."
            )
    return ""


def caveat_text(caveat: Caveat) -> str:
    match caveat.kind:
        case CaveatKind.UNDATED_RECORD_IGNORED:
            return (
                f"Another augmentation record ({caveat.reference}) has no date precise to the "
                "day and was not considered."
            )
        case CaveatKind.LEVEL_NOT_RECORDED:
            return (
                "The treated vertebral level is not recorded; the model was derived at levels "
                f"{derivation_levels()}."
            )
        case CaveatKind.NO_FRACTURE_DIAGNOSIS:
            return (
                "No osteoporotic vertebral fracture diagnosis is on record; the model was "
                "derived in osteoporotic compression fractures only."
            )
        case CaveatKind.PRELIMINARY_SOURCE:
            name = FINDING_NAMES[FindingName(caveat.finding)]
            return f"The {name} comes from a preliminary report ({caveat.reference})."
        case CaveatKind.LEVELS_UNCERTAIN:
            return (
                f"Number of levels uncertain: records of the same day ({caveat.reference} and "
                "others) do not each name the same single level, so they may be one level "
                "recorded twice or several levels."
            )
        case CaveatKind.PAST_MALIGNANCY:
            return (
                f"A past malignancy is on record ({caveat.reference}, resolved or inactive); "
                "the study excluded fractures caused by tumour: confirm this one is osteoporotic."
            )


# --- Why a finding is unknown ----------------------------------------------------------------


def finding_reason(finding: Finding, applicability: Applicability) -> str | None:
    """Why the finding's value is unknown and what would complete it; None when found."""
    name = FindingName(finding.name)
    label, read_on = FINDING_NAMES[name], READ_ON[name]
    source = finding.source
    match finding.status:
        case FindingStatus.FOUND:
            return None
        case FindingStatus.NOT_ASSESSED:
            if applicability is Applicability.PROCEDURE_UNDATED:
                return "The procedure has no date, so imaging cannot be placed before or after it."
            return "No vertebroplasty on record to place the imaging against."
        case FindingStatus.DATA_ABSENT:
            return (
                f"The {label} reading of {source.effective} ({source.reference}) gives no value "
                f"({_no_value(finding.no_value)}); record it from {read_on}."
            )
        case FindingStatus.STALE:
            return (
                f"The latest {label} reading ({source.effective}, {source.reference}) "
                f"{_out_of_window(finding)}; record it from {read_on}."
            )
        case FindingStatus.UNDATED:
            return (
                f"The {label} reading in {source.reference} has no date precise to the day, so "
                "it cannot be placed relative to the procedure."
            )
        case FindingStatus.CONFLICTING:
            day = (finding.conflicts[0].source.effective or "")[:10]
            described = "; ".join(
                f"{conflict.source.reference}: {_described(conflict.value)}"
                for conflict in finding.conflicts
            )
            return (
                f"Readings of {label} on {day} disagree ({described}); the reports need to be "
                "reconciled."
            )
        case FindingStatus.MISSING:
            return _missing_reason(finding, name)
    return None


def _no_value(no_value: NoValue) -> str:
    match no_value.kind:
        case NoValueKind.UNKNOWN_ANSWER:
            return f"answered {no_value.text}"
        case NoValueKind.SIDE_NOT_GRADED:
            return f"a side was not graded: {no_value.text}"
    return no_value.text


def _out_of_window(finding: Finding) -> str:
    days = finding.window_days
    if finding.name == FindingName.CEMENT_DISTRIBUTION:
        if finding.placement is Placement.TOO_EARLY:
            return "is from before the procedure, and cement is read on post-operative imaging"
        return f"is more than {days} days after the procedure"
    if finding.placement is Placement.TOO_EARLY:
        return f"is more than {days} days before the procedure"
    return "is from after the procedure, and the model uses the pre-operative reading"


def _missing_reason(finding: Finding, name: FindingName) -> str:
    side = "after" if name is FindingName.CEMENT_DISTRIBUTION else "before"
    sentences = [
        f"No {FINDING_NAMES[name]} reading on record in the {finding.window_days} days {side} "
        f"the procedure; record it from {READ_ON[name]}."
    ]
    preliminary = [s.reference for s in finding.not_counted if s.status == "preliminary"]
    if preliminary:
        sentences.append(
            f"A preliminary report ({', '.join(preliminary)}) counts once it is final."
        )
    if any(s.status == "registered" for s in finding.not_counted):
        sentences.append("An examination is registered but has no result yet.")
    sentences.extend(
        f"{unreadable.source.reference} could not be read: {_unreadable(unreadable)}."
        for unreadable in finding.unreadable
    )
    return " ".join(sentences)


def _unreadable(unreadable: Unreadable) -> str:
    match unreadable.problem:
        case Problem.UNEXPECTED_VALUE_TYPE:
            found = f"found {unreadable.found}" if unreadable.found else "found no value"
            return f"expected {_either(unreadable.expected)}, {found}"
        case Problem.GRADE_OUT_OF_RANGE:
            grades = f"{GOUTALLIER_GRADES[0]}-{GOUTALLIER_GRADES[-1]}"
            return f"Goutallier grade {unreadable.found} is not {grades}"
        case Problem.SIDE_WITHOUT_VALUE:
            return f"a Goutallier side has neither {' nor '.join(unreadable.expected)}"
        case Problem.ANSWER_NOT_IN_CONTRACT:
            return f"answer {unreadable.found} is not in the code contract"
        case Problem.ANSWERS_DISAGREE:
            return f"answer {unreadable.found} has codings that disagree"
    return unreadable.problem.value


def _either(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# --- FHIR resources the service proposes -------------------------------------------------------


def method_text(model: Model) -> str:
    return f"{model.title}, version {model.version}"


def range_note(estimate: RiskEstimate) -> str:
    missing = ", ".join(f.label for f in estimate.factors if f.is_unknown)
    return f"Range over the unknown findings: {missing}"


def reassessment_note(follow_up_label: str) -> str:
    return f"Reassess back pain (VAS) {follow_up_label} after vertebroplasty"
