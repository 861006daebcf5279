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
from scoring import (
    FactorResult,
    Interval,
    Model,
    RiskEstimate,
    RiskTier,
    RiskTiers,
    Value,
    expected_derivation_patients,
    is_rare,
)

#: A finding as a sentence names it, and the imaging it is read from.
#: Where each finding is read, as the findings table names its source (the study's imaging).
READ_ON_SHORT = {
    FindingName.INTRAVERTEBRAL_VACUUM_CLEFT: "pre-op CT/MRI",
    FindingName.POSTERIOR_FASCIA_OEDEMA: "pre-op MRI",
    FindingName.GOUTALLIER_GRADE: "pre-op MRI",
    FindingName.CEMENT_DISTRIBUTION: "post-op radiograph",
}
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

#: One line of advice per tier, only from what the paper measured and concluded: it scored
#: back pain (VAS) at 24 hours, 3 days and one month, and asks that patients with its risk
#: factors be monitored for residual pain. Nothing it did not study (no treatment advice).
ADVICE = {
    RiskTier.LOW: "Reassess back pain (VAS) at 24 hours, 3 days and one month, as the study did.",
    RiskTier.HIGH: (
        "Monitor for residual back pain, as the study's authors advise for these findings: "
        "VAS at 24 hours, 3 days and one month."
    ),
    RiskTier.INDETERMINATE: (
        "Record what is missing; reassess back pain (VAS) at 24 hours, 3 days and one month."
    ),
}


# --- Numbers --------------------------------------------------------------------------------


def percent(p: float) -> str:
    return f"{p * 100:.1f}%" if p < 0.1 else f"{p * 100:.0f}%"


def whole_percent(p: float) -> str:
    """A risk as a card gives it: the model's coefficients do not support a tenth of a percent."""
    return "<1%" if p < 0.005 else f"{p * 100:.0f}%"


def threshold_percent(p: float) -> str:
    """A tier boundary as set: whole percent, or to a tenth if the site set one."""
    whole = round(p * 100)
    return f"{whole}%" if abs(p * 100 - whole) < 0.05 else f"{p * 100:.1f}%"


def risk_text(probability: Interval) -> str:
    if probability.is_point:
        return percent(probability.low)
    return f"{percent(probability.low)}-{percent(probability.high)}"


def card_risk_text(probability: Interval) -> str:
    if probability.is_point:
        return whole_percent(probability.low)
    return f"{whole_percent(probability.low)}-{whole_percent(probability.high)}"


def derivation_levels() -> str:
    return f"{DERIVATION_LEVELS[0]}-{DERIVATION_LEVELS[-1]}"


# --- The risk card --------------------------------------------------------------------------


def card_source_label(model: Model) -> str:
    return f"{model.short_title} (pvp-cds)"


def nothing_known(estimate: RiskEstimate) -> bool:
    return all(factor.is_unknown for factor in estimate.factors)


def risk_summary(estimate: RiskEstimate, model: Model) -> str:
    risk = card_risk_text(estimate.probability)
    outcome = model.outcome["name"]
    missing = len(estimate.unknown)
    if nothing_known(estimate):
        return f"{outcome.capitalize()} risk after PVP: no findings on record to estimate it"
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
    """The card a clinician reads in ten seconds: risk and tier, the findings and where they
    were read, what is missing, caveats, one line of advice; provenance and limits are behind
    the card's model-card link, named in one line."""
    if nothing_known(estimate):
        return "\n\n".join(
            [_nothing_known(model), *_missing(estimate, assessment), *_caveats(assessment)]
        )
    sections = [
        _headline(estimate, model, tiers),
        _inputs_table(estimate, assessment),
        *_missing(estimate, assessment),
        *_caveats(assessment, _rare_combination(estimate, model)),
        "**Advice:** " + ADVICE[estimate.tier],
        _model_line(model),
        *_recalibration(model),
    ]
    return "\n\n".join(sections)


def _nothing_known(model: Model) -> str:
    return (
        f"**No risk estimated:** none of the four findings the {model.short_title} uses is on "
        "record. Record them:"
    )


def tier_boundary(model: Model, tiers: RiskTiers) -> str:
    """What the boundary is, said truthfully: the study cohort's average only when it is."""
    if tiers.is_cohort_average:
        return f"the study cohort's average risk of {whole_percent(tiers.high_from)}"
    return f"this site's threshold of {threshold_percent(tiers.high_from)}"


def _headline(estimate: RiskEstimate, model: Model, tiers: RiskTiers) -> str:
    names = model.tier_names
    boundary = tier_boundary(model, tiers)
    tier = {
        RiskTier.HIGH: f"{names['high']}: at or above {boundary}",
        RiskTier.LOW: f"{names['low']}: below {boundary}",
        RiskTier.INDETERMINATE: f"the range spans {boundary}; the missing findings decide",
    }[estimate.tier]
    outcome = model.outcome
    return (
        f"**Risk of {outcome['name']} ({outcome['scale']} >= {outcome['event_threshold']}) at "
        f"one month: {card_risk_text(estimate.probability)}** ({tier})."
    )


def _rare_combination(estimate: RiskEstimate, model: Model) -> list[str]:
    findings = {factor.name: factor.value for factor in estimate.factors}
    patients = expected_derivation_patients(model, findings)
    if not is_rare(model, patients):
        return []
    about = "fewer than 1" if patients < 1 else f"about {patients:.0f}"
    return [
        f"Rare combination: {about} of the study's {model.cohort_size} patients had these "
        "findings (estimated); the risk rests on the model's arithmetic, not on such patients."
    ]


def _model_line(model: Model) -> str:
    return (
        f"**Model:** {model.short_title}; one centre, internal validation only (model card linked)."
    )


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
    """Where the value was read, as a clinician would find the report: the imaging and its
    date (and status unless final), not a resource id; for a finding read from report text,
    the sentence it was read from."""
    if finding.value is None:
        return "missing: see below"
    source = finding.source
    day = (source.effective or "undated")[:10]
    text = f"{READ_ON_SHORT[FindingName(finding.name)]} {day}"
    if source.quote is not None:
        # A report names its own examination (e.g. "MRI lumbar spine"): better than ours.
        text = f"from report text: \u201c{source.quote}\u201d, {source.display or text} {day}"
    return text if source.status == "final" else f"{text} ({source.status})"


def _inputs_table(estimate: RiskEstimate, assessment: Assessment) -> str:
    rows = ["| Finding | Value | Points | Read on |", "|---|---|---|---|"]
    for factor in estimate.factors:
        finding = assessment.findings[factor.name]
        rows.append(
            f"| {factor.label} | {_value_text(factor)} | {_points(factor.points)} "
            f"| {_escape(_source_text(finding))} |"
        )
    return "\n".join(rows)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _missing(estimate: RiskEstimate, assessment: Assessment) -> list[str]:
    if not estimate.unknown:
        return []
    lines = [] if nothing_known(estimate) else ["**Missing:**"]
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


def _caveats(assessment: Assessment, extra: list[str] | None = None) -> list[str]:
    caveats = [caveat_text(caveat) for caveat in assessment.caveats] + (extra or [])
    if assessment.ignored_resources:
        caveats.append(
            f"Not used: {assessment.ignored_resources} resource(s) outside the code contract "
            "(unknown codes or values)."
        )
    if not caveats:
        return []
    return ["**Caveats:**\n" + "\n".join(f"- {caveat}" for caveat in caveats)]


def _recalibration(model: Model) -> list[str]:
    block = model.recalibration
    if block is None:
        return []
    original = block["original"]
    return [
        f"**Recalibrated** at {block['site']} on {block['n']} patients ({block['events']} "
        f"events, {block['period']}): {block['method']} recalibration of {original['id']} "
        f"v{original['version']}, {block['created']}."
    ]


# --- The card when the model does not apply ---------------------------------------------------


def estimates_off_summary(model: Model) -> str:
    return f"{model.outcome['name'].capitalize()} estimates are switched off at this site"


def estimates_off_detail(model: Model) -> str:
    return (
        f"This site has switched off the {model.short_title} while it is reviewed: no risk is "
        f"estimated. Assess {model.outcome['name']} at {model.outcome['horizon']} as usual."
    )


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
    derived_on = (
        "osteoporotic fractures"
        if assessment.applicability is Applicability.EXCLUDED_CONDITION
        else "single-level vertebroplasty"
    )
    lines = [
        f"The {model.short_title} was derived on {derived_on}. "
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
        case CaveatKind.REPORT_TEXT_NOT_READ:
            return (
                "Radiology report text could not be read from the FHIR server, so findings "
                "written only in reports are not used."
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
        case NoValueKind.REPORT_UNCERTAIN:
            return f"the report is not certain: \u201c{no_value.text}\u201d"
        case NoValueKind.REPORT_SENTENCES_DISAGREE:
            return f"the report's sentences disagree: \u201c{no_value.text}\u201d"
        case NoValueKind.REPORT_GRADE_RANGE:
            return f"the report gives a range of grades: \u201c{no_value.text}\u201d"
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
        case Problem.ATTACHMENT_NOT_TEXT:
            found = unreadable.found or "(none given)"
            return f"a presentedForm of type {found} is not {_either(unreadable.expected)}"
        case Problem.ATTACHMENT_ONLY_AT_URL:
            return "its text is only at a URL, which is not fetched"
        case Problem.ATTACHMENT_NOT_DECODABLE:
            return f"a text presentedForm is not valid {unreadable.found}"
        case Problem.NO_REPORT_TEXT:
            return "it has neither a conclusion nor a presentedForm"
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


#: The risk card's links to the pages the service serves.
NOMOGRAM_LINK_LABEL = "See this estimate on the nomogram (what if a finding were different?)"
MODEL_CARD_LINK_LABEL = "Model card: source, cohort, performance and limits"
SOURCE_ATTRIBUTES_LINK_LABEL = "Source attributes of the model (ONC HTI-1), as JSON"
