"""One Observation read as one finding's value, or as unknown, or refused as unreadable.

Only what the code contract names is read: an unlisted code, a value of the wrong type or a
grade out of range is refused (and counted by the caller), never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.observation import Observation, ObservationComponent

from scoring import Value

from .codes import (
    GOUTALLIER_GRADES,
    PRESENCE_FINDINGS,
    CementDistribution,
    Code,
    FindingName,
    Unknown,
)
from .config import MappingConfig
from .provenance import Source
from .reasons import NoValue, NoValueKind, Problem, Unreadable
from .timing import Moment, moment_of

#: Statuses of a reading that counts. ``preliminary`` counts only if the site allows it;
#: ``registered``, ``cancelled``, ``entered-in-error`` and ``unknown`` never count.
FINAL_STATUSES = frozenset({"final", "amended", "corrected"})
PRELIMINARY = "preliminary"

T = TypeVar("T")


class UnreadableValue(ValueError):
    """The Observation's value is outside the code contract: ``problem`` says how."""

    def __init__(
        self, problem: Problem, *, expected: tuple[str, ...] = (), found: str | None = None
    ) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.expected = expected
        self.found = found

    def about(self, source: Source) -> Unreadable:
        return Unreadable(source, self.problem, self.expected, self.found)


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
        return NoValue(NoValueKind.DATA_ABSENT_REASON, _concept_text(observation.dataAbsentReason))
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
    raise UnreadableValue(
        Problem.UNEXPECTED_VALUE_TYPE,
        expected=("valueBoolean", "valueCodeableConcept"),
        found=_found(observation),
    )


def _cement(observation: Observation, config: MappingConfig) -> str | NoValue:
    if observation.valueCodeableConcept is None:
        raise UnreadableValue(
            Problem.UNEXPECTED_VALUE_TYPE,
            expected=("valueCodeableConcept",),
            found=_found(observation),
        )
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
            Problem.UNEXPECTED_VALUE_TYPE,
            expected=("valueInteger", "valueCodeableConcept", "left/right components"),
            found=_found(observation),
        )
    return _grade(observation, config)


def _worst(
    graded: list[ObservationComponent | Observation], config: MappingConfig
) -> int | NoValue:
    """The worst grade. A side that could not be graded might be the worse one, so the result
    is unknown unless a known grade is already the worst possible, 4."""
    grades = [
        NoValue(NoValueKind.SIDE_NOT_GRADED, _concept_text(element.dataAbsentReason))
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
            raise UnreadableValue(Problem.GRADE_OUT_OF_RANGE, found=str(element.valueInteger))
        return element.valueInteger
    if element.valueCodeableConcept is not None:
        return _answer(element.valueCodeableConcept, config.goutallier_answers)
    raise UnreadableValue(
        Problem.SIDE_WITHOUT_VALUE, expected=("valueInteger", "valueCodeableConcept")
    )


def _answer(concept: CodeableConcept, answers: Mapping[Code, T | Unknown]) -> T | NoValue:
    """The meaning of a coded answer. Codings that disagree are refused, not ranked."""
    meanings = {answers[code] for code in codes_in(concept) if code in answers}
    if not meanings:
        raise UnreadableValue(Problem.ANSWER_NOT_IN_CONTRACT, found=_concept_text(concept))
    if len(meanings) > 1:
        raise UnreadableValue(Problem.ANSWERS_DISAGREE, found=_concept_text(concept))
    (meaning,) = meanings
    if isinstance(meaning, Unknown):
        return NoValue(NoValueKind.UNKNOWN_ANSWER, _concept_text(concept))
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


def _found(observation: Observation) -> str | None:
    """The value field the Observation has instead, if any."""
    return next((n for n in _VALUE_FIELDS if getattr(observation, n, None) is not None), None)


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
