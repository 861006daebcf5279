"""Recalibration on a site's cohort, written as a model file of the same schema.

- ``intercept``: logit(p) = a + LP. Corrects the average risk; keeps the ranking and spread.
- ``logistic``: logit(p) = a + b LP. Also corrects predictions that are too extreme (b < 1)
  or too modest (b > 1).

LP is the original linear predictor. The new file carries the recalibrated intercept
(a + b x intercept) and coefficients (b x coefficient), so the scoring core predicts with it
unchanged; the ``recalibration`` block keeps the original values, the fit, the metrics before
and (apparent, on the same patients) after, and the risk and tier of every combination of
findings before and after.

Guards (:func:`shortfalls`): a recalibration is refused unless forced when

- the cohort is smaller than the method needs. Recalibration is a small model development, so
  Riley et al.'s minimum sample size for developing a model applies (Stat Med 2019;38:1276;
  BMJ 2020;368:m441, criterion iii): the average risk, which the intercept sets, must be
  estimated within 0.05, n >= (1.96 / 0.05)^2 x o(1 - o) for the cohort's event rate o. The
  logistic method also estimates the calibration slope, which needs what validating a
  calibration slope needs: at least 100 events and 100 non-events (Vergouwe et al., J Clin
  Epidemiol 2005; Collins, Ogundimu and Altman, Stat Med 2016);
- the fit does not show the miscalibration it would correct: the 95% interval of the fitted
  intercept (intercept method) includes 0, or of the fitted slope (logistic method) includes 1.
  Applying it would move every patient's risk on a difference the data do not show (the
  principle of Vergouwe et al.'s closed testing procedure, Stat Med 2017: update only as far
  as the data support).

Forced, the file lists what was overridden (``forced``), and the card and model card say so.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np

from scoring import Model, RiskTiers, Value, model_from_document, predict

from .cohort import Cohort
from .metrics import (
    FIT_FAILURES,
    Estimate,
    ValidationError,
    check_both_outcomes,
    fit_logistic,
    point_metrics,
)

#: The metrics a model file records before and after (the schema's ``site_metrics``).
RECORDED_METRICS = (
    "auc",
    "calibration_in_the_large",
    "calibration_slope",
    "observed_expected",
    "brier",
)


class Method(StrEnum):
    INTERCEPT = "intercept"
    LOGISTIC = "logistic"


#: Riley et al. criterion (iii): the overall risk within this absolute margin, at 95%.
AVERAGE_RISK_MARGIN = 0.05
Z_95 = 1.959964
#: Events and non-events to estimate a calibration slope (Vergouwe et al. 2005; Collins et
#: al. 2016).
MIN_EVENTS_FOR_SLOPE = 100
RILEY = "Riley et al., Stat Med 2019;38:1276-96 and BMJ 2020;368:m441 (criterion iii)"
VERGOUWE_COLLINS = "Vergouwe et al., J Clin Epidemiol 2005; Collins et al., Stat Med 2016"


class Shortfall(StrEnum):
    """A guard a recalibration does not pass (the file's ``forced`` lists those overridden)."""

    #: Fewer patients or events than the method needs.
    SAMPLE_BELOW_MINIMUM = "sample-below-minimum"
    #: The fitted correction's 95% interval includes no correction.
    CHANGE_NOT_SHOWN = "change-not-shown"


@dataclass(frozen=True)
class MinimumSample:
    """What a method needs of a cohort with this event rate, and on whose authority."""

    patients: int
    events: int
    non_events: int
    basis: str

    def met_by(self, n: int, events: int) -> bool:
        return n >= self.patients and events >= self.events and n - events >= self.non_events

    def as_json(self) -> dict[str, int | str]:
        return {
            "patients": self.patients,
            "events": self.events,
            "non_events": self.non_events,
            "basis": self.basis,
        }


def minimum_sample(method: Method, event_rate: float) -> MinimumSample:
    """The minimum cohort for ``method`` at ``event_rate`` (see the module's docstring)."""
    patients = math.ceil((Z_95 / AVERAGE_RISK_MARGIN) ** 2 * event_rate * (1 - event_rate))
    events = math.ceil(patients * event_rate)
    basis = (
        f"the average risk within {AVERAGE_RISK_MARGIN:.2f} at the cohort's event rate of "
        f"{event_rate:.1%} ({RILEY})"
    )
    if method is Method.INTERCEPT:
        return MinimumSample(patients, events, 0, basis)
    return MinimumSample(
        max(patients, 2 * MIN_EVENTS_FOR_SLOPE),
        max(events, MIN_EVENTS_FOR_SLOPE),
        MIN_EVENTS_FOR_SLOPE,
        f"{basis}; and {MIN_EVENTS_FOR_SLOPE} events and {MIN_EVENTS_FOR_SLOPE} non-events to "
        f"estimate a calibration slope ({VERGOUWE_COLLINS})",
    )


@dataclass(frozen=True)
class Recalibration:
    method: Method
    intercept: Estimate
    #: None for intercept-only recalibration (the slope stays 1).
    slope: Estimate | None

    @property
    def b(self) -> float:
        return 1.0 if self.slope is None else self.slope.estimate

    def apply(self, linear_predictor: np.ndarray) -> np.ndarray:
        return self.intercept.estimate + self.b * linear_predictor


def fit(cohort: Cohort, method: Method) -> Recalibration:
    """The recalibration by maximum likelihood, with Wald 95% intervals."""
    check_both_outcomes(cohort)
    y, lp = cohort.outcome, cohort.linear_predictor
    try:
        if method is Method.INTERCEPT:
            result = fit_logistic(y, np.ones((cohort.n, 1)), offset=lp)
        else:
            result = fit_logistic(y, np.column_stack([np.ones(cohort.n), lp]))
    except FIT_FAILURES as exc:
        raise ValidationError(
            f"{method} recalibration cannot be fitted on this cohort ({type(exc).__name__}): "
            "the predicted risks do not vary enough or separate the outcome perfectly"
        ) from exc
    intervals = result.conf_int(alpha=0.05)
    estimates = [
        Estimate(float(result.params[i]), float(intervals[i][0]), float(intervals[i][1]))
        for i in range(len(result.params))
    ]
    if method is Method.LOGISTIC and estimates[1].estimate <= 0:
        raise ValidationError(
            f"the fitted calibration slope is {estimates[1].estimate:.3f}: the model ranks "
            "patients no better than chance here, and recalibration cannot repair that"
        )
    return Recalibration(method, estimates[0], estimates[1] if len(estimates) > 1 else None)


def shortfalls(cohort: Cohort, recalibration: Recalibration) -> tuple[Shortfall, ...]:
    """The guards this recalibration does not pass; empty when it may be written."""
    found = []
    minimum = minimum_sample(recalibration.method, cohort.events / cohort.n)
    if not minimum.met_by(cohort.n, cohort.events):
        found.append(Shortfall.SAMPLE_BELOW_MINIMUM)
    if recalibration.method is Method.INTERCEPT:
        shown = not _includes(recalibration.intercept, 0.0)
    else:
        shown = not _includes(recalibration.slope, 1.0)
    if not shown:
        found.append(Shortfall.CHANGE_NOT_SHOWN)
    return tuple(found)


def describe_shortfall(shortfall: Shortfall, cohort: Cohort, recalibration: Recalibration) -> str:
    """For the person running the command: what the guard found and its source."""
    if shortfall is Shortfall.SAMPLE_BELOW_MINIMUM:
        minimum = minimum_sample(recalibration.method, cohort.events / cohort.n)
        return (
            f"{cohort.n} patients ({cohort.events} events, {cohort.n - cohort.events} "
            f"non-events) are fewer than {recalibration.method} recalibration needs: "
            f"{minimum.patients} patients, {minimum.events} events"
            + (f", {minimum.non_events} non-events" if minimum.non_events else "")
            + f", for {minimum.basis}"
        )
    if recalibration.method is Method.INTERCEPT:
        return (
            f"the fitted intercept {recalibration.intercept.text(3)} includes 0: these patients "
            "do not show that the model's average risk is off"
        )
    return (
        f"the fitted slope {recalibration.slope.text(3)} includes 1: these patients do not show "
        "that the model's risks are too extreme or too modest; intercept recalibration may be "
        "all they support"
    )


def _includes(estimate: Estimate, value: float) -> bool:
    return estimate.ci95_low <= value <= estimate.ci95_high


def recalibrated_document(
    model: Model,
    cohort: Cohort,
    recalibration: Recalibration,
    *,
    site: str,
    period: str,
    threshold: float,
    version: str | None = None,
    created: date | None = None,
    contact: str | None = None,
    forced: tuple[Shortfall, ...] = (),
) -> dict[str, Any]:
    """The model file of the recalibrated model; checked against the schema before it is
    returned. ``forced``: the guards the user overrode, recorded in the file."""
    document = copy.deepcopy(dict(model.document))
    b = recalibration.b
    document["version"] = version or next_version(model.version)
    document["intercept"] = {
        "coefficient": recalibration.intercept.estimate + b * model.intercept,
        # Scaled with the coefficient: the derivation's uncertainty, not the recalibration's
        # (the recalibration block has that).
        "standard_error": abs(b) * document["intercept"]["standard_error"],
    }
    for predictor in document["predictors"]:
        for level in predictor["levels"]:
            if "coefficient" in level:
                level["coefficient"] = b * level["coefficient"]
                level["standard_error"] = abs(b) * level["standard_error"]
    fitted = {"intercept": _estimate_json(recalibration.intercept)}
    if recalibration.slope is not None:
        fitted["slope"] = _estimate_json(recalibration.slope)
    y, lp = cohort.outcome, cohort.linear_predictor
    new_lp = recalibration.apply(lp)
    document["recalibration"] = {
        "site": site,
        "period": period,
        "created": (created or date.today()).isoformat(),
        "n": cohort.n,
        "events": cohort.events,
        "method": recalibration.method.value,
        "fitted": fitted,
        "original": {
            "id": model.id,
            "version": model.version,
            "intercept": model.intercept,
            "coefficients": {
                p.name: {
                    level.label: level.coefficient for level in p.levels if not level.is_reference
                }
                for p in model.predictors
            },
        },
        "metrics_before": _recorded(point_metrics(y, cohort.probability, lp, threshold)),
        "metrics_after": _recorded(point_metrics(y, _logistic(new_lp), new_lp, threshold)),
        "minimum_sample": minimum_sample(recalibration.method, cohort.events / cohort.n).as_json(),
    }
    if contact:
        document["recalibration"]["contact"] = contact
    if forced:
        document["recalibration"]["forced"] = [shortfall.value for shortfall in forced]
    document["derivation_notes"] = [
        *document["derivation_notes"],
        f"Recalibrated ({recalibration.method.value}) at {site} on {cohort.n} patients "
        f"({cohort.events} events), {period}: intercept and coefficients are the original "
        f"ones of {model.id} v{model.version} recalibrated, standard errors the original ones "
        "scaled by the slope; see the recalibration block.",
    ]
    recalibrated = model_from_document(document, "recalibrated model")
    document["recalibration"]["combinations"] = [
        row.as_json() for row in combinations(model, recalibrated, threshold)
    ]
    model_from_document(document, "recalibrated model")
    return document


@dataclass(frozen=True)
class Combination:
    """One combination of findings: its risk and tier before and after recalibration."""

    findings: dict[str, Value]
    before: float
    after: float
    tier_before: str
    tier_after: str

    def as_json(self) -> dict[str, Any]:
        return {
            "findings": self.findings,
            "before": self.before,
            "after": self.after,
            "tier_before": self.tier_before,
            "tier_after": self.tier_after,
        }


def combinations(original: Model, recalibrated: Model, threshold: float) -> list[Combination]:
    """Every combination of the predictors' levels (one value standing for each level), in
    the order of the model file, with the risk and tier at ``threshold`` before and after."""
    before_tiers = RiskTiers.for_model(original, threshold)
    after_tiers = RiskTiers.for_model(recalibrated, threshold)
    rows = []
    levels = [[(p.name, level.values[0]) for level in p.levels] for p in original.predictors]
    for choice in itertools.product(*levels):
        findings = dict(choice)
        before = predict(original, findings, before_tiers)
        after = predict(recalibrated, findings, after_tiers)
        rows.append(
            Combination(
                findings,
                before.probability.low,
                after.probability.low,
                before.tier.value,
                after.tier.value,
            )
        )
    return rows


def next_version(version: str) -> str:
    """The next minor version: the same model, refitted to a site, is not a new major one."""
    major, minor, _ = (int(part) for part in version.split("."))
    return f"{major}.{minor + 1}.0"


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _estimate_json(estimate: Estimate) -> dict[str, float]:
    return {
        "estimate": estimate.estimate,
        "ci95_low": estimate.ci95_low,
        "ci95_high": estimate.ci95_high,
    }


def _recorded(metrics: dict[str, float]) -> dict[str, float]:
    missing = [name for name in RECORDED_METRICS if not math.isfinite(metrics[name])]
    if missing:
        raise ValidationError(f"cannot record {', '.join(missing)}: not estimable on this cohort")
    return {name: metrics[name] for name in RECORDED_METRICS}
