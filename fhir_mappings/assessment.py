"""One patient's resources in, the index procedure and the four findings with provenance out.

Pure: no I/O, and no clock but the ``now`` it is given. Every finding is either found (with
the Observation it came from) or unknown with a reason a clinician can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.riskassessment import RiskAssessment

from scoring import Value

from .codes import CONDITION_VERIFICATION, Code, FindingName
from .config import MappingConfig
from .estimates import RecordedEstimate, recorded_estimate
from .parsing import InvalidResourceError
from .procedures import (
    COMPLETED,
    Applicability,
    IndexProcedure,
    ProcedureAssessment,
    ProcedureRecord,
    assess_procedures,
    procedure_record,
)
from .provenance import Source
from .readings import (
    PRELIMINARY,
    Reading,
    UnreadableValue,
    codes_in,
    counts,
    finding_code,
    reading_from,
    source_of,
)
from .reasons import Caveat, CaveatKind, Conflict, NoValue, Unreadable
from .report_text import ReportTextReader
from .reports import is_radiology, text_evidence
from .scope import (
    Exclusion,
    PainScore,
    TimeWindow,
    applying_exclusions,
    excluding_condition,
    is_pain_score_code,
    pain_score,
    scores_since,
    time_window,
)
from .subject import not_the_patient, refers_to_patient
from .timing import Moment, Placement, after_procedure, before_procedure, is_after

#: Condition.verificationStatus values that mean "this diagnosis does not hold".
NOT_A_DIAGNOSIS = frozenset(
    {Code(CONDITION_VERIFICATION, "refuted"), Code(CONDITION_VERIFICATION, "entered-in-error")}
)
#: Resource types whose subject must be the patient and that must have an id to be cited.
CLINICAL_TYPES = (Observation, Procedure, Condition, DiagnosticReport, RiskAssessment)


class FindingStatus(StrEnum):
    FOUND = "found"
    #: No counted reading of the finding on record.
    MISSING = "missing"
    #: The reading in the window says the value is unknown (dataAbsentReason or "Unknown").
    DATA_ABSENT = "data-absent"
    #: Readings of the most recent day disagree.
    CONFLICTING = "conflicting"
    #: Readings exist, but none inside the finding's time window around the procedure.
    STALE = "stale"
    #: Readings exist, but none with a date precise to the day.
    UNDATED = "undated"
    #: No dated index procedure to place readings against.
    NOT_ASSESSED = "not-assessed"


@dataclass(frozen=True)
class Finding:
    """One model input as the record gives it, or why it is unknown (as data, not words)."""

    name: str
    #: The value for the scoring core; None unless ``status`` is ``found``.
    value: Value | None
    status: FindingStatus
    #: The Observation used (``found``), or the one the status is about (``data-absent``,
    #: ``stale``: the most recent reading outside the window, ``undated``).
    source: Source | None
    #: The finding's window in days: before the procedure for the pre-operative findings,
    #: after it for cement. None when ``not-assessed``.
    window_days: int | None = None
    #: ``stale``: where the most recent valued reading lies against the window.
    placement: Placement | None = None
    #: ``data-absent``: what the reading says instead of a value.
    no_value: NoValue | None = None
    #: ``missing``: readings not counted for their status, and readings outside the contract.
    not_counted: tuple[Source, ...] = ()
    unreadable: tuple[Unreadable, ...] = ()
    #: ``conflicting``: the readings of the most recent day that disagree.
    conflicts: tuple[Conflict, ...] = ()
    #: Older readings in the window that the most recent one replaced.
    superseded: int = 0


@dataclass(frozen=True)
class Assessment:
    procedure: IndexProcedure | None
    applicability: Applicability
    findings: Mapping[str, Finding]
    caveats: tuple[Caveat, ...]
    #: Resources not in the code contract (unknown codes, unreadable values, other types).
    ignored_resources: int = 0
    #: Conditions on record that the derivation study excluded, most decisive first; any one
    #: makes the applicability ``excluded-condition`` (unless the procedure already rules).
    exclusions: tuple[Exclusion, ...] = ()
    #: Where the request falls between the procedure and the one-month assessment.
    time_window: TimeWindow | None = None
    #: RiskAssessments already on record (any model), to record an estimate only once.
    recorded_estimates: tuple[RecordedEstimate, ...] = ()
    #: Counted pain scores from the procedure's day up to the request, oldest first.
    pain_scores: tuple[PainScore, ...] = ()

    def values(self) -> dict[str, Value | None]:
        """Exactly the scoring core's input: every finding name, None where unknown."""
        return {name: finding.value for name, finding in self.findings.items()}


@dataclass
class _Evidence:
    """What the resources say about one finding."""

    readings: list[Reading] = field(default_factory=list)
    #: Readings not counted because of their status.
    not_counted: list[Source] = field(default_factory=list)
    #: Readings refused because their value is outside the contract, with why.
    unreadable: list[Unreadable] = field(default_factory=list)


def assess(
    resources: Iterable[Resource],
    patient_id: str,
    config: MappingConfig,
    report_reader: ReportTextReader | None = None,
    *,
    now: datetime,
    set_aside: int = 0,
    fhir_server: str | None = None,
) -> Assessment:
    """Read one patient's resources as of ``now`` (timezone-aware: the request's time); with
    a ``report_reader``, radiology report text fills in findings no Observation gives. Raises
    InvalidResourceError for a resource about another patient (another id, or an absolute
    reference not under ``fhir_server``, the base URL the data came from:
    :mod:`fhir_mappings.subject`), or an Observation, Procedure, Condition, DiagnosticReport
    or RiskAssessment without an id. ``set_aside`` counts resources already left out,
    unparsed, by the selection (:mod:`fhir_mappings.selection`)."""
    evidence: dict[FindingName, _Evidence] = {name: _Evidence() for name in FindingName}
    records: list[ProcedureRecord] = []
    reports: list[DiagnosticReport] = []
    fracture_on_record = False
    candidate_exclusions: list[Exclusion] = []
    scores: list[PainScore] = []
    estimates: list[RecordedEstimate] = []
    ignored = set_aside
    for resource in _unique(resources):
        _check_patient(resource, patient_id, fhir_server)
        if isinstance(resource, Observation) and is_pain_score_code(resource, config):
            score = pain_score(resource, config)
            if score is not None:
                scores.append(score)
        elif isinstance(resource, Observation):
            ignored += _collect_observation(resource, config, evidence)
        elif isinstance(resource, Procedure):
            record = procedure_record(resource, config)
            if record is None:
                ignored += 1
            elif resource.status == COMPLETED:
                records.append(record)
        elif isinstance(resource, Condition):
            fracture = bool(codes_in(resource.code) & config.fracture_codes)
            exclusion = excluding_condition(resource, config)
            if not fracture and exclusion is None:
                ignored += 1
            elif not codes_in(resource.verificationStatus) & NOT_A_DIAGNOSIS:
                fracture_on_record |= fracture
                if exclusion is not None:
                    candidate_exclusions.append(exclusion)
        elif isinstance(resource, DiagnosticReport) and report_reader and is_radiology(resource):
            reports.append(resource)
        elif isinstance(resource, RiskAssessment):
            estimates.append(recorded_estimate(resource))
        elif not isinstance(resource, Patient):
            ignored += 1
    procedures = assess_procedures(records)
    future_caveats = [
        caveat for name in FindingName for caveat in _set_aside_future(name, evidence[name], now)
    ]
    findings = {
        name: _finding(name, evidence[name], procedures.moment, procedures.applicability, config)
        for name in FindingName
    }
    if reports:
        findings = _with_report_text(
            findings, evidence, reports, procedures, config, report_reader, now
        )
    exclusions, exclusion_caveats = applying_exclusions(candidate_exclusions)
    applicability = procedures.applicability
    if exclusions and applicability is Applicability.APPLIES:
        applicability = Applicability.EXCLUDED_CONDITION
    return Assessment(
        procedure=procedures.procedure,
        applicability=applicability,
        findings=MappingProxyType({name.value: finding for name, finding in findings.items()}),
        caveats=_caveats(procedures.procedure, procedures.caveats, fracture_on_record, findings)
        + exclusion_caveats
        + (tuple(future_caveats) if procedures.procedure is not None else ()),
        ignored_resources=ignored,
        exclusions=exclusions,
        time_window=time_window(procedures.moment, now, scores, config),
        recorded_estimates=tuple(estimates),
        pain_scores=scores_since(procedures.moment, now, scores),
    )


def _set_aside_future(name: FindingName, evidence: _Evidence, now: datetime) -> list[Caveat]:
    """Take readings dated after ``now`` out of ``evidence``: a date in the future is a data or
    clock error, and such a reading cannot be placed before or after the procedure. Each is
    named in a caveat."""
    future = [r for r in evidence.readings if r.moment is not None and is_after(r.moment, now)]
    evidence.readings = [r for r in evidence.readings if r not in future]
    return [
        Caveat(CaveatKind.FUTURE_DATED, reference=reading.source.reference, finding=name.value)
        for reading in future
    ]


def _collect_observation(
    observation: Observation, config: MappingConfig, evidence: dict[FindingName, _Evidence]
) -> int:
    """File the Observation under its finding; returns 1 if it was ignored, else 0."""
    match = finding_code(observation, config)
    if match is None:
        return 1
    finding, code = match
    if not counts(observation.status, config):
        evidence[finding].not_counted.append(source_of(observation, code, None))
        return 0
    try:
        evidence[finding].readings.append(reading_from(observation, finding, code, config))
    except UnreadableValue as exc:
        evidence[finding].unreadable.append(exc.about(source_of(observation, code, None)))
        return 1
    return 0


#: Coded statuses after which report text is read: no coded reading in the window.
TEXT_FALLBACK = frozenset({FindingStatus.MISSING, FindingStatus.STALE, FindingStatus.UNDATED})
_OUTSIDE = frozenset({FindingStatus.STALE, FindingStatus.UNDATED})


def _with_report_text(
    findings: dict[FindingName, Finding],
    coded: dict[FindingName, _Evidence],
    reports: list[DiagnosticReport],
    procedures: ProcedureAssessment,
    config: MappingConfig,
    reader: ReportTextReader,
    now: datetime,
) -> dict[FindingName, Finding]:
    """Findings no Observation gives in the window, read from radiology report text instead.
    A coded reading always wins, so text is read only for findings missing, stale or undated;
    a text reading outside the window does not replace a coded one outside it."""
    if procedures.moment is None:
        return findings
    levels = frozenset(procedures.procedure.levels) if procedures.procedure else frozenset()
    text = text_evidence(reports, levels, config, reader)
    updated = dict(findings)
    for name, finding in findings.items():
        if finding.status not in TEXT_FALLBACK:
            continue
        found = text[name]
        text_evidence_of = _Evidence(list(found.readings), found.not_counted, found.unreadable)
        _set_aside_future(name, text_evidence_of, now)
        from_text = _finding(
            name,
            text_evidence_of,
            procedures.moment,
            procedures.applicability,
            config,
        )
        if from_text.status is FindingStatus.MISSING and finding.status is FindingStatus.MISSING:
            # Nothing from either: say why, for the Observations and the reports alike.
            both = _Evidence(
                [],
                coded[name].not_counted + found.not_counted,
                coded[name].unreadable + found.unreadable,
            )
            updated[name] = _finding(
                name, both, procedures.moment, procedures.applicability, config
            )
        elif from_text.status is not FindingStatus.MISSING and (
            finding.status is FindingStatus.MISSING or from_text.status not in _OUTSIDE
        ):
            updated[name] = from_text
    return updated


def _finding(
    name: FindingName,
    evidence: _Evidence,
    procedure: Moment | None,
    applicability: Applicability,
    config: MappingConfig,
) -> Finding:
    if procedure is None:
        return Finding(name.value, None, FindingStatus.NOT_ASSESSED, None)
    window = _window_days(name, config)
    inside: list[Reading] = []
    outside: list[tuple[Reading, Placement]] = []
    undated: list[Reading] = []
    for reading in evidence.readings:
        if reading.moment is None:
            undated.append(reading)
            continue
        placement = _placement(name, reading.moment, procedure, config)
        if placement is Placement.INSIDE:
            inside.append(reading)
        else:
            outside.append((reading, placement))
    valued = [reading for reading in inside if not isinstance(reading.value, NoValue)]
    if valued:
        return _most_recent(name, valued, window)
    if inside:
        latest = max(inside, key=_when)
        return Finding(
            name.value,
            None,
            FindingStatus.DATA_ABSENT,
            latest.source,
            window_days=window,
            no_value=latest.value,
        )
    stale = [(r, p) for r, p in outside if not isinstance(r.value, NoValue)]
    if stale:
        latest, placement = max(stale, key=lambda item: _when(item[0]))
        return Finding(
            name.value,
            None,
            FindingStatus.STALE,
            latest.source,
            window_days=window,
            placement=placement,
        )
    if undated:
        return Finding(
            name.value, None, FindingStatus.UNDATED, undated[0].source, window_days=window
        )
    return Finding(
        name.value,
        None,
        FindingStatus.MISSING,
        None,
        window_days=window,
        not_counted=tuple(evidence.not_counted),
        unreadable=tuple(evidence.unreadable),
    )


def _most_recent(name: FindingName, valued: list[Reading], window: int) -> Finding:
    latest_day = max(reading.moment.day for reading in valued)
    same_day = sorted(
        (reading for reading in valued if reading.moment.day == latest_day), key=_when
    )
    superseded = len(valued) - len(same_day)
    if len({_typed(reading.value) for reading in same_day}) > 1:
        return Finding(
            name.value,
            None,
            FindingStatus.CONFLICTING,
            None,
            window_days=window,
            conflicts=tuple(Conflict(reading.source, reading.value) for reading in same_day),
            superseded=superseded,
        )
    used = same_day[-1]
    return Finding(
        name.value,
        used.value,
        FindingStatus.FOUND,
        used.source,
        window_days=window,
        superseded=superseded,
    )


def _window_days(name: FindingName, config: MappingConfig) -> int:
    if name is FindingName.CEMENT_DISTRIBUTION:
        return config.post_procedure_window_days
    return config.pre_procedure_lookback_days


def _placement(
    name: FindingName, reading: Moment, procedure: Moment, config: MappingConfig
) -> Placement:
    if name is FindingName.CEMENT_DISTRIBUTION:
        return after_procedure(reading, procedure, config.post_procedure_window_days)
    return before_procedure(reading, procedure, config.pre_procedure_lookback_days)


def _caveats(
    procedure: IndexProcedure | None,
    procedure_caveats: tuple[Caveat, ...],
    fracture_on_record: bool,
    findings: dict[FindingName, Finding],
) -> tuple[Caveat, ...]:
    if procedure is None:
        return ()
    caveats = list(procedure_caveats)
    if not fracture_on_record:
        caveats.append(Caveat(CaveatKind.NO_FRACTURE_DIAGNOSIS))
    for name, finding in findings.items():
        if finding.status is FindingStatus.FOUND and finding.source.status == PRELIMINARY:
            caveats.append(
                Caveat(
                    CaveatKind.PRELIMINARY_SOURCE,
                    reference=finding.source.reference,
                    finding=name.value,
                )
            )
    return tuple(caveats)


def _unique(resources: Iterable[Resource]) -> list[Resource]:
    """One resource per type/id; the later copy wins, as the later fetch is the newer one."""
    by_reference: dict[tuple[str, str], Resource] = {}
    unnamed: list[Resource] = []
    for resource in resources:
        if resource.id is None:
            if isinstance(resource, CLINICAL_TYPES):
                raise InvalidResourceError(
                    f"{resource.get_resource_type()} without id: it could not be cited as the "
                    "source of a finding"
                )
            unnamed.append(resource)
        else:
            by_reference[(resource.get_resource_type(), resource.id)] = resource
    return [*by_reference.values(), *unnamed]


def _check_patient(resource: Resource, patient_id: str, fhir_server: str | None) -> None:
    name = f"{resource.get_resource_type()}/{resource.id}"
    if isinstance(resource, Patient):
        if resource.id != patient_id:
            raise InvalidResourceError(
                f"{name}: id: not the patient in context Patient/{patient_id}"
            )
        return
    for field_name in ("subject", "patient"):
        reference = getattr(resource, field_name, None)
        if isinstance(reference, Reference):
            if not refers_to_patient(reference.reference, patient_id, fhir_server):
                raise not_the_patient(
                    name, field_name, reference.reference, patient_id, fhir_server
                )
            return
    if isinstance(resource, CLINICAL_TYPES):
        raise InvalidResourceError(
            f"{name}: subject: missing, so it cannot be shown to be about Patient/{patient_id}"
        )


def _when(reading: Reading) -> tuple:
    return reading.moment.sort_key


def _typed(value: Value | NoValue) -> tuple[type, object]:
    # True == 1 in Python; a finding's values are of one type, but compare types anyway.
    return (type(value), value)
