"""The report's figures as PNG bytes: calibration, ROC and decision curves.

Drawn on ``matplotlib.figure.Figure`` with the Agg canvas, never through pyplot: no display,
no global figure state.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from sklearn.metrics import roc_curve
from statsmodels.nonparametric.smoothers_lowess import lowess
from statsmodels.stats.proportion import proportion_confint

from .cohort import Cohort
from .decision import CLINICAL_RANGE, THRESHOLDS, decision_curve, net_benefit
from .metrics import Estimate, Metrics

DPI = 150
#: Risk groups of the grouped calibration points (fewer when predictions have fewer values).
GROUPS = 10
#: Resamples for the curves' bands: a band needs fewer than an interval's end points.
MAX_BAND_RESAMPLES = 200
#: The ``gid`` of the model's ROC line, to find it in the figure.
ROC_CURVE_ID = "roc-model"
#: The smoothed calibration curve is drawn only between the risks of the patients this far
#: in from either end: beyond, fewer patients than this carry it.
CURVE_SUPPORT = 10
MODEL_COLOUR = "#1f4e79"
REFERENCE_COLOUR = "#7f7f7f"
EVENT_COLOUR = "#c0504d"


def calibration_png(
    cohort: Cohort, metrics: Metrics, title: str, resamples: int, seed: int
) -> bytes:
    y, p = cohort.outcome, cohort.probability
    figure = Figure(figsize=(6.4, 7.2), layout="constrained")
    curve_axes, histogram_axes = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]}
    )
    upper = min(1.0, float(p.max()) * 1.1 + 0.02)
    curve_axes.plot([0, upper], [0, upper], ls="--", color=REFERENCE_COLOUR, lw=1, label="Ideal")
    support = supported_range(p)
    if support is not None:
        grid = np.linspace(*support, 100)
        smooth = _lowess(y, p, grid)
        band = _band(cohort, lambda yb, pb: _lowess(yb, pb, grid), resamples, seed)
        _draw_band(curve_axes, grid, band, "Smoothed, 95% bootstrap band")
        curve_axes.plot(
            grid,
            smooth,
            color=MODEL_COLOUR,
            lw=2,
            label=f"Smoothed (lowess), where {CURVE_SUPPORT}+ patients lie beyond",
        )
    predicted, observed, low, high, sizes = _groups(y, p)
    # Clipped at 0: rounding can put a Wilson bound a hair past the proportion.
    error = np.clip([observed - low, high - observed], 0, None)
    curve_axes.errorbar(
        predicted,
        observed,
        yerr=error,
        fmt="o",
        ms=5,
        color="black",
        capsize=3,
        lw=1,
        label="Risk groups: observed, 95% CI",
    )
    estimates = metrics.estimates
    curve_axes.text(
        0.03,
        0.97,
        "\n".join(
            [
                f"n = {cohort.n}, events = {cohort.events}",
                _line("Calibration-in-the-large", estimates["calibration_in_the_large"]),
                _line("Calibration slope", estimates["calibration_slope"]),
                _line("Observed/expected", estimates["observed_expected"]),
            ]
        ),
        transform=curve_axes.transAxes,
        va="top",
        ha="left",
        fontsize=8.5,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#cccccc"},
    )
    curve_axes.set_xlim(0, upper)
    curve_axes.set_ylim(-0.01, 1.01)
    curve_axes.set_ylabel("Observed proportion with residual back pain")
    curve_axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    curve_axes.legend(loc="lower right", fontsize=8.5, frameon=False)
    curve_axes.set_title(f"Calibration: {title}", fontsize=10.5)
    bins = np.linspace(0, upper, 41)
    histogram_axes.hist(p[y == 1], bins=bins, color=EVENT_COLOUR, label="With residual pain")
    histogram_axes.hist(
        p[y == 0],
        bins=bins,
        color=REFERENCE_COLOUR,
        weights=-np.ones((y == 0).sum()),
        label="Without (drawn downwards)",
    )
    histogram_axes.axhline(0, color="black", lw=0.5)
    histogram_axes.set_ylabel("Patients")
    histogram_axes.yaxis.set_major_formatter(lambda value, _: f"{abs(value):.0f}")
    histogram_axes.set_xlabel("Predicted risk of residual back pain at one month")
    histogram_axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    histogram_axes.legend(loc="lower right", fontsize=7.5, frameon=False)
    return _png(figure)


def roc_png(cohort: Cohort, metrics: Metrics, title: str, resamples: int, seed: int) -> bytes:
    return _png(roc_figure(cohort, metrics, title, resamples, seed))


def roc_figure(cohort: Cohort, metrics: Metrics, title: str, resamples: int, seed: int) -> Figure:
    """The ROC curve through every distinct risk, tied risks joined by a straight segment: the
    curve whose area is the AUC as computed (ties count one half), not a staircase below it."""
    y, p = cohort.outcome, cohort.probability
    figure = Figure(figsize=(6.0, 6.0), layout="constrained")
    axes = figure.subplots()
    false_positive, true_positive, _ = roc_curve(y, p)
    grid = np.linspace(0, 1, 101)

    def curve(yb: np.ndarray, pb: np.ndarray) -> np.ndarray:
        fpr, tpr, _ = roc_curve(yb, pb)
        return np.interp(grid, fpr, tpr)

    band = _band(cohort, curve, resamples, seed)
    axes.plot([0, 1], [0, 1], ls="--", color=REFERENCE_COLOUR, lw=1, label="Chance (AUC 0.5)")
    _draw_band(axes, grid, band, "95% bootstrap band")
    auc = metrics.estimates["auc"]
    axes.plot(
        false_positive,
        true_positive,
        color=MODEL_COLOUR,
        lw=2,
        label=f"Model: AUC {auc.text(3)}",
        gid=ROC_CURVE_ID,
    )
    sensitivity = metrics.estimates["sensitivity"].estimate
    specificity = metrics.estimates["specificity"].estimate
    axes.plot(
        [1 - specificity],
        [sensitivity],
        "o",
        color=EVENT_COLOUR,
        ms=7,
        label=f"Flagged from {metrics.threshold:.1%}: sensitivity {sensitivity:.0%}, "
        f"specificity {specificity:.0%}",
    )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_aspect("equal")
    axes.set_xlabel("1 - specificity (false-positive rate)")
    axes.set_ylabel("Sensitivity (true-positive rate)")
    axes.legend(loc="lower right", fontsize=8.5, frameon=False)
    axes.set_title(f"ROC curve: {title}", fontsize=10.5)
    return figure


def decision_png(cohort: Cohort, metrics: Metrics, title: str, resamples: int, seed: int) -> bytes:
    y, p = cohort.outcome, cohort.probability
    curves = decision_curve(y, p)
    band = _band(cohort, lambda yb, pb: net_benefit(yb, pb, THRESHOLDS), resamples, seed)
    figure = Figure(figsize=(7.0, 5.0), layout="constrained")
    axes = figure.subplots()
    axes.axvspan(
        *CLINICAL_RANGE, color=REFERENCE_COLOUR, alpha=0.08, lw=0, label="Thresholds examined"
    )
    _draw_band(axes, THRESHOLDS, band, "Model, 95% bootstrap band")
    axes.plot(THRESHOLDS, curves.model, color=MODEL_COLOUR, lw=2, label="Model")
    axes.plot(THRESHOLDS, curves.treat_all, color=EVENT_COLOUR, lw=1.5, label="Treat all")
    axes.axhline(0, color="black", lw=1.2, label="Treat none")
    axes.axvline(
        metrics.threshold,
        color=REFERENCE_COLOUR,
        ls=":",
        lw=1.2,
        label=f"Alert threshold ({metrics.threshold:.1%})",
    )
    prevalence = cohort.events / cohort.n
    axes.set_ylim(-0.05, max(prevalence * 1.15, 0.05))
    axes.set_xlim(0, THRESHOLDS[-1])
    axes.set_xlabel("Threshold probability (risk at which follow-up would be intensified)")
    axes.set_ylabel("Net benefit")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="upper right", fontsize=8.5, frameon=False)
    axes.set_title(f"Decision curve: {title}", fontsize=10.5)
    return _png(figure)


def _line(label: str, estimate: Estimate) -> str:
    return f"{label} {estimate.text()}"


def supported_range(p: np.ndarray) -> tuple[float, float] | None:
    """From the risk of the patient ``CURVE_SUPPORT`` from the bottom to that of the patient
    ``CURVE_SUPPORT`` from the top: the risks with enough patients on either side to draw a
    smoothed curve through. None when that leaves no range (few patients, or risks that hardly
    vary): then only the risk-group points are drawn."""
    ordered = np.sort(p)
    if len(ordered) < 2 * CURVE_SUPPORT:
        return None
    low, high = float(ordered[CURVE_SUPPORT - 1]), float(ordered[-CURVE_SUPPORT])
    return (low, high) if high > low else None


def _lowess(y: np.ndarray, p: np.ndarray, grid: np.ndarray) -> np.ndarray:
    # No robustness iterations: with a 0/1 outcome every event would look like an outlier.
    return np.clip(lowess(y, p, frac=2 / 3, it=0, xvals=grid), 0, 1)


def _groups(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, ...]:
    """Mean predicted risk, observed proportion, its Wilson 95% CI and size per risk group:
    each distinct predicted risk when there are at most ``GROUPS`` of them (the model gives
    only a few), else quantile groups of predicted risk, merged where predictions tie."""
    distinct = np.unique(p)
    if len(distinct) <= GROUPS:
        edges = np.append(distinct, np.inf)
    else:
        edges = np.unique(np.quantile(p, np.linspace(0, 1, GROUPS + 1)))
    group = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for g in np.unique(group):
        members = group == g
        events, size = int(y[members].sum()), int(members.sum())
        low, high = proportion_confint(events, size, alpha=0.05, method="wilson")
        rows.append((p[members].mean(), events / size, low, high, size))
    return tuple(np.array(column) for column in zip(*rows, strict=True))


def _band(cohort: Cohort, curve, resamples: int, seed: int) -> np.ndarray:
    """Pointwise 2.5th and 97.5th percentiles of ``curve`` over bootstrap resamples."""
    rng = np.random.default_rng(seed)
    y, p = cohort.outcome, cohort.probability
    curves = []
    for _ in range(min(resamples, MAX_BAND_RESAMPLES)):
        index = rng.integers(0, cohort.n, cohort.n)
        if y[index].min() != y[index].max():
            curves.append(curve(y[index], p[index]))
    if not curves:
        return np.full((2, len(curve(y, p))), np.nan)
    return np.percentile(np.array(curves), [2.5, 97.5], axis=0)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw_band(axes: Axes, x: np.ndarray, band: np.ndarray, label: str) -> None:
    """A bootstrap band (lower and upper rows of ``band``) in the model's colour."""
    axes.fill_between(x, band[0], band[1], color=MODEL_COLOUR, alpha=0.18, lw=0, label=label)
