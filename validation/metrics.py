"""Discrimination, calibration and classification of the model on a site's cohort, each with a
95% confidence interval by the method that holds for it (named in the report):

- proportions (sensitivity, specificity, PPV, NPV, the share flagged): Wilson score intervals
  (Wilson 1927; recommended over the Wald and the exact interval by Brown, Cai and DasGupta,
  Stat Sci 2001). They stay inside 0-1 and do not collapse at 0% or 100%, where a percentile
  bootstrap gives "1.000 (1.000 to 1.000)";
- calibration-in-the-large and slope: Wald intervals of the logistic fit that estimates them
  (the same fit ``pvp-cds recalibrate`` applies);
- AUC, observed/expected, Brier and scaled Brier: percentile bootstrap (patients resampled
  with replacement, resamples with one outcome class skipped and counted).

The statistics are scikit-learn's and statsmodels'; this module only arranges them. Calibration
follows the hierarchy of Van Calster et al. (J Clin Epidemiol 2016): calibration-in-the-large is
the intercept of a logistic model of the outcome with the linear predictor as offset (0 is
ideal; above 0, risk is underestimated); the calibration slope is the coefficient of the linear
predictor in a logistic model of the outcome on it (1 is ideal; below 1, predictions are too
extreme). The scaled Brier score is 1 - Brier / (o(1 - o)), o the observed event rate: the
Brier score against that of a model giving everyone the observed rate (Steyerberg et al.,
Epidemiology 2010).
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
from statsmodels.stats.proportion import proportion_confint
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from .cohort import Cohort

#: Events and non-events below which calibration estimates are imprecise: at least 100 of each
#: to validate a model (Vergouwe et al., J Clin Epidemiol 2005; Collins, Ogundimu and Altman,
#: Stat Med 2016), and about 200 of each for a flexible calibration curve (Van Calster et al.,
#: J Clin Epidemiol 2016). Riley et al. (BMJ 2024) give the calculation for a given model.
MIN_EVENTS_FOR_CALIBRATION = 100
MIN_EVENTS_FOR_CALIBRATION_CURVE = 200
DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 2021


class IntervalMethod:
    """How each metric's 95% interval is found, as the report names it."""

    WILSON = "Wilson score"
    WALD = "Wald, from the logistic fit"
    BOOTSTRAP = "percentile bootstrap"


#: The metrics in report order, with how they read and how their interval is found.
METRICS = {
    "auc": "AUC (c-statistic)",
    "calibration_in_the_large": "Calibration-in-the-large (ideal 0)",
    "calibration_slope": "Calibration slope (ideal 1)",
    "observed_expected": "Observed/expected events (ideal 1)",
    "brier": "Brier score (ideal 0)",
    "scaled_brier": "Scaled Brier score (ideal 1; 0 is no better than the event rate)",
    "flagged": "Share flagged at the threshold (alert burden)",
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "ppv": "Positive predictive value",
    "npv": "Negative predictive value",
}
INTERVAL_METHODS = {
    "auc": IntervalMethod.BOOTSTRAP,
    "calibration_in_the_large": IntervalMethod.WALD,
    "calibration_slope": IntervalMethod.WALD,
    "observed_expected": IntervalMethod.BOOTSTRAP,
    "brier": IntervalMethod.BOOTSTRAP,
    "scaled_brier": IntervalMethod.BOOTSTRAP,
    "flagged": IntervalMethod.WILSON,
    "sensitivity": IntervalMethod.WILSON,
    "specificity": IntervalMethod.WILSON,
    "ppv": IntervalMethod.WILSON,
    "npv": IntervalMethod.WILSON,
}
BOOTSTRAPPED = tuple(
    name for name, way in INTERVAL_METHODS.items() if way is IntervalMethod.BOOTSTRAP
)

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
    #: How the interval was found (:class:`IntervalMethod`); empty where it goes without saying.
    method: str = ""

    def as_json(self) -> dict[str, float | str | None]:
        values: dict[str, float | str | None] = {
            name: _finite_or_none(getattr(self, name))
            for name in ("estimate", "ci95_low", "ci95_high")
        }
        if self.method:
            values["interval_method"] = self.method
        return values

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
class Count:
    """A proportion as counted: ``events`` of ``total`` (a denominator of 0 is not estimable)."""

    events: int
    total: int

    def estimate(self) -> Estimate:
        return wilson(self.events, self.total)


@dataclass(frozen=True)
class Metrics:
    n: int
    events: int
    threshold: float
    estimates: dict[str, Estimate]
    #: The counts behind each proportion (its numerator and denominator).
    counts: dict[str, Count]
    #: The Brier score of a model giving every patient the observed event rate: the reference
    #: the Brier score is read against.
    brier_reference: float
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
            "counts": {
                name: {"events": c.events, "total": c.total} for name, c in self.counts.items()
            },
            "brier_reference": self.brier_reference,
            "warnings": list(self.warnings),
        }


def auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(brier_score_loss(y, p))


def brier_reference(y: np.ndarray) -> float:
    """The Brier score of giving every patient the observed event rate o: o(1 - o)."""
    rate = float(np.mean(y))
    return rate * (1 - rate)


def scaled_brier(y: np.ndarray, p: np.ndarray) -> float:
    reference = brier_reference(y)
    return 1 - brier(y, p) / reference if reference > 0 else math.nan


def observed_expected(y: np.ndarray, p: np.ndarray) -> float:
    return float(y.sum() / p.sum())


def wilson(events: int, total: int) -> Estimate:
    """A proportion with its Wilson score 95% interval; NaN for an empty denominator."""
    if total == 0:
        return Estimate(math.nan, math.nan, math.nan, IntervalMethod.WILSON)
    low, high = proportion_confint(events, total, alpha=0.05, method="wilson")
    return Estimate(events / total, float(low), float(high), IntervalMethod.WILSON)


def logistic_recalibration(y: np.ndarray, lp: np.ndarray) -> tuple[float, float]:
    """(a, b) of logit P(y=1) = a + b LP, by maximum likelihood."""
    fit = fit_logistic(y, sm.add_constant(lp, has_constant="add"))
    return float(fit.params[0]), float(fit.params[1])


def calibration_in_the_large(y: np.ndarray, lp: np.ndarray) -> float:
    """a of logit P(y=1) = a + LP: the intercept with the slope held at 1."""
    return float(fit_logistic(y, np.ones((len(y), 1)), offset=lp).params[0])


def calibration_estimates(y: np.ndarray, lp: np.ndarray) -> dict[str, Estimate]:
    """Calibration-in-the-large and slope with the Wald intervals of their fits; NaN where the
    data cannot identify a fit."""
    found = {}
    for name, fit in (
        ("calibration_in_the_large", lambda: fit_logistic(y, np.ones((len(y), 1)), offset=lp)),
        ("calibration_slope", lambda: fit_logistic(y, sm.add_constant(lp, has_constant="add"))),
    ):
        try:
            result = fit()
        except FIT_FAILURES:
            found[name] = Estimate(math.nan, math.nan, math.nan, IntervalMethod.WALD)
            continue
        index = len(result.params) - 1
        low, high = result.conf_int(alpha=0.05)[index]
        found[name] = Estimate(
            float(result.params[index]), float(low), float(high), IntervalMethod.WALD
        )
    return found


def classification_counts(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Count]:
    """Sensitivity, specificity, PPV, NPV and the share flagged, calling "flagged" from
    ``threshold`` up, as the service's tiers do, each as numerator and denominator."""
    tn, fp, fn, tp = (int(c) for c in confusion_matrix(y, p >= threshold, labels=[0, 1]).ravel())
    return {
        "flagged": Count(tp + fp, len(y)),
        "sensitivity": Count(tp, tp + fn),
        "specificity": Count(tn, tn + fp),
        "ppv": Count(tp, tp + fp),
        "npv": Count(tn, tn + fn),
    }


def classification(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """The proportions of :func:`classification_counts`; NaN where the denominator is empty."""
    return {
        name: _ratio(count.events, count.total)
        for name, count in classification_counts(y, p, threshold).items()
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
        "scaled_brier": scaled_brier(y, p),
        **classification(y, p, threshold),
    }


def _bootstrapped_metrics(y: np.ndarray, p: np.ndarray, _lp: np.ndarray) -> dict[str, float]:
    return {
        "auc": auc(y, p),
        "observed_expected": observed_expected(y, p),
        "brier": brier(y, p),
        "scaled_brier": scaled_brier(y, p),
    }


def evaluate(
    cohort: Cohort,
    threshold: float,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Metrics:
    """The metrics on ``cohort``, each with the 95% interval its method gives."""
    y, p, lp = cohort.outcome, cohort.probability, cohort.linear_predictor
    check_both_outcomes(cohort)
    point = _bootstrapped_metrics(y, p, lp)
    draws = bootstrap(cohort, _bootstrapped_metrics, resamples, seed)
    counts = classification_counts(y, p, threshold)
    estimates = {
        **{
            name: Estimate(
                point[name],
                *percentile_interval([d[name] for d in draws]),
                IntervalMethod.BOOTSTRAP,
            )
            for name in BOOTSTRAPPED
        },
        **calibration_estimates(y, lp),
        **{name: count.estimate() for name, count in counts.items()},
    }
    return Metrics(
        n=cohort.n,
        events=cohort.events,
        threshold=threshold,
        estimates={name: estimates[name] for name in METRICS},
        counts=counts,
        brier_reference=brier_reference(y),
        resamples=len(draws),
        warnings=tuple(_warnings(cohort, estimates, resamples, len(draws))),
    )


def check_both_outcomes(cohort: Cohort) -> None:
    if cohort.events == 0 or cohort.events == cohort.n:
        raise ValidationError(
            f"cannot validate: {cohort.n} patients with {cohort.events} events; the cohort "
            "needs patients with and without residual back pain"
        )


def bootstrap(
    cohort: Cohort,
    statistic: Callable[[np.ndarray, np.ndarray, np.ndarray], Any],
    resamples: int,
    seed: int,
) -> list[Any]:
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


def _warnings(
    cohort: Cohort, estimates: dict[str, Estimate], resamples: int, used: int
) -> list[str]:
    found = []
    non_events = cohort.n - cohort.events
    fewest = min(cohort.events, non_events)
    if fewest < MIN_EVENTS_FOR_CALIBRATION:
        found.append(
            f"{cohort.events} events and {non_events} non-events: fewer than "
            f"{MIN_EVENTS_FOR_CALIBRATION} of either make calibration estimates imprecise "
            "(wide intervals; the calibration curve is unreliable). Read them with their "
            "confidence intervals, or pool more patients before recalibrating. Sources: "
            "Vergouwe et al., J Clin Epidemiol 2005; Collins et al., Stat Med 2016; Riley et "
            "al., BMJ 2024."
        )
    elif fewest < MIN_EVENTS_FOR_CALIBRATION_CURVE:
        found.append(
            f"{cohort.events} events and {non_events} non-events: a flexible calibration curve "
            f"needs about {MIN_EVENTS_FOR_CALIBRATION_CURVE} of each to be precise; read the "
            "risk-group points and their intervals first. Source: Van Calster et al., "
            "J Clin Epidemiol 2016."
        )
    if math.isnan(estimates["calibration_slope"].estimate):
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
