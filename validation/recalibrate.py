"""Recalibration on a site's cohort, written as a model file of the same schema.

- ``intercept``: logit(p) = a + LP. Corrects the average risk; keeps the ranking and spread.
- ``logistic``: logit(p) = a + b LP. Also corrects predictions that are too extreme (b < 1)
  or too modest (b > 1).

LP is the original linear predictor. The new file carries the recalibrated intercept
(a + b x intercept) and coefficients (b x coefficient), so the scoring core predicts with it
unchanged; the ``recalibration`` block keeps the original values, the fit and the metrics
before and after.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np

from scoring import Model, model_from_document

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
) -> dict[str, Any]:
    """The model file of the recalibrated model; checked against the schema before it is
    returned."""
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
    }
    if contact:
        document["recalibration"]["contact"] = contact
    document["derivation_notes"] = [
        *document["derivation_notes"],
        f"Recalibrated ({recalibration.method.value}) at {site} on {cohort.n} patients "
        f"({cohort.events} events), {period}: intercept and coefficients are the original "
        f"ones of {model.id} v{model.version} recalibrated, standard errors the original ones "
        "scaled by the slope; see the recalibration block.",
    ]
    model_from_document(document, "recalibrated model")
    return document


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
