"""One Observation read as one finding's value, or as unknown, or refused as unreadable.

Only what the code contract names is read: an unlisted code, a value of the wrong type or a
grade out of range is refused (and counted by the caller), never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.observation import Observation, ObservationComponent

from .codes import (
    GOUTALLIER_GRADES,
    PRESENCE_FINDINGS,
    CementDistribution,
    Code,
    FindingName,
    Unknown,
)
from .config import MappingConfig
from .timing import Moment, moment_of

#: Statuses of a reading that counts. ``preliminary`` counts only if the site allows it;
#: ``registered``, ``cancelled``, ``entered-in-error`` and ``unknown`` never count.
FINAL_STATUSES = frozenset({"final", "amended", "corrected"})
PRELIMINARY = "preliminary"

T = TypeVar("T")

#: A finding's value as the scoring core takes it.
Value = bool | int | str


class SourceKind(StrEnum):
    #: A coded Observation.
    OBSERVATION = "observation"
    #: A sentence of a radiology DiagnosticReport's text.
    REPORT_TEXT = "report-text"


@dataclass(frozen=True)
class Source:
    """The Observation (or radiology report) a finding was read from, as a clinician would
    look it up."""

    reference: str
    effective: str | None
    status: str
    code: str
    display: str | None
    kind: SourceKind = SourceKind.OBSERVATION
    #: The report's own words, for a value read from report text.
    quote: str | None = None


@dataclass(frozen=True)
class NoValue:
    """The Observation says the value is not known (``dataAbsentReason``, or an answer such
    as "Unknown"); ``reason`` says so in words."""

    reason: str


class UnreadableValue(ValueError):
    """The Observation's value is outside the code contract; the message says how."""


@dataclass(frozen=True)
class Reading:
    finding: FindingName
    source: Source
    moment: Moment | None
    value: Value | NoValue


def finding_code(
    observation: Observation, config: MappingConfig
) -> tuple[FindingName, Code] | None:
    """The finding an Observation reports and the coding that says so; None if no coding is
    in the contract, or if codings name different findings (which one is meant is unknown)."""
    matches = {}
    for coding in (observation.code.coding or []) if observation.code else []:
        code = Code(coding.system or "", coding.code or "", coding.display or "")
        if code in config.finding_codes:
            matches.setdefault(config.finding_codes[code], code)
    if len(matches) != 1:
        return None
    return next(iter(matches.items()))


def counts(status: str, config: MappingConfig) -> bool:
    return status in FINAL_STATUSES or (status == PRELIMINARY and config.allow_preliminary)


def reading_from(
    observation: Observation, finding: FindingName, code: Code, config: MappingConfig
) -> Reading:
    """The reading of a counted Observation. Raises UnreadableValue."""
    moment = moment_of(
        observation.effectiveDateTime
        or (observation.effectivePeriod.start if observation.effectivePeriod else None)
        or observation.effectiveInstant
        or observation.issued
    )
    return Reading(
        finding=finding,
        source=source_of(observation, code, moment),
        moment=moment,
        value=_value(observation, finding, config),
    )


def source_of(observation: Observation, code: Code, moment: Moment | None) -> Source:
    return Source(
        reference=f"Observation/{observation.id}",
        effective=moment.text if moment else None,
        status=observation.status,
        code=code.token,
        display=(observation.code.text if observation.code else None) or code.display or None,
    )


def _value(
    observation: Observation, finding: FindingName, config: MappingConfig
) -> Value | NoValue:
    # dataAbsentReason wins over any value beside it: FHIR forbids both, and "unknown" is the
    # only safe reading of a contradiction.
    if observation.dataAbsentReason is not None:
        return NoValue(_concept_text(observation.dataAbsentReason))
    if finding in PRESENCE_FINDINGS:
        return _presence(observation, config)
    if finding is FindingName.GOUTALLIER_GRADE:
        return _goutallier(observation, config)
    return _cement(observation, config)


def _presence(observation: Observation, config: MappingConfig) -> bool | NoValue:
    if observation.valueBoolean is not None:
        return observation.valueBoolean
    if observation.valueCodeableConcept is not None:
        return _answer(observation.valueCodeableConcept, config.presence_answers)
    raise UnreadableValue(f"expected valueBoolean or valueCodeableConcept, {_found(observation)}")


def _cement(observation: Observation, config: MappingConfig) -> str | NoValue:
    if observation.valueCodeableConcept is None:
        raise UnreadableValue(f"expected valueCodeableConcept, {_found(observation)}")
    answer = _answer(observation.valueCodeableConcept, config.cement_answers)
    return answer.value if isinstance(answer, CementDistribution) else answer


def _goutallier(observation: Observation, config: MappingConfig) -> int | NoValue:
    sides = [
        component
        for component in observation.component or []
        if codes_in(component.code) & config.goutallier_side_codes
    ]
    has_value = observation.valueInteger is not None or observation.valueCodeableConcept is not None
    if sides:
        # A grade for both sides together, if given beside them, is one more grade to weigh.
        return _worst([*sides, observation] if has_value else sides, config)
    if not has_value:
        raise UnreadableValue(
            f"expected valueInteger, valueCodeableConcept or left/right components, "
            f"{_found(observation)}"
        )
    return _grade(observation, config)


def _worst(
    graded: list[ObservationComponent | Observation], config: MappingConfig
) -> int | NoValue:
    """The worst grade. A side that could not be graded might be the worse one, so the result
    is unknown unless a known grade is already the worst possible, 4."""
    grades = [
        NoValue(f"a side was not graded: {_concept_text(element.dataAbsentReason)}")
        if element.dataAbsentReason is not None
        else _grade(element, config)
        for element in graded
    ]
    known = [grade for grade in grades if isinstance(grade, int)]
    if known and max(known) == 4:
        return 4
    unknown = [grade for grade in grades if isinstance(grade, NoValue)]
    return unknown[0] if unknown else max(known)


def _grade(element: Observation | ObservationComponent, config: MappingConfig) -> int | NoValue:
    if element.valueInteger is not None:
        if element.valueInteger not in GOUTALLIER_GRADES:
            raise UnreadableValue(f"Goutallier grade {element.valueInteger} is not 0-4")
        return element.valueInteger
    if element.valueCodeableConcept is not None:
        return _answer(element.valueCodeableConcept, config.goutallier_answers)
    raise UnreadableValue("a Goutallier side has neither valueInteger nor valueCodeableConcept")


def _answer(concept: CodeableConcept, answers: Mapping[Code, T | Unknown]) -> T | NoValue:
    """The meaning of a coded answer. Codings that disagree are refused, not ranked."""
    meanings = {answers[code] for code in codes_in(concept) if code in answers}
    if not meanings:
        raise UnreadableValue(f"answer {_concept_text(concept)} is not in the code contract")
    if len(meanings) > 1:
        raise UnreadableValue(f"answer {_concept_text(concept)} has codings that disagree")
    (meaning,) = meanings
    if isinstance(meaning, Unknown):
        return NoValue(f"answered {_concept_text(concept)}")
    return meaning


def codes_in(concept: CodeableConcept | None) -> frozenset[Code]:
    if concept is None:
        return frozenset()
    return frozenset(Code(c.system or "", c.code or "") for c in concept.coding or [])


def _concept_text(concept: CodeableConcept) -> str:
    if concept.text:
        return concept.text
    for coding in concept.coding or []:
        if coding.display or coding.code:
            return coding.display or coding.code
    return "no text"


def _found(observation: Observation) -> str:
    present = [name for name in _VALUE_FIELDS if getattr(observation, name, None) is not None]
    return f"found {present[0]}" if present else "found no value"


_VALUE_FIELDS = (
    "valueQuantity",
    "valueCodeableConcept",
    "valueString",
    "valueBoolean",
    "valueInteger",
    "valueRange",
    "valueRatio",
    "valueSampledData",
    "valueTime",
    "valueDateTime",
    "valuePeriod",
)
