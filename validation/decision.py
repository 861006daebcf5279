"""Decision-curve analysis (Vickers and Elkin, Med Decis Making 2006): the net benefit of acting
on the model at each threshold probability, against acting on everyone or no one.

net benefit = TP/n - FP/n x t/(1 - t), treating a patient when the predicted risk is at least
t. Tested against the dcurves package.

The range where the model is useful is read only over the thresholds a clinician could hold
for this decision (``CLINICAL_RANGE``), as Vickers et al. advise (Diagn Progn Res 2019: choose
the range in advance, from the decision, not from the curve), and reported as the contiguous
runs of thresholds where the model beats both defaults, each end flagged when it is the end of
the range examined rather than a crossing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: 1% to 70%, for the figure: wider than the 6%-66% over which the authors found net benefit.
THRESHOLDS = np.round(np.arange(0.01, 0.701, 0.01), 2)
#: The thresholds a clinician could hold for closer pain follow-up after vertebroplasty (a
#: reassessment, an earlier review): from 5% (follow up 19 patients to find one who will
#: still be in pain; below that one would follow up everyone, the cohort's risk being about
#: 14%) to 40% (follow up fewer than two for each one found; a cheap, harmless action is not
#: held back until a patient is that likely to need it).
CLINICAL_RANGE = (0.05, 0.40)
#: Thresholds whose alert burden and net benefit the report tabulates (besides the site's).
TABLE_THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.40)


@dataclass(frozen=True)
class Run:
    """A contiguous run of thresholds; ``open_low``/``open_high`` when the run reaches the end
    of the thresholds examined, so that its true end lies beyond."""

    low: float
    high: float
    open_low: bool
    open_high: bool

    def text(self) -> str:
        low = f"{self.low:.0%}" + (" (the lowest examined)" if self.open_low else "")
        high = f"{self.high:.0%}" + (" (the highest examined)" if self.open_high else "")
        return f"from {low} to {high}"

    def as_json(self) -> dict[str, float | bool]:
        return {
            "from": self.low,
            "to": self.high,
            "from_is_end_of_range_examined": self.open_low,
            "to_is_end_of_range_examined": self.open_high,
        }


@dataclass(frozen=True)
class DecisionCurve:
    thresholds: np.ndarray
    model: np.ndarray
    treat_all: np.ndarray

    def as_json(self) -> dict[str, list[float]]:
        return {
            "thresholds": self.thresholds.tolist(),
            "net_benefit_model": self.model.tolist(),
            "net_benefit_treat_all": self.treat_all.tolist(),
        }

    @property
    def advantage(self) -> np.ndarray:
        """Net benefit of the model over the better of treat-all and treat-none."""
        return self.model - np.maximum(self.treat_all, 0.0)

    def useful_runs(self, within: tuple[float, float] = CLINICAL_RANGE) -> tuple[Run, ...]:
        """The contiguous runs of thresholds in ``within`` where the model beats both
        treat-all and treat-none."""
        return runs(self.thresholds, self.advantage > 0, within)


def runs(
    thresholds: np.ndarray, mask: np.ndarray, within: tuple[float, float] = CLINICAL_RANGE
) -> tuple[Run, ...]:
    """Contiguous runs of ``thresholds`` in ``within`` where ``mask`` holds."""
    inside = (thresholds >= within[0] - 1e-9) & (thresholds <= within[1] + 1e-9)
    examined, held = thresholds[inside], mask[inside]
    found: list[Run] = []
    start: int | None = None
    for index, holds in enumerate([*held, False]):
        if holds and start is None:
            start = index
        elif not holds and start is not None:
            end = index - 1
            found.append(
                Run(
                    float(examined[start]),
                    float(examined[end]),
                    open_low=start == 0,
                    open_high=end == len(examined) - 1,
                )
            )
            start = None
    return tuple(found)


def net_benefit(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    n = len(y)
    treated = p[None, :] >= thresholds[:, None]
    true_positives = (treated & (y[None, :] == 1)).sum(axis=1)
    false_positives = (treated & (y[None, :] == 0)).sum(axis=1)
    return true_positives / n - false_positives / n * thresholds / (1 - thresholds)


def decision_curve(
    y: np.ndarray, p: np.ndarray, thresholds: np.ndarray = THRESHOLDS
) -> DecisionCurve:
    return DecisionCurve(
        thresholds=thresholds,
        model=net_benefit(y, p, thresholds),
        treat_all=net_benefit(y, np.ones_like(p), thresholds),
    )


def advantage_lower_bounds(
    draws: Sequence[tuple[np.ndarray, np.ndarray]], thresholds: np.ndarray = THRESHOLDS
) -> np.ndarray:
    """Per threshold, the 2.5th percentile of the model's advantage over both defaults across
    bootstrap resamples (``draws``: outcome and risk per resample): where it is above 0, the
    advantage holds at the 95% level (one-sided 97.5%)."""
    advantages = np.array([decision_curve(y, p, thresholds).advantage for y, p in draws])
    return np.percentile(advantages, 2.5, axis=0)


@dataclass(frozen=True)
class ThresholdRow:
    """What acting from one threshold means on a cohort: how many flagged (the alert burden),
    how many of those have the outcome, and the net benefits."""

    threshold: float
    flagged: int
    n: int
    true_positives: int
    events: int
    net_benefit_model: float
    net_benefit_treat_all: float

    @property
    def flagged_share(self) -> float:
        return self.flagged / self.n

    def as_json(self) -> dict[str, float | int]:
        return {
            "threshold": self.threshold,
            "flagged": self.flagged,
            "flagged_share": self.flagged_share,
            "true_positives": self.true_positives,
            "events": self.events,
            "net_benefit_model": self.net_benefit_model,
            "net_benefit_treat_all": self.net_benefit_treat_all,
        }


def threshold_table(
    y: np.ndarray, p: np.ndarray, thresholds: Sequence[float]
) -> tuple[ThresholdRow, ...]:
    grid = np.array(sorted(set(thresholds)), dtype=float)
    curve = decision_curve(y, p, grid)
    return tuple(
        ThresholdRow(
            threshold=float(t),
            flagged=int((p >= t).sum()),
            n=len(y),
            true_positives=int(((p >= t) & (y == 1)).sum()),
            events=int(y.sum()),
            net_benefit_model=float(curve.model[i]),
            net_benefit_treat_all=float(curve.treat_all[i]),
        )
        for i, t in enumerate(grid)
    )
