"""Findings in, risk out: the logistic model, its nomogram points and its uncertainty range."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .model import Level, Model, Predictor, Value

#: The nomogram convention of R's ``rms``: the predictor with the widest range of effect
#: spans 0 to 100 points; each predictor's lowest-risk level scores 0.
POINTS_FOR_WIDEST_PREDICTOR = 100.0


class InputError(ValueError):
    """The findings given do not fit the model; the message says which and why."""


@dataclass(frozen=True)
class Interval:
    """A closed interval; a point estimate is an interval with ``low == high``."""

    low: float
    high: float

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high)


class RiskTier(StrEnum):
    LOW = "low"
    HIGH = "high"
    #: The range spans the threshold: the missing findings decide the tier.
    INDETERMINATE = "indeterminate"


@dataclass(frozen=True)
class RiskTiers:
    """Where the upper tier (the alert) starts. The model file gives the default (for Li 2021:
    20%, chosen from the decision curve and the alert burden of a cohort shaped like the
    study's; docs/model-derivation.md section 4); a site may set its own."""

    high_from: float
    #: The derivation cohort's event rate, the average the card compares a risk with.
    cohort_average: float = 0.138
    #: Whether ``high_from`` is the model file's default, so that a card may call it the
    #: service's threshold; False for any other threshold a site sets.
    is_model_default: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.high_from < 1.0:
            raise ValueError(f"high-risk threshold must lie in (0, 1), got {self.high_from}")

    @property
    def is_cohort_average(self) -> bool:
        """Whether the threshold is the study cohort's average risk (to a tenth of a percent,
        as it is printed)."""
        return abs(self.high_from - self.cohort_average) < 0.0005

    @classmethod
    def for_model(cls, model: Model, threshold: float | None = None) -> RiskTiers:
        """The model file's default threshold, or a site's ``threshold``."""
        default = model.risk_threshold.default
        high_from = default if threshold is None else threshold
        return cls(
            high_from=high_from,
            cohort_average=model.cohort_event_rate,
            is_model_default=high_from == default,
        )

    def classify(self, probability: Interval) -> RiskTier:
        if probability.low >= self.high_from:
            return RiskTier.HIGH
        if probability.high < self.high_from:
            return RiskTier.LOW
        return RiskTier.INDETERMINATE


@dataclass(frozen=True)
class FactorResult:
    """One predictor's part in the estimate. ``value`` is ``None`` when it was unknown."""

    name: str
    label: str
    value: Value | None
    level: str | None
    contribution: Interval
    points: Interval

    @property
    def is_unknown(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class RiskEstimate:
    model_id: str
    model_version: str
    probability: Interval
    linear_predictor: Interval
    total_points: Interval
    factors: tuple[FactorResult, ...]
    tier: RiskTier

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors if f.is_unknown)


@dataclass(frozen=True)
class PointsScale:
    """Nomogram points in the rms convention, and the way back from total points to the
    linear predictor. The one place the points formula lives: ``predict`` and the nomogram's
    drawing both use it."""

    #: Points per unit of the linear predictor.
    per_unit: float
    #: The linear predictor of a patient with 0 total points (every lowest-risk level).
    offset: float

    @classmethod
    def for_model(cls, model: Model) -> PointsScale:
        widest = max(p.effect_range for p in model.predictors)
        return cls(
            per_unit=POINTS_FOR_WIDEST_PREDICTOR / widest,
            offset=model.intercept + sum(p.lowest_coefficient for p in model.predictors),
        )

    def points(self, predictor: Predictor, coefficient: float) -> float:
        return (coefficient - predictor.lowest_coefficient) * self.per_unit

    def linear_predictor(self, total_points: float) -> float:
        return self.offset + total_points / self.per_unit

    def total_points(self, linear_predictor: float) -> float:
        return (linear_predictor - self.offset) * self.per_unit


def logistic(x: float) -> float:
    """1 / (1 + e^-x) without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def predict(model: Model, findings: Mapping[str, Value | None], tiers: RiskTiers) -> RiskEstimate:
    """Estimate the risk. Unknown findings (``None``) widen the result to a range that
    covers every value they could take; they are never assumed absent."""
    _check_names(model, findings)
    scale = PointsScale.for_model(model)
    factors = tuple(
        _factor(predictor, findings[predictor.name], scale) for predictor in model.predictors
    )
    linear_predictor = Interval(model.intercept, model.intercept)
    total_points = Interval(0.0, 0.0)
    for factor in factors:
        linear_predictor += factor.contribution
        total_points += factor.points
    # The logistic function is increasing, so the range of the linear predictor maps
    # straight onto the range of the probability.
    probability = Interval(logistic(linear_predictor.low), logistic(linear_predictor.high))
    return RiskEstimate(
        model_id=model.id,
        model_version=model.version,
        probability=probability,
        linear_predictor=linear_predictor,
        total_points=total_points,
        factors=factors,
        tier=tiers.classify(probability),
    )


def _check_names(model: Model, findings: Mapping[str, Value | None]) -> None:
    missing = sorted(model.input_names - findings.keys())
    unexpected = sorted(findings.keys() - model.input_names)
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)} (pass None for an unknown finding)")
        if unexpected:
            parts.append(f"unexpected {', '.join(unexpected)}")
        raise InputError(f"findings do not match model {model.id}: {'; '.join(parts)}")


def _factor(predictor: Predictor, value: Value | None, scale: PointsScale) -> FactorResult:
    def points(coefficient: float) -> float:
        return scale.points(predictor, coefficient)

    if value is None:
        low, high = predictor.lowest_coefficient, predictor.highest_coefficient
        return FactorResult(
            name=predictor.name,
            label=predictor.label,
            value=None,
            level=None,
            contribution=Interval(low, high),
            points=Interval(points(low), points(high)),
        )
    level = level_of(predictor, value)
    return FactorResult(
        name=predictor.name,
        label=predictor.label,
        value=value,
        level=level.label,
        contribution=Interval(level.coefficient, level.coefficient),
        points=Interval(points(level.coefficient), points(level.coefficient)),
    )


def level_of(predictor: Predictor, value: Value) -> Level:
    if (level := predictor.level_of(value)) is not None:
        return level
    allowed = ", ".join(repr(v) for v in predictor.domain)
    raise InputError(
        f"{predictor.name}: {value!r} is not a possible value; expected one of {allowed}, "
        "or None if unknown"
    )
