"""The outcome of a validation: the pain score nearest the model's horizon (one month, from
the model file), within a window around it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from scoring import Model

#: Half-width of the outcome window. One-month clinic visits rarely fall on day 30; two weeks
#: either side keeps a score a clinician would call "one month" and excludes the 3-day and
#: 3-month ones (docs/validation.md).
DEFAULT_HALF_WIDTH_DAYS = 14

CONFLICTING = "pain scores equally near one month disagree on residual pain"


@dataclass(frozen=True)
class PainScore:
    """A 0-10 pain score and the calendar day it was taken, counted from the procedure's."""

    day: int
    score: float


@dataclass(frozen=True)
class Outcome:
    """The score that decides the outcome, or why there is none."""

    score: float | None
    reason: str | None


@dataclass(frozen=True)
class OutcomeWindow:
    """Calendar days after the procedure's day: ``target`` plus or minus ``half_width``."""

    target: int
    half_width: int
    #: Residual pain from this score up (the model's outcome definition).
    event_threshold: float

    @classmethod
    def for_model(
        cls, model: Model, half_width_days: int = DEFAULT_HALF_WIDTH_DAYS
    ) -> OutcomeWindow:
        if half_width_days < 0:
            raise ValueError(f"the outcome window must be 0 days or more, got {half_width_days}")
        return cls(
            target=model.follow_up[-1].after_procedure // timedelta(days=1),
            half_width=half_width_days,
            event_threshold=model.outcome["event_threshold"],
        )

    @property
    def first_day(self) -> int:
        return self.target - self.half_width

    @property
    def last_day(self) -> int:
        return self.target + self.half_width

    def describe(self) -> str:
        return f"days {self.first_day}-{self.last_day} after the procedure"

    @property
    def no_score_reason(self) -> str:
        return f"no pain score on record {self.describe()}"

    @property
    def outside_reason(self) -> str:
        return f"pain score taken outside {self.describe()}"

    def contains(self, day: int) -> bool:
        return self.first_day <= day <= self.last_day

    def outcome(self, scores: Iterable[PainScore]) -> Outcome:
        """The score nearest the target inside the window. Scores equally near that disagree
        on the outcome leave it unknown rather than picking one."""
        inside = [s for s in scores if self.contains(s.day)]
        if not inside:
            return Outcome(None, self.no_score_reason)
        nearest = min(abs(s.day - self.target) for s in inside)
        tied = [s for s in inside if abs(s.day - self.target) == nearest]
        if len({s.score >= self.event_threshold for s in tied}) > 1:
            return Outcome(None, CONFLICTING)
        return Outcome(tied[-1].score, None)
