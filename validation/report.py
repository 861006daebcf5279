"""The validation report: ``report.html`` (self-contained: figures embedded as data URIs, no
scripts, nothing fetched), ``metrics.json`` and the figures as PNG files."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import numpy as np

from scoring import Model

from .casemix import CaseMix, case_mix
from .cohort import Cohort
from .decision import (
    CLINICAL_RANGE,
    TABLE_THRESHOLDS,
    THRESHOLDS,
    ThresholdRow,
    advantage_lower_bounds,
    decision_curve,
    runs,
    threshold_table,
)
from .metrics import METRICS, Metrics, bootstrap
from .outcome import OutcomeWindow
from .plots import CURVE_SUPPORT, calibration_png, decision_png, roc_png

FIGURES = {
    "calibration.png": (
        calibration_png,
        "Calibration. Points: observed proportion with residual back pain in groups of "
        "predicted risk (each distinct risk when the model gives ten or fewer), with 95% Wilson "
        "intervals. Line and band: lowess-smoothed observed risk with a 95% bootstrap band, "
        f"drawn only where at least {CURVE_SUPPORT} patients have a lower and {CURVE_SUPPORT} a "
        "higher predicted risk. The dashed diagonal is perfect calibration; below it the model "
        "overestimates risk, above it underestimates. Histogram: predicted risks of patients "
        "with (up) and without (down) residual pain.",
    ),
    "roc.png": (
        roc_png,
        "ROC curve through every distinct predicted risk (tied risks joined by a straight "
        "segment, so its area is the AUC printed), with a 95% bootstrap band; the point is "
        "the configured alert threshold.",
    ),
    "decision-curve.png": (
        decision_png,
        "Decision curve: net benefit of intensifying follow-up for patients at or above each "
        "threshold probability, against doing so for everyone (treat all) or no one (treat "
        "none). The model is useful where its curve lies above both; the shaded band is the "
        "range of thresholds examined.",
    ),
}


@dataclass(frozen=True)
class Report:
    html: Path
    metrics_json: Path
    figures: tuple[Path, ...]


def write_report(
    out_dir: Path,
    model: Model,
    cohort: Cohort,
    metrics: Metrics,
    window: OutcomeWindow,
    *,
    resamples: int,
    seed: int,
    created: date | None = None,
) -> Report:
    out_dir.mkdir(parents=True, exist_ok=True)
    created = created or date.today()
    title = f"{model.id} v{model.version}, {cohort.source}"
    figures = {}
    for name, (draw, caption) in FIGURES.items():
        png = draw(cohort, metrics, title, resamples, seed)
        (out_dir / name).write_bytes(png)
        figures[name] = (png, caption)
    mix = case_mix(model, cohort, metrics.threshold)
    table = threshold_table(
        cohort.outcome, cohort.probability, [*TABLE_THRESHOLDS, metrics.threshold]
    )
    decision = decision_summary(cohort, resamples, seed)
    summary = _summary(model, cohort, metrics, window, created, decision, mix, table)
    metrics_json = out_dir / "metrics.json"
    metrics_json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    html = out_dir / "report.html"
    html.write_text(_html(model, cohort, metrics, summary, figures, mix, table), encoding="utf-8")
    return Report(html, metrics_json, tuple(out_dir / name for name in figures))


def _summary(
    model: Model,
    cohort: Cohort,
    metrics: Metrics,
    window: OutcomeWindow,
    created: date,
    decision: dict[str, object],
    mix: CaseMix,
    table: tuple[ThresholdRow, ...],
) -> dict[str, object]:
    return {
        "created": created.isoformat(),
        "model": {"id": model.id, "version": model.version, "title": model.title},
        "source": cohort.source,
        "period": cohort.period,
        "outcome": {
            "definition": model.outcome["definition"],
            "event_threshold": model.outcome["event_threshold"],
            "window_days_after_procedure": [window.first_day, window.last_day],
        },
        "cohort": {
            "screened": cohort.screened,
            "included": cohort.n,
            "events": cohort.events,
            "excluded": dict(sorted(cohort.exclusions.items())),
            "missing": dict(sorted(cohort.missing.items())),
        },
        "case_mix": mix.as_json(),
        **metrics.as_json(),
        "thresholds": [row.as_json() for row in table],
        "decision_curve": decision,
    }


def decision_summary(cohort: Cohort, resamples: int, seed: int) -> dict[str, object]:
    """The decision curve, and the runs of thresholds in the range examined where the model
    beats both defaults: on the point estimates, and where the bootstrap's lower 95% bound of
    its advantage stays above 0."""
    y, p = cohort.outcome, cohort.probability
    curve = decision_curve(y, p)
    draws = bootstrap(cohort, lambda yb, pb, _lp: (yb, pb), resamples, seed)
    lower = advantage_lower_bounds(draws) if draws else np.full(len(THRESHOLDS), np.nan)
    return {
        **curve.as_json(),
        "advantage_lower_95": lower.tolist(),
        "range_examined": list(CLINICAL_RANGE),
        "model_beats_both": [run.as_json() for run in curve.useful_runs()],
        "model_beats_both_at_95": [run.as_json() for run in runs(THRESHOLDS, lower > 0)],
    }


def _decision_sentence(decision: Mapping[str, object], published: Mapping[str, float]) -> str:
    low, high = decision["range_examined"]
    examined = f"Over the thresholds examined ({low:.0%} to {high:.0%})"
    point = [_run_text(run) for run in decision["model_beats_both"]]
    supported = [_run_text(run) for run in decision["model_beats_both_at_95"]]
    if not point:
        sentence = f"{examined}, the model beat treat-all and treat-none at no threshold."
    else:
        sentence = f"{examined}, the model beat treat-all and treat-none {' and '.join(point)}"
        sentence += (
            f"; its advantage held at the 95% level (bootstrap) {' and '.join(supported)}."
            if supported
            else "; at no threshold did its advantage hold at the 95% level (bootstrap)."
        )
    return (
        f"{sentence} The authors reported net benefit from "
        f"{published['threshold_low']:.0%} to {published['threshold_high']:.0%} on their own "
        "patients."
    )


def _run_text(run: Mapping[str, object]) -> str:
    low = f"{run['from']:.0%}" + (
        " (lowest examined)" if run["from_is_end_of_range_examined"] else ""
    )
    high = f"{run['to']:.0%}" + (
        " (highest examined)" if run["to_is_end_of_range_examined"] else ""
    )
    return f"from {low} to {high}"


def _html(
    model: Model,
    cohort: Cohort,
    metrics: Metrics,
    summary: Mapping[str, object],
    figures: Mapping[str, tuple[bytes, str]],
    mix: CaseMix,
    table: tuple[ThresholdRow, ...],
) -> str:
    derivation_auc = model.performance["auc"]
    published = model.performance["decision_curve_net_benefit"]
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(_estimate_text(name, metrics))}</td>"
        f"<td>{escape(metrics.estimates[name].method)}</td></tr>"
        for name, label in METRICS.items()
    )
    warnings = "".join(f"<li>{escape(text)}</li>" for text in metrics.warnings)
    if warnings:
        warnings = f'<div class="warnings"><strong>Read with care</strong><ul>{warnings}</ul></div>'
    useful = _decision_sentence(summary["decision_curve"], published)
    figure_html = "".join(
        f'<figure><img alt="{escape(name)}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode("ascii")}"><figcaption>{escape(caption)}</figcaption>'
        "</figure>"
        for name, (png, caption) in figures.items()
    )
    outcome = summary["outcome"]
    first, last = outcome["window_days_after_procedure"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Validation of {escape(model.id)} v{escape(model.version)}</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 56rem; margin: 2rem auto; padding: 0 1rem;
  color: #222; line-height: 1.45}}
table {{border-collapse: collapse; margin: 0.5rem 0 1.5rem}}
td, th {{border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top}}
.warnings {{background: #fff4e5; border-left: 4px solid #e69500; padding: 0.5rem 1rem}}
figure {{margin: 1.5rem 0}} img {{max-width: 100%}} figcaption {{font-size: 0.9rem; color: #444}}
</style></head><body>
<h1>Validation of {escape(model.title)}</h1>
<p>Model {escape(model.id)} v{escape(model.version)} on {escape(cohort.source)}: {cohort.n}
patients with procedures {escape(cohort.period)}. Report of {escape(str(summary["created"]))}.
Outcome: {escape(str(outcome["definition"]))}, from the pain score nearest day 30 within days
{first}-{last} after the procedure. Alert threshold (the card's upper tier):
{metrics.threshold:.1%}. Each interval is a 95% confidence interval by the method named
beside it; the bootstrap used {metrics.resamples} resamples.</p>
{warnings}
<h2>Patients</h2>
{_counts_table(cohort)}
<h2>Case mix against the derivation study</h2>
{_case_mix_table(mix, cohort, model, metrics.threshold)}
<h2>Performance</h2>
<table><tr><th>Metric</th><th>Estimate (95% CI)</th><th>Interval</th></tr>{rows}</table>
<p>The Brier score is read against {metrics.brier_reference:.3f}, the score of giving every patient
this cohort's event rate; the scaled Brier score is 1 minus their ratio. The derivation study
reported an AUC of {derivation_auc:.3f} on its own {model.cohort_size} patients (internal
validation only).</p>
<h2>Alert burden and net benefit by threshold</h2>
{_threshold_table(table, metrics.threshold)}
<p>{escape(useful)}</p>
<h2>Figures</h2>
{figure_html}
<h2>How to read this</h2>
<ul>
<li><strong>AUC</strong>: the chance that a patient with residual pain has a higher predicted risk
than one without. 0.5 is chance.</li>
<li><strong>Calibration-in-the-large</strong> above 0: risk is underestimated on average here;
below 0: overestimated. <strong>Observed/expected</strong> says the same as a ratio.</li>
<li><strong>Calibration slope</strong> below 1: predictions too extreme (high risks too high, low
too low); above 1: too modest.</li>
<li><strong>Share flagged</strong>: the patients whose card would carry a warning at the alert
threshold; with the positive predictive value it says how many warnings a true case costs.</li>
<li><strong>Net benefit</strong> (Vickers and Elkin 2006): true positives minus false positives
weighted by the odds of the threshold, per patient; compare it with treat-all and with 0.</li>
<li>If calibration is off but the AUC holds, <code>pvp-cds recalibrate</code> writes a model file
corrected for this site; see docs/validation.md.</li>
</ul>
</body></html>
"""


def _estimate_text(name: str, metrics: Metrics) -> str:
    text = metrics.estimates[name].text(3)
    count = metrics.counts.get(name)
    return f"{text}; {count.events}/{count.total}" if count else text


def _case_mix_table(mix: CaseMix, cohort: Cohort, model: Model, threshold: float) -> str:
    def share(count: int, total: int) -> str:
        return f"{count} ({count / total:.1%})" if total else "0"

    def risks(distribution) -> str:
        q1, median, q3 = distribution.quartiles
        return (
            f"mean {distribution.mean:.1%}; median {median:.1%} (quartiles {q1:.1%} to "
            f"{q3:.1%}); {distribution.flagged:.1%} at or above {threshold:.1%}"
        )

    rows = [
        (
            "Residual back pain at one month",
            share(cohort.events, cohort.n),
            share(model.cohort_events, model.cohort_size),
        ),
        *(
            (
                f"{row.finding}: {row.level}",
                share(row.site, row.site_total),
                share(row.study, row.study_total),
            )
            for row in mix.levels
        ),
        ("Predicted risk", risks(mix.site_risk), risks(mix.study_risk) + " (estimated)"),
    ]
    body = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(site)}</td><td>{escape(study)}</td></tr>"
        for label, site, study in rows
    )
    return (
        f"<table><tr><th></th><th>This cohort (n = {cohort.n})</th><th>Li et al. 2021, "
        f"Tables 2-3 (n = {model.cohort_size})</th></tr>{body}</table>"
        "<p>The study's predicted-risk distribution is estimated from its tables, the findings "
        "taken as independent within each outcome group (docs/model-derivation.md).</p>"
    )


def _threshold_table(table: tuple[ThresholdRow, ...], chosen: float) -> str:
    body = "".join(
        f"<tr><td>{row.threshold:.1%}{' (this site)' if abs(row.threshold - chosen) < 1e-9 else ''}"
        f"</td><td>{row.flagged} ({row.flagged_share:.1%})</td>"
        f"<td>{row.true_positives} of {row.events}</td>"
        f"<td>{row.true_positives / row.flagged if row.flagged else float('nan'):.1%}</td>"
        f"<td>{row.net_benefit_model:.4f}</td><td>{row.net_benefit_treat_all:.4f}</td></tr>"
        for row in table
    )
    return (
        "<table><tr><th>Threshold</th><th>Flagged (alert burden)</th><th>Events flagged</th>"
        "<th>Flagged with the event</th><th>Net benefit, model</th><th>Net benefit, treat all"
        f"</th></tr>{body}</table>"
    )


def _counts_table(cohort: Cohort) -> str:
    rows = [
        ("Screened", str(cohort.screened)),
        ("Included (complete cases)", str(cohort.n)),
        ("With residual back pain", f"{cohort.events} ({cohort.events / cohort.n:.1%})"),
    ]
    rows += [
        (f"Excluded: {reason}", str(count)) for reason, count in sorted(cohort.exclusions.items())
    ]
    rows += [
        (f"Missing among the excluded: {item}", str(count))
        for item, count in sorted(cohort.missing.items())
    ]
    body = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>" for label, value in rows
    )
    return f"<table>{body}</table>"
