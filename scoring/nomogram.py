"""The nomogram's geometry (the paper's Figure 7), computed from the model: what to draw and
where, not how. Points come from ``PointsScale``, the same scale ``predict`` uses, so a
recalibrated model file redraws its own picture.

Two scales, as in R's ``rms``: the points axis and one row per predictor run from 0 to 100
points; the total-points, linear-predictor and probability axes share the total-points scale,
from 0 to the end of the total-points axis.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from .model import Model, Value
from .predict import (
    POINTS_FOR_WIDEST_PREDICTOR,
    PointsScale,
    RiskEstimate,
    RiskTiers,
    logistic,
    predict,
)

#: Probabilities labelled on the probability axis, where the model can reach them.
PROBABILITY_TICKS = (
    0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99,
)  # fmt: skip

#: At most this many intervals between labelled ticks of a numeric axis, so that the labels
#: stay legible in an EHR sidebar.
MAX_INTERVALS = 7


@dataclass(frozen=True)
class Tick:
    """A labelled tick: the axis's own value and where it stands on the axis's scale."""

    value: float
    position: float


@dataclass(frozen=True)
class Axis:
    label: str
    ticks: tuple[Tick, ...]


@dataclass(frozen=True)
class Category:
    """One level of a predictor on its points row."""

    label: str
    values: tuple[Value, ...]
    points: float


@dataclass(frozen=True)
class PointsRow:
    name: str
    label: str
    categories: tuple[Category, ...]

    @property
    def points_range(self) -> tuple[float, float]:
        """The points an unknown finding could score."""
        points = [category.points for category in self.categories]
        return min(points), max(points)


@dataclass(frozen=True)
class Nomogram:
    scale: PointsScale
    points_axis: Axis
    rows: tuple[PointsRow, ...]
    #: The highest total a patient can score, and where the total-points axis ends (a round
    #: number at or above it).
    max_total_points: float
    total_points_end: float
    total_points_axis: Axis
    linear_predictor_axis: Axis
    probability_axis: Axis

    def position_of_risk(self, probability: float) -> float:
        """Where on the total-points scale the model reaches ``probability``."""
        return self.scale.total_points(_logit(probability))

    def reaches(self, probability: float) -> bool:
        """Whether some patient's risk can be ``probability``."""
        return 0.0 <= self.position_of_risk(probability) <= self.max_total_points


@dataclass(frozen=True)
class Possibility:
    """One way the unknown findings could turn out: a level for each (finding name, level
    label, in the model's order) and the estimate the findings so completed give."""

    levels: tuple[tuple[str, str], ...]
    estimate: RiskEstimate


def possibilities(
    model: Model, estimate: RiskEstimate, tiers: RiskTiers
) -> tuple[Possibility, ...]:
    """Where the patient of ``estimate`` could stand on the nomogram: one place per combination
    of the unknown findings' levels, lowest total first. An unknown finding takes one of its
    levels, so the risk takes only these values, not every value between the lowest and the
    highest; with every finding known, the one place is the estimate's own."""
    findings = {factor.name: factor.value for factor in estimate.factors}
    unknown = [
        [(p.name, level) for level in p.levels]
        for p in model.predictors
        if findings[p.name] is None
    ]
    found = []
    for combination in itertools.product(*unknown):
        # One value stands for its level: every value of a level has its coefficient.
        completed = {**findings, **{name: level.values[0] for name, level in combination}}
        found.append(
            Possibility(
                tuple((name, level.label) for name, level in combination),
                predict(model, completed, tiers),
            )
        )
    return tuple(sorted(found, key=lambda place: place.estimate.total_points.low))


def nomogram(model: Model) -> Nomogram:
    scale = PointsScale.for_model(model)
    rows = tuple(
        PointsRow(
            name=predictor.name,
            label=predictor.label,
            categories=tuple(
                Category(level.label, level.values, scale.points(predictor, level.coefficient))
                for level in predictor.levels
            ),
        )
        for predictor in model.predictors
    )
    max_total = sum(row.points_range[1] for row in rows)
    step = nice_step(max_total)
    total_end = math.ceil(max_total / step - 1e-9) * step
    low_lp, high_lp = scale.linear_predictor(0.0), scale.linear_predictor(max_total)
    return Nomogram(
        scale=scale,
        points_axis=Axis("Points", _linear_ticks(0.0, POINTS_FOR_WIDEST_PREDICTOR)),
        rows=rows,
        max_total_points=max_total,
        total_points_end=total_end,
        total_points_axis=Axis("Total points", _linear_ticks(0.0, total_end)),
        linear_predictor_axis=Axis(
            "Linear predictor",
            tuple(
                Tick(tick.value, scale.total_points(tick.value))
                for tick in _linear_ticks(low_lp, high_lp)
            ),
        ),
        probability_axis=Axis(
            "Risk",
            tuple(
                Tick(p, scale.total_points(_logit(p)))
                for p in PROBABILITY_TICKS
                if logistic(low_lp) <= p <= logistic(high_lp)
            ),
        ),
    )


def nice_step(span: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that cuts ``span`` into at most
    ``MAX_INTERVALS`` intervals."""
    if span <= 0:
        raise ValueError(f"an axis needs a positive span, got {span}")
    power = 10.0 ** math.floor(math.log10(span / MAX_INTERVALS))
    for multiple in (1.0, 2.0, 5.0):
        if span / (multiple * power) <= MAX_INTERVALS:
            return multiple * power
    # span / power < 10 * MAX_INTERVALS by the choice of power, so ten times it always fits.
    return 10.0 * power


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _linear_ticks(low: float, high: float) -> tuple[Tick, ...]:
    """Ticks at multiples of a nice step within [low, high], placed at their own value."""
    step = nice_step(high - low)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    # Round away float noise (0.30000000000000004) so labels read as written.
    values = (round(k * step, 10) for k in range(first, last + 1))
    return tuple(Tick(value, value) for value in values)
