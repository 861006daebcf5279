"""The index procedure (the most recent completed vertebral augmentation) and whether the
model applies to it: single-level vertebroplasty at T4-L5, as in the derivation cohort."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.procedure import Procedure

from .codes import DERIVATION_LEVELS, Code, ProcedureKind, VertebralLevel
from .config import MappingConfig
from .reasons import Caveat, CaveatKind
from .timing import Moment, moment_of

COMPLETED = "completed"


class Applicability(StrEnum):
    """Whether the model applies to the patient's index procedure."""

    APPLIES = "applies"
    #: No completed vertebroplasty or kyphoplasty on record: nothing to say.
    NO_PROCEDURE = "no-procedure"
    #: The index procedure is a kyphoplasty or other vertebral augmentation.
    NOT_VERTEBROPLASTY = "not-vertebroplasty"
    #: More than one level treated in the session.
    MULTI_LEVEL = "multi-level"
    #: A treated level outside T4-L5.
    LEVEL_OUTSIDE_RANGE = "level-outside-range"
    #: The procedure has no date precise to the day, so imaging cannot be placed around it.
    PROCEDURE_UNDATED = "procedure-undated"
    #: A condition the derivation study excluded is on record (tumour, infection, cord
    #: compression): see ``Assessment.exclusions``.
    EXCLUDED_CONDITION = "excluded-condition"


@dataclass(frozen=True)
class IndexProcedure:
    """The procedure the findings are placed around."""

    reference: str
    #: ISO 8601 date or dateTime of performedDateTime / performedPeriod.start; None if absent.
    performed: str | None
    kind: ProcedureKind
    code: str
    display: str | None
    #: Treated levels in craniocaudal order; empty when none is recorded.
    levels: tuple[VertebralLevel, ...]
    #: The other augmentation records of the same day, read as the same session.
    same_day: tuple[str, ...]


@dataclass(frozen=True)
class ProcedureRecord:
    """A completed Procedure whose code is in the contract."""

    reference: str
    moment: Moment | None
    kinds: frozenset[ProcedureKind]
    code: Code
    display: str | None
    levels: frozenset[VertebralLevel]

    @property
    def kind(self) -> ProcedureKind:
        # A record coded both as vertebroplasty and as kyphoplasty is not known to be a
        # vertebroplasty, so the model is not applied to it.
        if ProcedureKind.OTHER_AUGMENTATION in self.kinds:
            return ProcedureKind.OTHER_AUGMENTATION
        if ProcedureKind.VERTEBROPLASTY in self.kinds:
            return ProcedureKind.VERTEBROPLASTY
        return ProcedureKind.VERTEBROPLASTY_ADDITIONAL_LEVEL


@dataclass(frozen=True)
class ProcedureAssessment:
    procedure: IndexProcedure | None
    moment: Moment | None
    applicability: Applicability
    caveats: tuple[Caveat, ...]


def procedure_record(procedure: Procedure, config: MappingConfig) -> ProcedureRecord | None:
    """The record of an augmentation Procedure; None if no coding is in the contract."""
    matched = [
        (code, config.procedure_codes[code])
        for code in _codes(procedure.code)
        if code in config.procedure_codes
    ]
    if not matched:
        return None
    code = matched[0][0]
    return ProcedureRecord(
        reference=f"Procedure/{procedure.id}",
        moment=moment_of(
            procedure.performedDateTime
            or (procedure.performedPeriod.start if procedure.performedPeriod else None)
        ),
        kinds=frozenset(kind for _, kind in matched),
        code=code,
        display=(procedure.code.text if procedure.code else None) or code.display or None,
        levels=frozenset(
            level for site in procedure.bodySite or [] for level in _levels(site, config)
        ),
    )


def assess_procedures(records: Iterable[ProcedureRecord]) -> ProcedureAssessment:
    """The index procedure among completed augmentation records, and whether the model applies."""
    records = list(records)
    if not records:
        return ProcedureAssessment(None, None, Applicability.NO_PROCEDURE, ())
    dated = [record for record in records if record.moment is not None]
    if not dated:
        undated = records[0]
        return ProcedureAssessment(
            procedure=_index(undated, [undated]),
            moment=None,
            applicability=Applicability.PROCEDURE_UNDATED,
            caveats=(),
        )
    latest_day = max(record.moment.day for record in dated)
    session = [record for record in dated if record.moment.day == latest_day]
    primary = max(session, key=_primacy)
    procedure = _index(primary, session)
    applicability = _applicability(procedure, session)
    caveats = [
        Caveat(CaveatKind.UNDATED_RECORD_IGNORED, reference=record.reference)
        for record in records
        if record.moment is None
    ]
    if not procedure.levels:
        caveats.append(Caveat(CaveatKind.LEVEL_NOT_RECORDED))
    if applicability is Applicability.APPLIES and _levels_uncertain(session):
        caveats.append(Caveat(CaveatKind.LEVELS_UNCERTAIN, reference=procedure.reference))
    return ProcedureAssessment(procedure, primary.moment, applicability, tuple(caveats))


def levels_outside_derivation(procedure: IndexProcedure) -> tuple[VertebralLevel, ...]:
    return tuple(level for level in procedure.levels if level not in DERIVATION_LEVELS)


def _applicability(procedure: IndexProcedure, session: list[ProcedureRecord]) -> Applicability:
    kinds = {kind for record in session for kind in record.kinds}
    if ProcedureKind.OTHER_AUGMENTATION in kinds:
        return Applicability.NOT_VERTEBROPLASTY
    if _is_multi_level(procedure.levels, session, kinds):
        return Applicability.MULTI_LEVEL
    if levels_outside_derivation(procedure):
        return Applicability.LEVEL_OUTSIDE_RANGE
    return Applicability.APPLIES


def _is_multi_level(
    levels: tuple[VertebralLevel, ...],
    session: list[ProcedureRecord],
    kinds: set[ProcedureKind],
) -> bool:
    if ProcedureKind.VERTEBROPLASTY_ADDITIONAL_LEVEL in kinds or len(levels) > 1:
        return True
    # Two different codes of one code system on one day are two procedures (CPT 22510 is
    # thoracic, 22511 lumbar); one procedure is not coded twice in the same system.
    codes_by_system: dict[str, set[str]] = {}
    for record in session:
        codes_by_system.setdefault(record.code.system, set()).add(record.code.code)
    return any(len(codes) > 1 for codes in codes_by_system.values())


def _levels_uncertain(session: list[ProcedureRecord]) -> bool:
    """Several records of one day that do not each name the same single level: a billing and
    a clinical record of one procedure, or two levels; the records cannot tell which."""
    return len(session) > 1 and not all(len(record.levels) == 1 for record in session)


def _index(primary: ProcedureRecord, session: list[ProcedureRecord]) -> IndexProcedure:
    levels = {level for record in session for level in record.levels}
    return IndexProcedure(
        reference=primary.reference,
        performed=primary.moment.text if primary.moment else None,
        kind=primary.kind,
        code=primary.code.token,
        display=primary.display,
        levels=tuple(sorted(levels, key=lambda level: level.position)),
        same_day=tuple(r.reference for r in session if r.reference != primary.reference),
    )


def _primacy(record: ProcedureRecord) -> tuple[bool, bool, tuple]:
    """Which record of the session names it: a kyphoplasty (it decides that the model does not
    apply), then a vertebroplasty base code over an add-on code, then the latest."""
    return (
        ProcedureKind.OTHER_AUGMENTATION in record.kinds,
        ProcedureKind.VERTEBROPLASTY in record.kinds,
        record.moment.sort_key if record.moment else (),
    )


def _levels(site: CodeableConcept, config: MappingConfig) -> set[VertebralLevel]:
    levels = {config.level_codes[code] for code in _codes(site) if code in config.level_codes}
    if not levels and site.text and site.text.strip().upper() in config.level_texts:
        levels.add(config.level_texts[site.text.strip().upper()])
    return levels


def _codes(concept: CodeableConcept | None) -> list[Code]:
    if concept is None:
        return []
    return [Code(c.system or "", c.code or "", c.display or "") for c in concept.coding or []]
