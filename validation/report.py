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

from scoring import Model

from .cohort import Cohort
from .decision import decision_curve
from .metrics import METRICS, Metrics
from .outcome import OutcomeWindow
from .plots import calibration_png, decision_png, roc_png

FIGURES = {
    "calibration.png": (
        calibration_png,
        "Calibration. Points: observed proportion with residual back pain in groups of "
        "predicted risk, with 95% Wilson intervals. Line and band: lowess-smoothed observed "
        "risk with a 95% bootstrap band. The dashed diagonal is perfect calibration; below it "
        "the model overestimates risk, above it underestimates. Histogram: predicted risks of "
        "patients with (up) and without (down) residual pain.",
    ),
    "roc.png": (
        roc_png,
        "ROC curve with a 95% bootstrap band; the point is the configured high-risk threshold.",
    ),
    "decision-curve.png": (
        decision_png,
        "Decision curve: net benefit of intensifying follow-up for patients at or above each "
        "threshold probability, against doing so for everyone (treat all) or no one (treat "
        "none). The model is useful where its curve lies above both.",
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
    summary = _summary(model, cohort, metrics, window, created)
    metrics_json = out_dir / "metrics.json"
    metrics_json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    html = out_dir / "report.html"
    html.write_text(_html(model, cohort, metrics, summary, figures), encoding="utf-8")
    return Report(html, metrics_json, tuple(out_dir / name for name in figures))


def _summary(
    model: Model, cohort: Cohort, metrics: Metrics, window: OutcomeWindow, created: date
) -> dict[str, object]:
    curve = decision_curve(cohort.outcome, cohort.probability)
    useful = curve.useful_range()
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
        **metrics.as_json(),
        "decision_curve": {
            **curve.as_json(),
            "model_useful_from": useful[0] if useful else None,
            "model_useful_to": useful[1] if useful else None,
        },
    }


def _html(
    model: Model,
    cohort: Cohort,
    metrics: Metrics,
    summary: Mapping[str, object],
    figures: Mapping[str, tuple[bytes, str]],
) -> str:
    derivation_auc = model.performance["auc"]
    published = model.performance["decision_curve_net_benefit"]
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td>{escape(metrics.estimates[name].text(3))}</td></tr>"
        for name, label in METRICS.items()
    )
    warnings = "".join(f"<li>{escape(text)}</li>" for text in metrics.warnings)
    if warnings:
        warnings = f'<div class="warnings"><strong>Read with care</strong><ul>{warnings}</ul></div>'
    decision = summary["decision_curve"]
    useful = (
        f"The model beat treat-all and treat-none from {decision['model_useful_from']:.0%} to "
        f"{decision['model_useful_to']:.0%} (the authors reported {published['threshold_low']:.0%} "
        f"to {published['threshold_high']:.0%})."
        if decision["model_useful_from"] is not None
        else "The model beat treat-all and treat-none at no threshold."
    )
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
{first}-{last} after the procedure. High risk from {metrics.threshold:.1%}. Intervals: percentile
bootstrap, {metrics.resamples} resamples.</p>
{warnings}
<h2>Patients</h2>
{_counts_table(cohort)}
<h2>Performance</h2>
<table><tr><th>Metric</th><th>Estimate (95% CI)</th></tr>{rows}</table>
<p>The derivation study reported an AUC of {derivation_auc:.3f} on its own
{model.cohort_size} patients (internal validation only). {escape(useful)}</p>
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
<li>If calibration is off but the AUC holds, <code>pvp-cds recalibrate</code> writes a model file
corrected for this site; see docs/validation.md.</li>
</ul>
</body></html>
"""


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
