"""Decision-curve analysis (Vickers and Elkin, Med Decis Making 2006): the net benefit of acting
on the model at each threshold probability, against acting on everyone or no one.

net benefit = TP/n - FP/n x t/(1 - t), treating a patient when the predicted risk is at least
t. Tested against the dcurves package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: 1% to 70%: wider than the 6%-66% over which the authors found net benefit.
THRESHOLDS = np.round(np.arange(0.01, 0.701, 0.01), 2)


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

    def useful_range(self) -> tuple[float, float] | None:
        """The lowest and highest threshold at which the model beats both treat-all and
        treat-none (net benefit above 0), or None if it never does."""
        better = (self.model > self.treat_all) & (self.model > 0)
        if not better.any():
            return None
        chosen = self.thresholds[better]
        return float(chosen.min()), float(chosen.max())


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
