"""Where each part of the nomogram goes on the page, and the patient's place on it.

The geometry (points, ticks) is the scoring core's; this module only lays it out. Horizontal
positions are percentages of the picture's width, so the SVG fills a sidebar or a screen with
text at its normal size; each axis is one row of fixed height.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from scoring import Axis, Interval, Nomogram, RiskEstimate, RiskTiers

from ..wording import card_risk_text, threshold_percent

ROW_HEIGHT = 62
#: The axes' ends, in percent of the width: room for labels anchored at either end.
LEFT, RIGHT = 3.0, 97.0
#: Tick labels closer than this (percent of the width) to the previous one are marked minor:
#: the stylesheet hides them at sidebar width, where they would overlap.
MIN_LABEL_GAP = 10.0


@dataclass(frozen=True)
class TickMark:
    x: float
    label: str
    anchor: str
    minor: bool = False
    chosen: bool = False


@dataclass(frozen=True)
class AxisRow:
    """One axis: its title, the patient's value on it, ticks, and a marker (a point) or a
    band (the range an unknown finding implies)."""

    key: str
    title: str
    status: str | None
    y: int
    line: tuple[float, float]
    ticks: tuple[TickMark, ...]
    marker: float | None = None
    band: tuple[float, float] | None = None
    #: Where the card's upper tier starts, on the risk axis.
    threshold: float | None = None


@dataclass(frozen=True)
class Drawing:
    rows: tuple[AxisRow, ...]
    height: int
    #: Vertical guides through the total-points, linear-predictor and risk axes at the
    #: patient's total (two for a range), and where they start and end.
    guides: tuple[float, ...]
    guide_span: tuple[int, int]


Format = Callable[[float], str]


def interval_text(interval: Interval, fmt: Format, between: str = "-") -> str:
    if interval.is_point:
        return fmt(interval.low)
    return f"{fmt(interval.low)}{between}{fmt(interval.high)}"


def whole(x: float) -> str:
    return f"{x:.0f}"


def layout(drawn: Nomogram, estimate: RiskEstimate, tiers: RiskTiers) -> Drawing:
    def on_points(points: float) -> float:
        return LEFT + (RIGHT - LEFT) * points / 100.0

    def on_total(total: float) -> float:
        return LEFT + (RIGHT - LEFT) * total / drawn.total_points_end

    rows: list[AxisRow] = [
        _axis_row("points", drawn.points_axis, None, 0, on_points, whole, (0.0, 100.0))
    ]
    factors = {factor.name: factor for factor in estimate.factors}
    for row in drawn.rows:
        factor = factors[row.name]
        y = len(rows) * ROW_HEIGHT
        ticks = [
            TickMark(
                on_points(c.points),
                c.label,
                _anchor(on_points(c.points)),
                chosen=c.label == factor.level,
            )
            for c in row.categories
        ]
        low, high = row.points_range
        line = (on_points(low), on_points(high))
        if factor.is_unknown:
            status = f"unknown: {whole(low)}-{whole(high)} points"
            axis_row = AxisRow(row.name, row.label, status, y, line, tuple(_thin(ticks)), band=line)
        else:
            status = f"{factor.level}: {whole(factor.points.low)} points"
            marker = on_points(factor.points.low)
            axis_row = AxisRow(row.name, row.label, status, y, line, tuple(_thin(ticks)), marker)
        rows.append(axis_row)
    total = estimate.total_points
    patient = (
        {"marker": on_total(total.low)}
        if total.is_point
        else {"band": (on_total(total.low), on_total(total.high))}
    )
    guides_from = len(rows) * ROW_HEIGHT
    end = drawn.max_total_points
    for key, axis, status, fmt, line in (
        (
            "total-points",
            drawn.total_points_axis,
            interval_text(total, whole),
            whole,
            (0.0, drawn.total_points_end),
        ),
        (
            "linear-predictor",
            drawn.linear_predictor_axis,
            # "-0.21 to 0.59": a hyphen between signed numbers would read as a minus.
            interval_text(estimate.linear_predictor, lambda x: f"{x:.2f}", " to "),
            lambda x: f"{x:g}",
            (0.0, end),
        ),
        (
            "risk",
            drawn.probability_axis,
            # The risk as the card writes it.
            card_risk_text(estimate.probability),
            lambda p: f"{p * 100:g}%",
            (0.0, end),
        ),
    ):
        rows.append(
            _axis_row(key, axis, status, len(rows) * ROW_HEIGHT, on_total, fmt, line, **patient)
        )
    rows[-1] = _with_threshold(rows[-1], drawn, tiers, on_total)
    height = len(rows) * ROW_HEIGHT + 8
    guides = (
        (on_total(total.low),) if total.is_point else (on_total(total.low), on_total(total.high))
    )
    return Drawing(tuple(rows), height, guides, (guides_from + 30, height - 24))


def _with_threshold(
    risk_row: AxisRow, drawn: Nomogram, tiers: RiskTiers, on_total: Callable[[float], float]
) -> AxisRow:
    """Mark where the card's upper tier starts, when a patient can reach it."""
    if not drawn.reaches(tiers.high_from):
        return risk_row
    return replace(
        risk_row,
        status=f"{risk_row.status} (alert from {threshold_percent(tiers.high_from)})",
        threshold=on_total(drawn.position_of_risk(tiers.high_from)),
    )


def _axis_row(
    key: str,
    axis: Axis,
    status: str | None,
    y: int,
    place: Callable[[float], float],
    fmt: Format,
    line: tuple[float, float],
    marker: float | None = None,
    band: tuple[float, float] | None = None,
) -> AxisRow:
    ticks = [
        TickMark(place(t.position), fmt(t.value), _anchor(place(t.position))) for t in axis.ticks
    ]
    return AxisRow(
        key,
        axis.label,
        status,
        y,
        (place(line[0]), place(line[1])),
        tuple(_thin(ticks)),
        marker,
        band,
    )


def _anchor(x: float) -> str:
    """Labels at either end of an axis are anchored inwards so they are not cut off."""
    if x < LEFT + 5:
        return "start"
    if x > RIGHT - 5:
        return "end"
    return "middle"


def _thin(ticks: list[TickMark]) -> list[TickMark]:
    kept: float | None = None
    thinned = []
    for tick in sorted(ticks, key=lambda t: t.x):
        minor = kept is not None and tick.x - kept < MIN_LABEL_GAP and not tick.chosen
        thinned.append(TickMark(tick.x, tick.label, tick.anchor, minor, tick.chosen))
        if not minor:
            kept = tick.x
    return thinned
