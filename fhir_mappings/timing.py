"""When a reading or a procedure happened, and whether a reading falls in its window.

FHIR dates come as a day (``2024-03-01``), an instant with a time zone, or a partial date
(``2024-03``, ``2024``). A partial date cannot say whether imaging came before or after the
procedure, so it places nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True)
class Moment:
    """A point in time precise to the day; ``instant`` is set when the time of day is known."""

    day: date
    instant: datetime | None
    text: str

    @property
    def sort_key(self) -> tuple[date, bool, float]:
        return (self.day, self.instant is not None, self.instant.timestamp() if self.instant else 0)


def moment_of(value: date | datetime | str | None) -> Moment | None:
    """The moment of a parsed FHIR date/dateTime/instant; None if absent or only a partial date."""
    if isinstance(value, datetime):
        return Moment(day=value.date(), instant=value, text=value.isoformat())
    if isinstance(value, date):
        return Moment(day=value, instant=None, text=value.isoformat())
    return None


class Placement(StrEnum):
    """Where a reading lies relative to its window around the procedure."""

    INSIDE = "inside"
    TOO_EARLY = "too-early"
    TOO_LATE = "too-late"


def before_procedure(reading: Moment, procedure: Moment, lookback_days: int) -> Placement:
    """Pre-operative window: from ``lookback_days`` before the procedure up to the procedure.

    Imaging on the procedure day counts unless both times are known and it came after: the
    pre-operative MRI or CT is often taken that morning."""
    days_before = (procedure.day - reading.day).days
    if days_before > lookback_days:
        return Placement.TOO_EARLY
    if days_before < 0 or (days_before == 0 and _known_after(reading, procedure)):
        return Placement.TOO_LATE
    return Placement.INSIDE


def after_procedure(reading: Moment, procedure: Moment, window_days: int) -> Placement:
    """Post-operative window: from the procedure up to ``window_days`` after it.

    Imaging on the procedure day counts unless both times are known and it came before:
    cement can only be seen once it has been injected."""
    days_after = (reading.day - procedure.day).days
    if days_after > window_days:
        return Placement.TOO_LATE
    if days_after < 0 or (days_after == 0 and _known_after(procedure, reading)):
        return Placement.TOO_EARLY
    return Placement.INSIDE


def _known_after(first: Moment, second: Moment) -> bool:
    """Whether ``first`` is known to be strictly after ``second`` (both times known)."""
    return (
        first.instant is not None and second.instant is not None and first.instant > second.instant
    )
