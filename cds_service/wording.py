"""Every sentence a clinician reads, written here and nowhere else.

The layers below return structured reasons (statuses, caveat kinds, the records concerned);
this module turns them into English. Names and numbers come from the model file (its name,
outcome, tier names, provenance) and from the mapping data (derivation levels, windows, grades),
never from literals here. Markdown only where a card's ``detail`` is written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

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
    PainScale,
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
    PointsScale,
    Possibility,
    RiskEstimate,
    RiskTier,
    RiskTiers,
    Value,
    expected_derivation_patients,
    is_rare,
    possibilities,
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

#: One line of advice per tier, only from what the paper did and concluded. Its authors ask that
#: patients with its risk factors be "carefully monitored for the possible development of
#: residual back pain"; its 24-hour, 3-day and one-month pain scores were the study's
#: measurement schedule, not advice, and are named as such. Nothing it did not study (no
#: treatment advice).
TIER_ADVICE = {
    RiskTier.LOW: "",
    RiskTier.HIGH: (
        "Monitor for residual back pain, as the authors advise for these risk factors. "
    ),
    RiskTier.INDETERMINATE: "Record what is missing. ",
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


def risk_summary(estimate: RiskEstimate, model: Model, tiers: RiskTiers) -> str:
    """The card's one line: the risk and what it is compared with, never a bare "high" that
    would read as an absolute claim."""
    risk = card_risk_text(estimate.probability)
    outcome = model.outcome["name"]
    missing = len(estimate.unknown)
    if nothing_known(estimate):
        return f"{outcome.capitalize()} risk after PVP: no findings on record to estimate it"
    if estimate.tier is RiskTier.INDETERMINATE:
        plural = "s" if missing > 1 else ""
        return f"{outcome.capitalize()} risk after PVP {risk}: {missing} finding{plural} missing"
    summary = (
        f"{outcome.capitalize()} risk one month after PVP: {risk}, "
        f"{_summary_comparison(estimate, tiers)}"
    )
    return f"{summary} ({missing} missing)" if missing else summary


def _summary_comparison(estimate: RiskEstimate, tiers: RiskTiers) -> str:
    average = f"the study's average of {whole_percent(tiers.cohort_average)}"
    threshold = (
        f"the {threshold_percent(tiers.high_from)} alert threshold"
        if tiers.is_model_default
        else f"this site's {threshold_percent(tiers.high_from)} alert threshold"
    )
    risk = estimate.probability
    if tiers.is_cohort_average:
        return f"{'above' if estimate.tier is RiskTier.HIGH else 'below'} {average}"
    if estimate.tier is RiskTier.HIGH:
        return f"at or above {threshold} (study average {whole_percent(tiers.cohort_average)})"
    if risk.high < tiers.cohort_average:
        return f"below {average}"
    if risk.low >= tiers.cohort_average:
        return f"above {average}, below {threshold}"
    return f"below {threshold} (study average {whole_percent(tiers.cohort_average)})"


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
        _inputs_table(estimate, assessment, model),
        *_missing(estimate, assessment),
        *_pain_scores(assessment),
        *_caveats(assessment, _rare_combination(estimate, model)),
        "**Advice:** " + TIER_ADVICE[estimate.tier] + next_assessment(assessment, model),
        _model_line(model),
        *_recalibration(model),
    ]
    return "\n\n".join(sections)


def _nothing_known(model: Model) -> str:
    return (
        f"**No risk estimated:** none of the four findings the {model.short_title} uses is on "
        "record. Record them:"
    )


def tier_boundary(tiers: RiskTiers) -> str:
    """What the alert threshold is, said truthfully: the study cohort's average only when it
    is, the service's default as chosen, else the site's own."""
    if tiers.is_cohort_average:
        return f"the study cohort's average risk of {whole_percent(tiers.high_from)}"
    if tiers.is_model_default:
        return f"the {threshold_percent(tiers.high_from)} alert threshold"
    return f"this site's alert threshold of {threshold_percent(tiers.high_from)}"


def _headline(estimate: RiskEstimate, model: Model, tiers: RiskTiers) -> str:
    boundary = tier_boundary(tiers)
    average = (
        ""
        if tiers.is_cohort_average
        else f"; the study cohort's average risk was {whole_percent(tiers.cohort_average)}"
    )
    tier = {
        RiskTier.HIGH: f"at or above {boundary}{average}",
        RiskTier.LOW: f"below {boundary}{average}",
        RiskTier.INDETERMINATE: f"the range spans {boundary}; the missing findings decide",
    }[estimate.tier]
    outcome = model.outcome
    headline = (
        f"**Risk of {outcome['name']} ({outcome['scale']} >= {outcome['event_threshold']}) at "
        f"one month: {card_risk_text(estimate.probability)}** ({tier})."
    )
    if not estimate.unknown:
        return headline
    places = possibilities(model, estimate, tiers)
    lists_them = "" if len(estimate.unknown) == 1 else " The nomogram page lists them."
    return f"{headline} {possible_risks(estimate, places)}{lists_them}"


def possible_risks(estimate: RiskEstimate, places: Sequence[Possibility]) -> str:
    """What a range over unknown findings holds: an unknown finding takes one of its levels,
    so the risk is one of a few values, never one between them. For one unknown finding, which
    level gives which risk; for more, how many values there are."""
    unknown = [factor for factor in estimate.factors if factor.is_unknown]
    if len(unknown) == 1:
        by_level = ", ".join(
            f"{whole_percent(place.estimate.probability.low)} if {place.levels[0][1]}"
            for place in places
        )
        return f"{unknown[0].label} unknown: {by_level}."
    values = len({place.estimate.probability.low for place in places})
    return (
        f"{len(unknown)} findings unknown: the risk is one of {values} values, one per "
        "combination of their levels."
    )


#: Pain scales as a card names them.
SCALE_NAMES = {PainScale.VAS: "VAS", PainScale.NUMERIC: "NRS", PainScale.OTHER: "pain score"}


def _pain_scores(assessment: Assessment) -> list[str]:
    """The pain scores on record since the procedure, beside the prediction, with their dates
    and the day after the procedure."""
    if not assessment.pain_scores or assessment.procedure is None:
        return []
    procedure_day = date.fromisoformat(assessment.procedure.performed[:10])
    scores = "; ".join(
        f"{SCALE_NAMES[score.scale]} {score.value:g} on {score.moment.day.isoformat()} "
        f"(day {(score.moment.day - procedure_day).days})"
        for score in assessment.pain_scores
    )
    return [f"**Pain scores since the procedure:** {scores}."]


def next_assessment(assessment: Assessment, model: Model) -> str:
    """The next pain score due, from where the patient is in the study's measurement schedule
    (its assessments after the procedure, the last the predicted outcome's), with its date."""
    window = assessment.time_window
    labels = [point.label for point in model.follow_up]
    schedule = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else labels[0]
    attribution = f"the study's schedule was {schedule}"
    if window is None or window.days_after_procedure is None or assessment.procedure is None:
        return f"Reassess back pain ({model.outcome['scale']}); {attribution}."
    procedure_day = date.fromisoformat(assessment.procedure.performed[:10])
    today = window.days_after_procedure
    scale = model.outcome["scale"]
    for point in model.follow_up:
        due_day = math.ceil(point.after_procedure / timedelta(days=1))
        if due_day >= today:
            when = (
                "today"
                if due_day == today
                else f"on {(procedure_day + timedelta(due_day)).isoformat()}"
            )
            return f"Next pain score ({scale}) due {when} ({point.label}); {attribution}."
    last = model.follow_up[-1]
    due = procedure_day + timedelta(math.ceil(last.after_procedure / timedelta(days=1)))
    return (
        f"The {last.label} pain score ({scale}) was due on {due.isoformat()} and is not on "
        f"record; {attribution}."
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


def _points(factor: FactorResult, model: Model) -> str:
    if not factor.is_unknown:
        return f"{factor.points.low:.0f}"
    return either(level_points(model, factor.name))


def level_points(model: Model, name: str) -> list[str]:
    """The points an unknown finding could score, lowest first: one of its levels' points,
    never a value between them."""
    predictor = next(p for p in model.predictors if p.name == name)
    scale = PointsScale.for_model(model)
    points = sorted(scale.points(predictor, level.coefficient) for level in predictor.levels)
    return list(dict.fromkeys(f"{p:.0f}" for p in points))


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


def _inputs_table(estimate: RiskEstimate, assessment: Assessment, model: Model) -> str:
    rows = ["| Finding | Value | Points | Read on |", "|---|---|---|---|"]
    for factor in estimate.factors:
        finding = assessment.findings[factor.name]
        rows.append(
            f"| {factor.label} | {_value_text(factor)} | {_points(factor, model)} "
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
        f"**Index procedure:** {PROCEDURE_NAMES[procedure.kind]}, "
        f"{(procedure.performed or 'no date')[:10]}, {level}."
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
    line = (
        f"**Recalibrated** at {block['site']} on {block['n']} patients ({block['events']} "
        f"events, {block['period']}): {block['method']} recalibration of {original['id']} "
        f"v{original['version']}, {block['created']}."
    )
    forced = forced_recalibration(block)
    if forced:
        line += f" **Forced past its guards:** {'; '.join(forced)}."
    return [line]


def forced_recalibration(block: Mapping[str, Any]) -> list[str]:
    """What a recalibration forced past its guards means, one clause per guard overridden."""
    minimum = block.get("minimum_sample", {})
    clauses = {
        "sample-below-minimum": (
            f"fitted on fewer patients than {block['method']} recalibration needs "
            f"({minimum.get('patients', '?')} patients, {minimum.get('events', '?')} events); "
            "its risks may be further from the truth than the published model's"
        ),
        "change-not-shown": (
            "the site's patients did not show the miscalibration it corrects (the fitted "
            "correction's 95% interval includes none)"
        ),
    }
    return [clauses[item] for item in block.get("forced", ())]


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
    # Only what bears on whether the model applies: caveats about findings, the fracture
    # diagnosis or unused resources matter to a risk, and none is estimated here.
    caveats = [
        caveat_text(caveat) for caveat in assessment.caveats if caveat.kind in APPLICABILITY_CAVEATS
    ]
    lines = [
        f"The {model.short_title} was derived on {derived_on}. "
        f"{applicability_reason(assessment)} No risk is estimated.",
        *_procedure_lines(assessment),
        *(["**Caveats:**\n" + "\n".join(f"- {c}" for c in caveats)] if caveats else []),
    ]
    return "\n\n".join(lines)


#: Caveats that bear on whether the model applies, shown on the card that says it does not.
APPLICABILITY_CAVEATS = frozenset(
    {
        CaveatKind.UNDATED_RECORD_IGNORED,
        CaveatKind.LEVEL_NOT_RECORDED,
        CaveatKind.LEVELS_UNCERTAIN,
        CaveatKind.PAST_MALIGNANCY,
    }
)
#: The index procedure as a card names it.
PROCEDURE_NAMES = {
    ProcedureKind.VERTEBROPLASTY: "vertebroplasty",
    ProcedureKind.VERTEBROPLASTY_ADDITIONAL_LEVEL: "vertebroplasty",
    ProcedureKind.OTHER_AUGMENTATION: "kyphoplasty or other vertebral augmentation",
}

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
    """The excluded condition as the record names it, e.g. "Multiple myeloma (C90.00,
    provisional)": its code and verification status, no resource id."""
    exclusion = assessment.exclusions[0]
    code = exclusion.code
    details = ", ".join(
        part
        for part in (code.code if code.display else None, exclusion.verification_status)
        if part
    )
    others = len(assessment.exclusions) - 1
    more = f" ({others} more such record{'s' if others > 1 else ''})" if others else ""
    return (
        f"The study excluded {EXCLUDED_BY_THE_STUDY[exclusion.rule]}; on record: "
        f"{code.display or code.code}{f' ({details})' if details else ''}{more}."
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
                f"The {noun} on record has no date precise to the day, so imaging cannot be "
                "placed before or after it."
            )
    return ""


def caveat_text(caveat: Caveat) -> str:
    match caveat.kind:
        case CaveatKind.UNDATED_RECORD_IGNORED:
            return (
                "Another augmentation record has no date precise to the day and was not considered."
            )
        case CaveatKind.LEVEL_NOT_RECORDED:
            return (
                "The treated vertebral level is not recorded; the model was derived at levels "
                f"{derivation_levels()}."
            )
        case CaveatKind.NO_FRACTURE_DIAGNOSIS:
            return (
                "No osteoporotic fracture diagnosis is on record; the model was derived in "
                "osteoporotic vertebral compression fractures only."
            )
        case CaveatKind.PRELIMINARY_SOURCE:
            name = FINDING_NAMES[FindingName(caveat.finding)]
            return f"The {name} comes from a preliminary report ({caveat.reference})."
        case CaveatKind.LEVELS_UNCERTAIN:
            return (
                "Number of levels uncertain: records of the same day do not each name the same "
                "single level, so they may be one level recorded twice or several levels."
            )
        case CaveatKind.PAST_MALIGNANCY:
            return (
                "A past malignancy is on record (resolved or inactive); the study excluded "
                "fractures caused by tumour: confirm this one is osteoporotic."
            )
        case CaveatKind.FUTURE_DATED:
            name = FINDING_NAMES[FindingName(caveat.finding)]
            return (
                f"A {name} reading is dated after today and was not used: correct its date in "
                "the record."
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
            return f"expected {either(unreadable.expected)}, {found}"
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
            return f"a presentedForm of type {found} is not {either(unreadable.expected)}"
        case Problem.ATTACHMENT_ONLY_AT_URL:
            return "its text is only at a URL, which is not fetched"
        case Problem.ATTACHMENT_NOT_DECODABLE:
            return f"a text presentedForm is not valid {unreadable.found}"
        case Problem.NO_REPORT_TEXT:
            return "it has neither a conclusion nor a presentedForm"
    return unreadable.problem.value


def either(names: Iterable[str]) -> str:
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
