"""The prediction model as data: load, validate and describe a versioned model file.

This package is the scoring core. Like Flask's ``sansio`` layer it does no I/O beyond
reading the model file at start-up and knows nothing of HTTP, FHIR or the environment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

#: The model file format this code understands. A file stamped with another version is
#: refused rather than read with a best guess: a misread coefficient is a wrong risk.
SCHEMA_VERSION = 1

DEFAULT_MODEL = "li2021.json"

#: A finding's value as the model file spells it: a boolean, a Goutallier grade, a code.
Value = bool | int | str


class ModelError(ValueError):
    """The model file is unreadable or inconsistent; the message says where."""


@dataclass(frozen=True)
class Level:
    """One category of a predictor: the values it groups and its coefficient."""

    label: str
    values: tuple[Value, ...]
    coefficient: float
    is_reference: bool

    def includes(self, value: Value) -> bool:
        # Compare types too: in Python True == 1, but a Goutallier grade is never a boolean.
        return any(type(value) is type(v) and value == v for v in self.values)


@dataclass(frozen=True)
class Predictor:
    """What follows from the levels is worked out once, at first use: every estimate reads
    it (a frozen instance never changes, and ``dataclasses.replace`` makes a new one)."""

    name: str
    label: str
    levels: tuple[Level, ...]

    @cached_property
    def reference(self) -> Level:
        return next(level for level in self.levels if level.is_reference)

    @cached_property
    def domain(self) -> tuple[Value, ...]:
        return tuple(v for level in self.levels for v in level.values)

    @cached_property
    def lowest_coefficient(self) -> float:
        return min(level.coefficient for level in self.levels)

    @cached_property
    def highest_coefficient(self) -> float:
        return max(level.coefficient for level in self.levels)

    @cached_property
    def effect_range(self) -> float:
        return self.highest_coefficient - self.lowest_coefficient

    def level_of(self, value: Value) -> Level | None:
        """The level that includes ``value`` (as :meth:`Level.includes` judges), if any."""
        try:
            return self._levels_by_value.get((type(value), value))
        except TypeError:  # unhashable, so not a value of any level
            return None

    @cached_property
    def _levels_by_value(self) -> dict[tuple[type, Value], Level]:
        # Keyed by type too: in Python True == 1, but a Goutallier grade is never a boolean.
        # The first level that includes a value wins, as a walk through the levels finds it.
        by_value: dict[tuple[type, Value], Level] = {}
        for level in self.levels:
            for value in level.values:
                by_value.setdefault((type(value), value), level)
        return by_value


@dataclass(frozen=True)
class OutcomeAssessment:
    """One point after the procedure at which the derivation study measured the outcome."""

    label: str
    after_procedure: timedelta


@dataclass(frozen=True)
class DerivationGroup:
    """One outcome group of the derivation cohort: its size and, per predictor, how many of
    its patients had each level (by level label)."""

    label: str
    size: int
    level_counts: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class DerivationCounts:
    """The derivation cohort as the paper tabulates it, one finding at a time, per group."""

    groups: tuple[DerivationGroup, ...]
    #: A combination of findings estimated in fewer derivation patients than this is rare.
    rare_below: float


class ThresholdBasis(StrEnum):
    #: The derivation cohort's event rate: "high" means above the study cohort's average risk.
    COHORT_EVENT_RATE = "cohort-event-rate"
    #: Chosen from the decision curve and alert burden of a cohort shaped like the study's.
    DECISION_CURVE = "decision-curve"
    OTHER = "other"


@dataclass(frozen=True)
class RiskThreshold:
    """The model file's default boundary of the upper risk tier, and its basis."""

    default: float
    basis: ThresholdBasis


@dataclass(frozen=True)
class Model:
    """A fitted logistic model: coefficients apart, the whole file kept for provenance."""

    id: str
    version: str
    title: str
    short_title: str
    intercept: float
    predictors: tuple[Predictor, ...]
    cohort_size: int
    cohort_events: int
    derivation_counts: DerivationCounts
    risk_threshold: RiskThreshold
    document: Mapping[str, Any]

    @cached_property
    def input_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.predictors)

    @property
    def cohort_event_rate(self) -> float:
        return self.cohort_events / self.cohort_size

    @property
    def model_card(self) -> Mapping[str, Any]:
        return self.document["model_card"]

    @property
    def performance(self) -> Mapping[str, Any]:
        return self.document["performance"]

    @property
    def outcome(self) -> Mapping[str, Any]:
        return self.document["outcome"]

    @property
    def recalibration(self) -> Mapping[str, Any] | None:
        """How a site recalibrated the model, or None for the model as published. The fitted
        values are already in ``intercept`` and the coefficients; the block keeps the originals."""
        return self.document.get("recalibration")

    @cached_property
    def follow_up(self) -> tuple[OutcomeAssessment, ...]:
        """The study's outcome assessments in order; the last is the predicted outcome's."""
        return tuple(
            OutcomeAssessment(item["label"], timedelta(hours=item["hours_after_procedure"]))
            for item in self.outcome["assessments"]
        )


def _schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("model.schema.json").read_text())


def load_model(path: str | Path | None = None) -> Model:
    """Read, validate and build the model; ``None`` loads the packaged Li 2021 model."""
    if path is None:
        text = resources.files(__package__).joinpath(DEFAULT_MODEL).read_text()
        origin = DEFAULT_MODEL
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"cannot read model file {path}: {exc.strerror}") from exc
        origin = str(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{origin}: not JSON: {exc}") from exc
    return model_from_document(document, origin)


def model_from_document(document: Any, origin: str = "model") -> Model:
    _check_schema_version(document, origin)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_schema()).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ModelError(f"{origin}: {where}: {error.message}")
    predictors = tuple(_predictor(p, origin) for p in document["predictors"])
    _check_unique_names(predictors, origin)
    cohort = document["derivation_cohort"]
    if cohort["events"] >= cohort["size"]:
        raise ModelError(f"{origin}: derivation_cohort: events must be fewer than size")
    _check_events_per_variable(cohort, predictors, origin)
    return Model(
        id=document["id"],
        version=document["version"],
        title=document["title"],
        short_title=document["short_title"],
        intercept=document["intercept"]["coefficient"],
        predictors=predictors,
        cohort_size=cohort["size"],
        cohort_events=cohort["events"],
        derivation_counts=_derivation_counts(
            document["derivation_counts"], predictors, cohort, origin
        ),
        risk_threshold=_risk_threshold(document["risk_threshold"], cohort, origin),
        document=document,
    )


def _check_events_per_variable(
    cohort: Mapping[str, Any], predictors: tuple[Predictor, ...], origin: str
) -> None:
    coefficients = sum(not level.is_reference for p in predictors for level in p.levels)
    actual = round(cohort["events"] / coefficients, 1)
    if cohort["events_per_variable"] != actual:
        raise ModelError(
            f"{origin}: derivation_cohort/events_per_variable: {cohort['events_per_variable']} "
            f"but {cohort['events']} events over {coefficients} coefficients is {actual}"
        )


def _derivation_counts(
    spec: Mapping[str, Any],
    predictors: tuple[Predictor, ...],
    cohort: Mapping[str, Any],
    origin: str,
) -> DerivationCounts:
    """The per-group level counts, checked against the predictors and the cohort size: a count
    that does not add up would make every rarity estimate wrong."""
    groups = tuple(
        DerivationGroup(group["label"], group["size"], group["levels"]) for group in spec["groups"]
    )
    if sum(group.size for group in groups) != cohort["size"]:
        raise ModelError(f"{origin}: derivation_counts: group sizes do not add up to the cohort's")
    for index, group in enumerate(groups):
        where = f"{origin}: derivation_counts/groups/{index}"
        if set(group.level_counts) != {p.name for p in predictors}:
            raise ModelError(f"{where}: levels must list exactly the model's predictors")
        for predictor in predictors:
            counts = group.level_counts[predictor.name]
            if set(counts) != {level.label for level in predictor.levels}:
                raise ModelError(f"{where}: {predictor.name}: must count each of its levels")
            if sum(counts.values()) != group.size:
                raise ModelError(f"{where}: {predictor.name}: counts do not add up to the size")
    return DerivationCounts(groups, spec["rare_below"])


def _risk_threshold(
    spec: Mapping[str, Any], cohort: Mapping[str, Any], origin: str
) -> RiskThreshold:
    basis = ThresholdBasis(spec["basis"])
    event_rate = cohort["events"] / cohort["size"]
    # The default is printed to a tenth of a percent; "the cohort's event rate" must be that.
    if basis is ThresholdBasis.COHORT_EVENT_RATE and abs(spec["default"] - event_rate) > 0.0005:
        raise ModelError(
            f"{origin}: risk_threshold/default: {spec['default']} is not the cohort's event "
            f"rate {event_rate:.4f}, so its basis cannot be cohort-event-rate"
        )
    return RiskThreshold(spec["default"], basis)


def _check_schema_version(document: Any, origin: str) -> None:
    found = document.get("schema_version") if isinstance(document, dict) else None
    if found != SCHEMA_VERSION:
        raise ModelError(
            f"{origin}: schema_version is {found!r}; this release reads only {SCHEMA_VERSION}"
        )


def _predictor(spec: Mapping[str, Any], origin: str) -> Predictor:
    levels = tuple(
        Level(
            label=level["label"],
            values=tuple(level["values"]),
            coefficient=level.get("coefficient", 0.0),
            is_reference=level.get("reference", False),
        )
        for level in spec["levels"]
    )
    where = f"{origin}: predictor {spec['name']!r}"
    if sum(level.is_reference for level in levels) != 1:
        raise ModelError(f"{where}: exactly one level must be the reference")
    seen: list[Value] = []
    for level in levels:
        for value in level.values:
            if any(type(value) is type(v) and value == v for v in seen):
                raise ModelError(f"{where}: value {value!r} belongs to more than one level")
            seen.append(value)
    return Predictor(name=spec["name"], label=spec["label"], levels=levels)


def _check_unique_names(predictors: tuple[Predictor, ...], origin: str) -> None:
    names = [p.name for p in predictors]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ModelError(f"{origin}: predictor names repeated: {', '.join(duplicates)}")
