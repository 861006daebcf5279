"""Where each part of the nomogram goes on the page, and the patient's place on it.

The geometry (points, ticks) is the scoring core's; this module only lays it out. Horizontal
positions are percentages of the picture's width, so the SVG fills a sidebar or a screen with
text at its normal size; each axis is one row of fixed height.

An unknown finding takes one of its levels, so a patient with unknown findings stands at one
of a few places, one per combination of their levels (``scoring.possibilities``): each is
drawn as an open dot, never as a band that would offer every value between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from scoring import Axis, Nomogram, Possibility, RiskEstimate, RiskTiers

from ..wording import either, threshold_percent, whole_percent

ROW_HEIGHT = 62
#: The axes' ends, in percent of the width: room for labels anchored at either end.
LEFT, RIGHT = 3.0, 97.0
#: Tick labels closer than this (percent of the width) to the previous one are marked minor:
#: the stylesheet hides them at sidebar width, where they would overlap.
MIN_LABEL_GAP = 10.0
#: An axis's status lists the values the patient could have up to this many (two unknown
#: findings of two levels give four); past it, their ends and how many: a longer list runs
#: off the picture at sidebar width.
MAX_LISTED = 4


@dataclass(frozen=True)
class TickMark:
    x: float
    label: str
    anchor: str
    minor: bool = False
    chosen: bool = False


@dataclass(frozen=True)
class Marker:
    """A place on an axis: the patient's (filled), or one of the places unknown findings allow
    (open, ``possible``). ``title`` says what puts the patient there."""

    x: float
    title: str
    possible: bool = False


@dataclass(frozen=True)
class AxisRow:
    """One axis: its title, the patient's value on it, ticks, and the patient's place(s)."""

    key: str
    title: str
    status: str | None
    y: int
    line: tuple[float, float]
    ticks: tuple[TickMark, ...]
    markers: tuple[Marker, ...] = ()
    #: Where the card's upper tier starts, on the risk axis.
    threshold: float | None = None


@dataclass(frozen=True)
class Drawing:
    rows: tuple[AxisRow, ...]
    height: int
    #: Vertical guides through the total-points, linear-predictor and risk axes at each place
    #: the patient could stand, and where they start and end.
    guides: tuple[float, ...]
    guide_span: tuple[int, int]


Format = Callable[[float], str]
#: How an axis writes the value of a place the patient could stand at.
Shown = Callable[[RiskEstimate], str]


def whole(x: float) -> str:
    return f"{x:.0f}"


def listed(values: Sequence[str]) -> str:
    """The values a patient could have, one per place, lowest first, as an axis's status gives
    them: "8% or 17%" (places that read alike once); past ``MAX_LISTED``, their ends and how
    many, so that nothing reads as a span."""
    if len(values) <= MAX_LISTED:
        return either(dict.fromkeys(values))
    return f"one of {len(values)} values from {values[0]} to {values[-1]}"


def levels_text(place: Possibility, estimate: RiskEstimate) -> str:
    """The unknown findings' levels that put the patient at ``place``."""
    labels = {factor.name: factor.label for factor in estimate.factors}
    return ", ".join(f"{labels[name]}: {level}" for name, level in place.levels)


def layout(
    drawn: Nomogram, estimate: RiskEstimate, tiers: RiskTiers, places: Sequence[Possibility]
) -> Drawing:
    """The nomogram with the patient's place on it; ``places`` are ``scoring.possibilities``
    of ``estimate``: one when every finding is known."""

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
            categories = sorted(row.categories, key=lambda c: c.points)
            status = f"unknown: {listed([whole(c.points) for c in categories])} points"
            markers = tuple(
                Marker(on_points(c.points), f"{c.label}: {whole(c.points)} points", possible=True)
                for c in categories
            )
        else:
            points = whole(factor.points.low)
            status = f"{factor.level}: {points} points"
            markers = (Marker(on_points(factor.points.low), f"{factor.level}: {points} points"),)
        rows.append(AxisRow(row.name, row.label, status, y, line, tuple(_thin(ticks)), markers))
    guides_from = len(rows) * ROW_HEIGHT
    end = drawn.max_total_points
    # Each axis sharing the total-points scale: its tick labels, how it writes the patient's
    # value (the linear predictor signed to two decimals, the risk as the card does) and the
    # value's unit in a marker's title.
    shared: tuple[tuple[str, Axis, Format, tuple[float, float], Shown, str], ...] = (
        (
            "total-points",
            drawn.total_points_axis,
            whole,
            (0.0, drawn.total_points_end),
            lambda e: whole(e.total_points.low),
            " points",
        ),
        (
            "linear-predictor",
            drawn.linear_predictor_axis,
            lambda x: f"{x:g}",
            (0.0, end),
            lambda e: f"{e.linear_predictor.low:.2f}",
            "",
        ),
        (
            "risk",
            drawn.probability_axis,
            lambda p: f"{p * 100:g}%",
            (0.0, end),
            lambda e: whole_percent(e.probability.low),
            "",
        ),
    )
    for key, axis, tick_format, line, shown, unit in shared:
        status = listed([shown(place.estimate) for place in places])
        markers = _places_on_axis(places, estimate, shown, unit, on_total)
        y = len(rows) * ROW_HEIGHT
        rows.append(_axis_row(key, axis, status, y, on_total, tick_format, line, markers))
    rows[-1] = _with_threshold(rows[-1], drawn, tiers, on_total)
    height = len(rows) * ROW_HEIGHT + 8
    # Past a few places, guides would hide the axes' labels; the dots line up on their own.
    guides = tuple(marker.x for marker in rows[-1].markers) if len(places) <= MAX_LISTED else ()
    return Drawing(tuple(rows), height, guides, (guides_from + 30, height - 24))


def _places_on_axis(
    places: Sequence[Possibility],
    estimate: RiskEstimate,
    shown: Shown,
    unit: str,
    on_total: Callable[[float], float],
) -> tuple[Marker, ...]:
    """One marker per place on a shared-scale axis; places that fall on the same spot share
    one, whose title names each."""
    if len(places) == 1:
        (place,) = places
        return (Marker(on_total(place.estimate.total_points.low), shown(place.estimate) + unit),)
    spots: dict[str, list[Possibility]] = {}
    for place in places:
        spots.setdefault(f"{on_total(place.estimate.total_points.low):.2f}", []).append(place)
    return tuple(
        Marker(
            float(x),
            f"{shown(group[0].estimate)}{unit} with "
            + ", or with ".join(levels_text(place, estimate) for place in group),
            possible=True,
        )
        for x, group in spots.items()
    )


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
    markers: tuple[Marker, ...] = (),
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
        markers,
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
