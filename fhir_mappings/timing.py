"""When a reading or a procedure happened, and whether a reading falls in its window.

FHIR dates come as a day (``2024-03-01``), an instant with a time zone, or a partial date
(``2024-03``, ``2024``). A partial date cannot say whether imaging came before or after the
procedure, so it places nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

#: The largest offset of a local time from UTC (UTC+14, Line Islands): a date-only record
#: dated later than the date there at ``now`` is dated in the future everywhere.
LATEST_UTC_OFFSET = timedelta(hours=14)


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


def is_after(moment: Moment, now: datetime) -> bool:
    """Whether ``moment`` lies after ``now`` (timezone-aware): a record dated in the future.
    With a time of day it is compared as an instant; a date alone only once it is later than
    the date anywhere on Earth, so that no time zone makes today's record look future."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if moment.instant is not None and moment.instant.tzinfo is not None:
        return moment.instant > now
    return moment.day > (now.astimezone(UTC) + LATEST_UTC_OFFSET).date()


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
