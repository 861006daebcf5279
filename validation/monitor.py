"""Monitoring on the patients scored: the audit trail's estimates joined, prospectively, with
the one-month outcomes found since.

1. **Patients scored**: the audit rows since ``--since`` of the model in service, one patient per
   index procedure (the audit's procedure reference; the audit keeps no patient id). The last
   estimate shown for the procedure is the one judged; one given as a range (a finding unknown)
   has no single risk and is counted, not judged.
2. **Outcome**: the Procedure read by that reference names the patient; the pain scores are read
   and the outcome taken exactly as ``validate`` takes it (``OutcomeWindow``), from the scores
   dated up to the monitor's day. While a score nearer day 30 could still come (the window is
   open and no score is that near yet), the patient is **pending**: neither event nor non-event.
   After the window, no score (or a tie that disagrees) is **no outcome**.
3. **Figures**, by month of the procedure and overall: observed/expected with the range it stays
   in 95 times in 100 while the model holds (normal approximation to the sum of independent
   Bernoulli outcomes with the predicted risks), calibration-in-the-large with its Wald interval,
   the AUC with the Hanley-McNeil interval once there are enough events, the share flagged high,
   feedback, and how often each finding was unknown or came from report text.

Patient ids are used in memory to read the outcome and kept nowhere; the figures are counts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import numpy as np
from fhir.resources.R4B.procedure import Procedure
from sqlalchemy import Engine, select

import fhir_mappings
from cds_service.errors import DataUnavailable
from cds_service.fhir_client import FhirClient, FhirServer
from cds_service.monitor_gauges import MonitorGauges
from cds_service.storage import schema
from fhir_mappings import Applicability, FindingStatus, MappingConfig, SourceKind
from fhir_mappings.codes import PAIN_SCORE_CODES, Code
from scoring import Model, RiskTier

from .fhir_input import FhirInputError, pain_scores, referenced_patient
from .metrics import FIT_FAILURES, MIN_EVENTS_FOR_CALIBRATION, Estimate, auc, fit_logistic
from .outcome import OutcomeWindow, PainScore

#: An AUC on fewer events (or non-events) than this is too unstable to print.
MIN_EVENTS_FOR_AUC = 10
Z95 = 1.959963984540054

EVENT, NON_EVENT, PENDING, NO_OUTCOME = "event", "non-event", "pending", "no-outcome"
OVERALL = "overall"


@dataclass(frozen=True)
class ScoredPatient:
    """One index procedure the service scored, as the audit trail has it."""

    procedure: str
    procedure_day: date
    #: The last estimate shown; None when it was a range (a finding unknown).
    probability: float | None
    flagged: bool
    #: Finding name -> (its status, the kind of record it came from or None).
    findings: Mapping[str, tuple[str, str | None]]
    audit_ids: tuple[str, ...]

    @property
    def month(self) -> str:
        return self.procedure_day.strftime("%Y-%m")


@dataclass(frozen=True)
class Audited:
    patients: tuple[ScoredPatient, ...]
    #: Answers of other models (or versions) since ``since``, left out.
    other_models: int


def scored_patients(engine: Engine, since: datetime, model: Model) -> Audited:
    """The patients the model scored since ``since``, oldest answer first."""
    table = schema.audit_event
    query = (
        select(table.c.id, table.c.model_id, table.c.model_version, table.c.inputs, table.c.tier)
        .add_columns(table.c.probability_low, table.c.probability_high)
        .where(table.c.answered_at >= since, table.c.applicability == Applicability.APPLIES)
        .order_by(table.c.answered_at)
    )
    by_procedure: dict[str, list[Any]] = defaultdict(list)
    other = 0
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=500).execute(query):
            if (row.model_id, row.model_version) != (model.id, model.version):
                other += 1
            elif row.probability_low is not None:
                by_procedure[row.inputs["procedure"]["reference"]].append(row)
    return Audited(tuple(_patient(ref, rows) for ref, rows in by_procedure.items()), other)


def _patient(reference: str, rows: list[Any]) -> ScoredPatient:
    last = rows[-1]
    single = last.probability_low == last.probability_high
    return ScoredPatient(
        procedure=reference,
        procedure_day=date.fromisoformat(last.inputs["procedure"]["performed"][:10]),
        probability=last.probability_low if single else None,
        flagged=last.tier == RiskTier.HIGH,
        findings={
            name: (finding["status"], (finding.get("source") or {}).get("kind"))
            for name, finding in last.inputs["findings"].items()
        },
        audit_ids=tuple(row.id for row in rows),
    )


def settle(window: OutcomeWindow, scores: Iterable[PainScore], day_now: int) -> str:
    """Event, non-event, pending or no outcome, ``day_now`` days after the procedure's day,
    from the scores taken up to then, by the validation's rule."""
    known = [score for score in scores if score.day <= day_now]
    inside = [score for score in known if window.contains(score.day)]
    if day_now <= window.last_day:
        if not inside:
            return PENDING
        nearest = min(abs(score.day - window.target) for score in inside)
        # A score nearer day 30 (or as near, disagreeing) could still be taken.
        if day_now <= window.target + nearest:
            return PENDING
    outcome = window.outcome(known)
    if outcome.score is None:
        return NO_OUTCOME
    return EVENT if outcome.score >= window.event_threshold else NON_EVENT


@dataclass(frozen=True)
class OutcomeReader:
    """Reads a scored procedure's pain scores from the FHIR server."""

    client: FhirClient
    server: FhirServer
    mapping: MappingConfig
    pain_codes: tuple[Code, ...] = PAIN_SCORE_CODES

    def scores(self, patient: ScoredPatient) -> list[PainScore] | None:
        """Days after the procedure and scores; None when the procedure cannot be found."""
        try:
            procedures = [
                resource
                for page in self.client.read(self.server, patient.procedure)
                for resource in fhir_mappings.resources_from(page)
                if isinstance(resource, Procedure)
            ]
            subject = procedures[0].subject if procedures else None
            who = referenced_patient(subject.reference or "" if subject else "", self.server)
            if who is None:
                return None
            tokens = ",".join(code.token for code in self.pain_codes)
            query = f"Observation?patient={quote(who, safe='')}&code={quote(tokens, safe=',|:/')}"
            resources = [
                resource
                for page in self.client.read(self.server, query)
                for resource in fhir_mappings.resources_from(page)
            ]
        except DataUnavailable as exc:
            if any(f"answered {status}" in str(exc) for status in (404, 410)):
                return None
            raise FhirInputError(f"{self.server.base_url}: {exc}") from exc
        except fhir_mappings.InvalidResourceError:
            return None
        return [
            PainScore((moment.day - patient.procedure_day).days, score)
            for moment, score in pain_scores(resources, self.pain_codes, self.mapping)
        ]


@dataclass
class Group:
    """The patients of one month (or all of them) and what became of them."""

    patients: list[ScoredPatient] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    feedback: Counter[str] = field(default_factory=Counter)
    override_reasons: Counter[str] = field(default_factory=Counter)

    def add(self, patient: ScoredPatient, state: str) -> None:
        self.patients.append(patient)
        self.states.append(state)


@dataclass(frozen=True)
class Figures:
    scored: int
    with_range: int
    outcomes: int
    events: int
    pending: int
    no_outcome: int
    not_found: int
    expected: float
    observed_expected: float | None
    expected_low: float | None
    expected_high: float | None
    calibration_in_the_large: Estimate | None
    auc: Estimate | None
    flagged_share: float
    feedback: Mapping[str, int]
    override_reasons: Mapping[str, int]
    missing: Mapping[str, float]
    from_report_text: Mapping[str, float]
    warnings: tuple[str, ...]

    @property
    def drift(self) -> bool:
        """Observed/expected outside the range it keeps while the model holds."""
        if None in (self.observed_expected, self.expected_low, self.expected_high):
            return False
        return not self.expected_low <= self.observed_expected <= self.expected_high  # type: ignore[operator]

    def as_json(self) -> dict[str, Any]:
        return {
            "patients": {
                "scored": self.scored,
                "scored_with_a_range": self.with_range,
                "outcome": self.outcomes,
                "events": self.events,
                "pending": self.pending,
                "no_outcome": self.no_outcome,
                "procedure_not_found": self.not_found,
            },
            "expected_events": self.expected,
            "observed_expected": {
                "estimate": self.observed_expected,
                "expected_low": self.expected_low,
                "expected_high": self.expected_high,
                "outside": self.drift,
            },
            "calibration_in_the_large": _estimate_json(self.calibration_in_the_large),
            "auc": _estimate_json(self.auc),
            "flagged_high_share": self.flagged_share,
            "feedback": {**self.feedback, "override_reasons": dict(self.override_reasons)},
            "missing_finding_share": dict(self.missing),
            "from_report_text_share": dict(self.from_report_text),
            "warnings": list(self.warnings),
        }


NOT_FOUND = "procedure not found"


@dataclass(frozen=True)
class Monitoring:
    as_of: date
    since: datetime
    threshold: float
    other_models: int
    overall: Figures
    months: Mapping[str, Figures]
    #: The patients of each month, for the gauges' earlier period.
    patients_by_month: Mapping[str, Sequence[ScoredPatient]]

    def gauges(self, created: datetime) -> MonitorGauges:
        overall = self.overall
        months = list(self.months)
        latest = self.months[months[-1]] if months else None
        earlier = [p for month in months[:-1] for p in self.patients_by_month[month]]
        return MonitorGauges(
            created=created.timestamp(),
            patients={
                "scored": overall.scored,
                "outcome": overall.outcomes,
                "pending": overall.pending,
                "no-outcome": overall.no_outcome,
            },
            observed_expected=overall.observed_expected,
            expected_low=overall.expected_low,
            expected_high=overall.expected_high,
            missing={
                "latest-month": dict(latest.missing) if latest else {},
                "earlier": _shares(earlier, _unknown) if earlier else {},
            },
            period_patients={
                "latest-month": latest.scored if latest else 0,
                "earlier": len(earlier),
            },
        )


def monitor(
    audited: Audited,
    reader: OutcomeReader,
    window: OutcomeWindow,
    feedback: Mapping[str, Sequence[tuple[str, str | None]]],
    *,
    as_of: date,
    since: datetime,
    threshold: float,
) -> Monitoring:
    """Join the scored patients with their outcomes and measure, by month and overall.
    ``feedback`` maps an audit row id to its (outcome, override reason) items."""
    groups: dict[str, Group] = defaultdict(Group)
    for patient in sorted(audited.patients, key=lambda p: p.procedure_day):
        scores = reader.scores(patient)
        state = (
            NOT_FOUND
            if scores is None
            else settle(window, scores, (as_of - patient.procedure_day).days)
        )
        for group in (groups[patient.month], groups[OVERALL]):
            group.add(patient, state)
            for audit_id in patient.audit_ids:
                for outcome, reason in feedback.get(audit_id, ()):
                    group.feedback[outcome] += 1
                    if outcome == "overridden":
                        group.override_reasons[reason or "no reason given"] += 1
    overall = groups.pop(OVERALL, Group())
    months = dict(sorted(groups.items()))
    return Monitoring(
        as_of=as_of,
        since=since,
        threshold=threshold,
        other_models=audited.other_models,
        overall=figures(overall),
        months={month: figures(group) for month, group in months.items()},
        patients_by_month={month: group.patients for month, group in months.items()},
    )


def figures(group: Group) -> Figures:
    judged = [
        (patient.probability, state == EVENT)
        for patient, state in zip(group.patients, group.states, strict=True)
        if state in (EVENT, NON_EVENT) and patient.probability is not None
    ]
    p = np.array([risk for risk, _ in judged], dtype=float)
    y = np.array([event for _, event in judged], dtype=int)
    expected = float(p.sum())
    events = int(y.sum())
    low, high = expected_range(p)
    scored = len(group.patients)
    return Figures(
        scored=scored,
        with_range=sum(patient.probability is None for patient in group.patients),
        outcomes=len(judged),
        events=events,
        pending=group.states.count(PENDING),
        no_outcome=group.states.count(NO_OUTCOME),
        not_found=group.states.count(NOT_FOUND),
        expected=expected,
        observed_expected=events / expected if expected > 0 else None,
        expected_low=low,
        expected_high=high,
        calibration_in_the_large=_calibration_in_the_large(y, p),
        auc=_auc(y, p),
        flagged_share=sum(patient.flagged for patient in group.patients) / scored if scored else 0,
        feedback={name: group.feedback[name] for name in ("accepted", "overridden")},
        override_reasons=dict(group.override_reasons.most_common()),
        missing=_shares(group.patients, _unknown),
        from_report_text=_shares(group.patients, _from_report_text),
        warnings=tuple(_warnings(len(judged), events, group.states.count(PENDING))),
    )


def expected_range(p: np.ndarray) -> tuple[float | None, float | None]:
    """The 95% range of observed/expected events while the model holds: the events are a sum
    of independent Bernoulli(p_i), mean sum(p), variance sum(p(1-p))."""
    expected = float(p.sum())
    if expected <= 0:
        return None, None
    spread = Z95 * math.sqrt(float((p * (1 - p)).sum())) / expected
    return max(0.0, 1 - spread), 1 + spread


def _calibration_in_the_large(y: np.ndarray, p: np.ndarray) -> Estimate | None:
    if y.size == 0 or y.min() == y.max():
        return None
    lp = np.log(p / (1 - p))
    try:
        fit = fit_logistic(y, np.ones((y.size, 1)), offset=lp)
    except FIT_FAILURES:
        return None
    low, high = fit.conf_int(alpha=0.05)[0]
    return Estimate(float(fit.params[0]), float(low), float(high))


def _auc(y: np.ndarray, p: np.ndarray) -> Estimate | None:
    """The AUC with the Hanley-McNeil (1982) interval, from MIN_EVENTS_FOR_AUC events and
    non-events."""
    events, non_events = int(y.sum()), int(y.size - y.sum())
    if min(events, non_events) < MIN_EVENTS_FOR_AUC:
        return None
    a = auc(y, p)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    variance = (a * (1 - a) + (events - 1) * (q1 - a * a) + (non_events - 1) * (q2 - a * a)) / (
        events * non_events
    )
    spread = Z95 * math.sqrt(variance)
    return Estimate(a, max(0.0, a - spread), min(1.0, a + spread))


def _unknown(status: str, kind: str | None) -> bool:
    return status != FindingStatus.FOUND


def _from_report_text(status: str, kind: str | None) -> bool:
    return status == FindingStatus.FOUND and kind == SourceKind.REPORT_TEXT


def _shares(patients: Sequence[ScoredPatient], counted: Any) -> dict[str, float]:
    names = sorted({name for patient in patients for name in patient.findings})
    return {
        name: sum(counted(*patient.findings[name]) for patient in patients) / len(patients)
        for name in names
    }


def _warnings(outcomes: int, events: int, pending: int) -> list[str]:
    found = []
    non_events = outcomes - events
    if min(events, non_events) < MIN_EVENTS_FOR_CALIBRATION:
        found.append(
            f"{events} events and {non_events} non-events: fewer than "
            f"{MIN_EVENTS_FOR_CALIBRATION} of either make calibration estimates imprecise "
            "(wide intervals). Read them with their intervals, and pool months before acting "
            "on one month's figures."
        )
    if min(events, non_events) < MIN_EVENTS_FOR_AUC:
        found.append(
            f"No AUC: it needs at least {MIN_EVENTS_FOR_AUC} events and {MIN_EVENTS_FOR_AUC} "
            "patients without residual pain."
        )
    if pending:
        found.append(
            f"{pending} patients are pending (their one-month window is still open): they are "
            "neither events nor non-events yet."
        )
    return found


def _estimate_json(estimate: Estimate | None) -> dict[str, float | None] | None:
    return estimate.as_json() if estimate is not None else None


FeedbackItems = dict[str, list[tuple[str, str | None]]]


def feedback_by_audit_row(engine: Engine, since: datetime) -> FeedbackItems:
    """Each audit row's feedback items since ``since``: (outcome, override reason code)."""
    fb, cards, events = schema.feedback, schema.audit_card, schema.audit_event
    query = (
        select(
            cards.c.audit_event_id,
            fb.c.outcome,
            fb.c.override_reason_system,
            fb.c.override_reason_code,
        )
        .select_from(fb.join(cards, cards.c.card_uuid == fb.c.card_uuid))
        .where(cards.c.audit_event_id.in_(select(events.c.id).where(events.c.answered_at >= since)))
    )
    found: FeedbackItems = defaultdict(list)
    with engine.connect() as connection:
        for row in connection.execute(query):
            reason = (
                f"{row.override_reason_system}|{row.override_reason_code}"
                if row.override_reason_code
                else None
            )
            found[row.audit_event_id].append((row.outcome, reason))
    return dict(found)


def today() -> date:
    return datetime.now(UTC).date()
