"""Discrimination, calibration and classification of the model on a site's cohort, each with a
percentile bootstrap 95% confidence interval.

The statistics are scikit-learn's and statsmodels'; this module only arranges them. Calibration
follows the hierarchy of Van Calster et al. (J Clin Epidemiol 2016): calibration-in-the-large is
the intercept of a logistic model of the outcome with the linear predictor as offset (0 is
ideal; above 0, risk is underestimated); the calibration slope is the coefficient of the linear
predictor in a logistic model of the outcome on it (1 is ideal; below 1, predictions are too
extreme).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm
from sklearn.metrics import brier_score_loss, confusion_matrix, roc_auc_score
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from .cohort import Cohort

#: Van Calster et al. 2016 and Riley et al. (BMJ 2024) ask for at least about 100 events (and
#: 100 non-events) before a calibration curve or slope means much.
MIN_EVENTS_FOR_CALIBRATION = 100
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 2021

#: The metrics in report order, with how they read.
METRICS = {
    "auc": "AUC (c-statistic)",
    "calibration_in_the_large": "Calibration-in-the-large (ideal 0)",
    "calibration_slope": "Calibration slope (ideal 1)",
    "observed_expected": "Observed/expected events (ideal 1)",
    "brier": "Brier score",
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "ppv": "Positive predictive value",
    "npv": "Negative predictive value",
}

#: What a logistic fit raises or warns when the data cannot identify it (e.g. a bootstrap
#: resample where the linear predictor separates the outcome perfectly).
FIT_FAILURES = (
    PerfectSeparationError,
    PerfectSeparationWarning,
    ConvergenceWarning,
    np.linalg.LinAlgError,
    RuntimeWarning,
)


class ValidationError(ValueError):
    """The cohort cannot be validated (e.g. no events); the message says what it has."""


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci95_low: float
    ci95_high: float

    def as_json(self) -> dict[str, float | None]:
        return {name: _finite_or_none(getattr(self, name)) for name in self.__dataclass_fields__}

    def text(self, digits: int = 2) -> str:
        """``0.78 (95% CI 0.70 to 0.85)``; "not estimable" for a NaN estimate."""
        if not math.isfinite(self.estimate):
            return "not estimable"
        if not (math.isfinite(self.ci95_low) and math.isfinite(self.ci95_high)):
            return f"{self.estimate:.{digits}f} (no interval)"
        return (
            f"{self.estimate:.{digits}f} (95% CI {self.ci95_low:.{digits}f} to "
            f"{self.ci95_high:.{digits}f})"
        )


@dataclass(frozen=True)
class Metrics:
    n: int
    events: int
    threshold: float
    estimates: dict[str, Estimate]
    #: Resamples that gave estimates (a resample with one outcome class gives none).
    resamples: int
    warnings: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "events": self.events,
            "threshold": self.threshold,
            "bootstrap_resamples": self.resamples,
            "metrics": {name: e.as_json() for name, e in self.estimates.items()},
            "warnings": list(self.warnings),
        }


def auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(brier_score_loss(y, p))


def observed_expected(y: np.ndarray, p: np.ndarray) -> float:
    return float(y.sum() / p.sum())


def logistic_recalibration(y: np.ndarray, lp: np.ndarray) -> tuple[float, float]:
    """(a, b) of logit P(y=1) = a + b LP, by maximum likelihood."""
    fit = fit_logistic(y, sm.add_constant(lp, has_constant="add"))
    return float(fit.params[0]), float(fit.params[1])


def calibration_in_the_large(y: np.ndarray, lp: np.ndarray) -> float:
    """a of logit P(y=1) = a + LP: the intercept with the slope held at 1."""
    return float(fit_logistic(y, np.ones((len(y), 1)), offset=lp).params[0])


def classification(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """Sensitivity, specificity, PPV and NPV calling "high risk" from ``threshold`` up, as the
    service's tiers do. NaN where the denominator is empty."""
    tn, fp, fn, tp = confusion_matrix(y, p >= threshold, labels=[0, 1]).ravel()
    return {
        "sensitivity": _ratio(tp, tp + fn),
        "specificity": _ratio(tn, tn + fp),
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
    }


def point_metrics(
    y: np.ndarray, p: np.ndarray, lp: np.ndarray, threshold: float
) -> dict[str, float]:
    """Every metric once; a calibration fit the data cannot identify is NaN."""
    return {
        "auc": auc(y, p),
        "calibration_in_the_large": _or_nan(lambda: calibration_in_the_large(y, lp)),
        "calibration_slope": _or_nan(lambda: logistic_recalibration(y, lp)[1]),
        "observed_expected": observed_expected(y, p),
        "brier": brier(y, p),
        **classification(y, p, threshold),
    }


def evaluate(
    cohort: Cohort,
    threshold: float,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Metrics:
    """The metrics on ``cohort`` with percentile bootstrap 95% intervals."""
    y, p, lp = cohort.outcome, cohort.probability, cohort.linear_predictor
    check_both_outcomes(cohort)
    point = point_metrics(y, p, lp, threshold)
    draws = bootstrap(
        cohort, lambda yb, pb, lpb: point_metrics(yb, pb, lpb, threshold), resamples, seed
    )
    estimates = {
        name: Estimate(point[name], *percentile_interval([d[name] for d in draws]))
        for name in METRICS
    }
    return Metrics(
        n=cohort.n,
        events=cohort.events,
        threshold=threshold,
        estimates=estimates,
        resamples=len(draws),
        warnings=tuple(_warnings(cohort, point, resamples, len(draws))),
    )


def check_both_outcomes(cohort: Cohort) -> None:
    if cohort.events == 0 or cohort.events == cohort.n:
        raise ValidationError(
            f"cannot validate: {cohort.n} patients with {cohort.events} events; the cohort "
            "needs patients with and without residual back pain"
        )


def bootstrap(
    cohort: Cohort,
    statistic: Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, float]],
    resamples: int,
    seed: int,
) -> list[dict[str, float]]:
    """``statistic`` on resamples of the patients drawn with replacement; resamples with a
    single outcome class are skipped (no AUC or calibration exists for them)."""
    rng = np.random.default_rng(seed)
    y, p, lp = cohort.outcome, cohort.probability, cohort.linear_predictor
    draws = []
    for _ in range(resamples):
        index = rng.integers(0, cohort.n, cohort.n)
        if y[index].min() == y[index].max():
            continue
        draws.append(statistic(y[index], p[index], lp[index]))
    return draws


def percentile_interval(values: list[float]) -> tuple[float, float]:
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return math.nan, math.nan
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def fit_logistic(y: np.ndarray, exog: np.ndarray, offset: np.ndarray | None = None) -> Any:
    """A binomial GLM (logit link) of ``y`` on the columns of ``exog``, with ``offset``."""
    # Warnings are raised, so that a fit the data cannot identify fails instead of returning
    # numbers that look like estimates.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return sm.GLM(y, exog, family=sm.families.Binomial(), offset=offset).fit()


def _or_nan(fit: Callable[[], float]) -> float:
    try:
        return fit()
    except FIT_FAILURES:
        return math.nan


def _ratio(numerator: int, denominator: int) -> float:
    return float(numerator / denominator) if denominator else math.nan


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _warnings(cohort: Cohort, point: dict[str, float], resamples: int, used: int) -> list[str]:
    found = []
    non_events = cohort.n - cohort.events
    if min(cohort.events, non_events) < MIN_EVENTS_FOR_CALIBRATION:
        found.append(
            f"{cohort.events} events and {non_events} non-events: fewer than "
            f"{MIN_EVENTS_FOR_CALIBRATION} of either make calibration estimates imprecise "
            "(wide intervals; the calibration curve is unreliable). Read them with their "
            "confidence intervals, or pool more patients before recalibrating."
        )
    if math.isnan(point["calibration_slope"]):
        found.append(
            "The calibration slope could not be estimated: the predicted risks do not vary "
            "enough, or separate the outcome perfectly."
        )
    if used < resamples:
        found.append(
            f"{resamples - used} of {resamples} bootstrap resamples had a single outcome class "
            "and were skipped."
        )
    return found
