"""Whether the model's population and horizon hold: the derivation study's exclusions recorded
as Conditions, and where the request falls between the procedure and the one-month assessment.

Structured only (which rule, which record, how many days); the card-writing module words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation

from .codes import LOINC_NUMERIC_PAIN, LOINC_VAS_PAIN, Code, ExclusionRule
from .config import MappingConfig
from .readings import codes_in, counts
from .reasons import Caveat, CaveatKind
from .timing import Moment, is_after, moment_of

CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
#: clinicalStatus values of a condition that is over. A Condition without clinicalStatus is
#: read as current: FHIR requires the status unless the record is entered in error.
PAST = frozenset({"inactive", "resolved"})
#: "remission" is a kind of "inactive" in FHIR, but a myeloma or metastatic disease in
#: remission still weakens bone: for malignancy it still excludes. For infection and
#: neurological deficit it does not.
REMISSION = "remission"


class Timing(StrEnum):
    """Where the request falls relative to the index procedure and its one-month assessment."""

    #: From the procedure day to the end of the alert window, no one-month score yet.
    IN_WINDOW = "in-window"
    #: The index procedure is dated after the request (a data or clock problem).
    BEFORE_PROCEDURE = "before-procedure"
    #: The alert window has passed: the prediction is past its horizon.
    WINDOW_PASSED = "window-passed"
    #: A pain score of the one-month assessment is on record: the outcome is known.
    OUTCOME_RECORDED = "outcome-recorded"
    #: No dated index procedure to measure from.
    NOT_PLACED = "not-placed"

    @property
    def is_quiet(self) -> bool:
        """Whether the service says nothing: the card is about pain at one month, and these
        requests fall outside the time in which that is still a prediction."""
        return self in (Timing.BEFORE_PROCEDURE, Timing.WINDOW_PASSED, Timing.OUTCOME_RECORDED)


@dataclass(frozen=True)
class TimeWindow:
    timing: Timing
    #: Whole days from the procedure day to the request's day; None without a dated procedure.
    days_after_procedure: int | None
    #: The pain score Observation of the one-month assessment, when ``outcome-recorded``.
    outcome_score: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """A Condition on record that the derivation study excluded."""

    rule: ExclusionRule
    condition: str
    code: Code
    #: Condition.clinicalStatus and .verificationStatus codes, as recorded (None if absent).
    clinical_status: str | None
    verification_status: str | None


class PainScale(StrEnum):
    """The scale a pain score was recorded on, by its code."""

    VAS = "vas"
    NUMERIC = "numeric"
    #: A site's own code of a 0-10 pain score.
    OTHER = "other"


@dataclass(frozen=True)
class PainScore:
    """A counted 0-10 pain score with a value and a date precise to the day."""

    reference: str
    moment: Moment
    value: float
    scale: PainScale


def excluding_condition(condition: Condition, config: MappingConfig) -> Exclusion | None:
    """The exclusion a Condition's code names, whatever its status; None if none. The caller
    has already set aside refuted and entered-in-error records."""
    matched = sorted(
        (code for code in codes_in(condition.code) if code in config.exclusion_codes),
        key=lambda code: code.token,
    )
    if not matched:
        return None
    code = matched[0]
    return Exclusion(
        rule=config.exclusion_codes[code],
        condition=f"Condition/{condition.id}",
        code=_with_display(code, condition),
        clinical_status=_status(condition.clinicalStatus),
        verification_status=_status(condition.verificationStatus),
    )


def applying_exclusions(
    candidates: Iterable[Exclusion],
) -> tuple[tuple[Exclusion, ...], tuple[Caveat, ...]]:
    """The exclusions that hold, and caveats for malignancy that is over. A resolved or
    inactive malignancy does not exclude: the paper excluded fractures *caused* by tumour, and
    a cancer treated years ago does not make this fracture one; but it may, so it is named."""
    holding: list[Exclusion] = []
    past_malignancy: list[str] = []
    for exclusion in candidates:
        status = exclusion.clinical_status
        if status in PAST:
            if exclusion.rule is ExclusionRule.SPINAL_MALIGNANCY:
                past_malignancy.append(exclusion.condition)
        elif status != REMISSION or exclusion.rule is ExclusionRule.SPINAL_MALIGNANCY:
            holding.append(exclusion)
    caveats = tuple(
        Caveat(CaveatKind.PAST_MALIGNANCY, reference=reference)
        for reference in sorted(past_malignancy)
    )
    return tuple(sorted(holding, key=_rule_order)), caveats


def pain_score(observation: Observation, config: MappingConfig) -> PainScore | None:
    """The pain score an Observation records, if it is one that counts: a pain-score code,
    a counted status, a numeric value and a date precise to the day."""
    if not codes_in(observation.code) & config.pain_score_codes:
        return None
    if not counts(observation.status, config) or observation.dataAbsentReason is not None:
        return None
    has_value = observation.valueInteger is not None or (
        observation.valueQuantity is not None and observation.valueQuantity.value is not None
    )
    moment = moment_of(
        observation.effectiveDateTime
        or (observation.effectivePeriod.start if observation.effectivePeriod else None)
        or observation.effectiveInstant
    )
    if not has_value or moment is None:
        return None
    value = (
        float(observation.valueInteger)
        if observation.valueInteger is not None
        else float(observation.valueQuantity.value)
    )
    return PainScore(f"Observation/{observation.id}", moment, value, _scale(observation))


def _scale(observation: Observation) -> PainScale:
    coded = codes_in(observation.code)
    if LOINC_VAS_PAIN in coded:
        return PainScale.VAS
    if LOINC_NUMERIC_PAIN in coded:
        return PainScale.NUMERIC
    return PainScale.OTHER


def scores_since(
    procedure: Moment | None, now: datetime, scores: Iterable[PainScore]
) -> tuple[PainScore, ...]:
    """The pain scores from the procedure's day up to ``now``, oldest first; one dated after
    ``now`` is a data or clock problem and is left out."""
    if procedure is None:
        return ()
    return tuple(
        sorted(
            (
                score
                for score in scores
                if score.moment.day >= procedure.day and not is_after(score.moment, now)
            ),
            key=lambda score: score.moment.sort_key,
        )
    )


def is_pain_score_code(observation: Observation, config: MappingConfig) -> bool:
    return bool(codes_in(observation.code) & config.pain_score_codes)


def time_window(
    procedure: Moment | None,
    now: datetime,
    scores: Iterable[PainScore],
    config: MappingConfig,
) -> TimeWindow:
    """Where ``now`` (timezone-aware) falls: before the procedure, in the alert window, after
    it, or after the one-month score was recorded."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if procedure is None:
        return TimeWindow(Timing.NOT_PLACED, None)
    days = _days_after(procedure, now)
    if days < 0:
        return TimeWindow(Timing.BEFORE_PROCEDURE, days)
    outcome = [
        score
        for score in scores
        if (score.moment.day - procedure.day).days >= config.outcome_score_from_days
        and not is_after(score.moment, now)
    ]
    if outcome:
        latest = max(outcome, key=lambda score: score.moment.sort_key)
        return TimeWindow(Timing.OUTCOME_RECORDED, days, latest.reference)
    if days > config.alert_window_days:
        return TimeWindow(Timing.WINDOW_PASSED, days)
    return TimeWindow(Timing.IN_WINDOW, days)


def _days_after(procedure: Moment, now: datetime) -> int:
    """Calendar days from the procedure day to the request's day. With the procedure's time
    zone known, the request is read in it (a procedure at 01:00 +08:00 is "today" there while
    it is still yesterday in UTC); a date-only procedure is compared with the UTC date."""
    if procedure.instant is not None and procedure.instant.tzinfo is not None:
        today = now.astimezone(procedure.instant.tzinfo).date()
    else:
        today = now.date()
    return (today - procedure.day).days


def _status(concept: CodeableConcept | None) -> str | None:
    for coding in (concept.coding or []) if concept else []:
        if coding.code:
            return coding.code
    return None


def _with_display(code: Code, condition: Condition) -> Code:
    """The contract's code with the record's own wording, if it has any, for the card."""
    text = condition.code.text if condition.code else None
    for coding in condition.code.coding or []:
        if coding.system == code.system and coding.code == code.code and coding.display:
            text = text or coding.display
    return Code(code.system, code.code, text or code.display)


def _rule_order(exclusion: Exclusion) -> tuple[int, str]:
    return (list(ExclusionRule).index(exclusion.rule), exclusion.condition)
