"""The monitoring report: ``monitor.html`` (one self-contained file, no scripts) and
``monitor.json`` (the same figures, and the block the metrics port reads as gauges)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from scoring import Model

from .metrics import Estimate
from .monitor import Figures, Monitoring
from .outcome import OutcomeWindow


@dataclass(frozen=True)
class MonitorReport:
    html: Path
    json: Path


def write_monitor_report(
    out_dir: Path,
    model: Model,
    monitoring: Monitoring,
    window: OutcomeWindow,
    source: str,
    created: datetime,
) -> MonitorReport:
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {
        "created": created.isoformat(timespec="seconds"),
        "as_of": monitoring.as_of.isoformat(),
        "since": monitoring.since.isoformat(),
        "model": {"id": model.id, "version": model.version, "title": model.title},
        "source": source,
        "threshold": monitoring.threshold,
        "outcome": {
            "definition": model.outcome["definition"],
            "window_days_after_procedure": [window.first_day, window.last_day],
        },
        "answers_of_other_models": monitoring.other_models,
        "overall": monitoring.overall.as_json(),
        "months": {month: figures.as_json() for month, figures in monitoring.months.items()},
        "gauges": monitoring.gauges(created).as_json(),
    }
    json_path = out_dir / "monitor.json"
    write_whole(json_path, json.dumps(summary, indent=2) + "\n")
    html_path = out_dir / "monitor.html"
    html_path.write_text(_html(model, monitoring, window, source), encoding="utf-8")
    return MonitorReport(html_path, json_path)


def write_whole(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: the metrics port reads monitor.json at every
    scrape, and a file written in place could be read half written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def verdict(figures: Figures) -> str:
    """One sentence: does the model still hold here, as far as the outcomes found can say."""
    if figures.observed_expected is None:
        return "No outcome found yet: nothing can be said of the model's calibration here."
    ratio = (
        f"Observed/expected {figures.observed_expected:.2f} ({figures.events} events, "
        f"{figures.expected:.1f} expected, {figures.outcomes} patients with an outcome)"
    )
    expected = f"{figures.expected_low:.2f} to {figures.expected_high:.2f}"
    if figures.drift:
        side = "more" if figures.observed_expected > 1 else "fewer"
        return (
            f"{ratio} is outside the range expected while the model holds ({expected}): "
            f"{side} patients have residual pain than it predicts. Act as docs/operations.md "
            "says."
        )
    return f"{ratio} is inside the range expected while the model holds ({expected})."


def _html(model: Model, monitoring: Monitoring, window: OutcomeWindow, source: str) -> str:
    overall = monitoring.overall
    warnings = "".join(f"<li>{escape(text)}</li>" for text in overall.warnings)
    if warnings:
        warnings = f'<div class="warnings"><strong>Read with care</strong><ul>{warnings}</ul></div>'
    rows = "".join(_row(month, figures) for month, figures in monitoring.months.items()) + _row(
        "All months", overall
    )
    findings = sorted(overall.missing)
    missing_rows = "".join(
        f"<tr><td>{escape(month)}</td>"
        + "".join(
            f"<td>{figures.missing.get(name, 0):.0%} ({figures.from_report_text.get(name, 0):.0%})"
            "</td>"
            for name in findings
        )
        + "</tr>"
        for month, figures in [*monitoring.months.items(), ("All months", overall)]
    )
    reasons = "".join(
        f"<li>{escape(reason)}: {count}</li>" for reason, count in overall.override_reasons.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Monitoring of {escape(model.id)} v{escape(model.version)}</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem;
  color: #222; line-height: 1.45}}
table {{border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.95rem}}
td, th {{border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top}}
.warnings {{background: #fff4e5; border-left: 4px solid #e69500; padding: 0.5rem 1rem}}
.verdict {{font-size: 1.1rem; border-left: 4px solid #0b5cad; padding: 0.5rem 1rem}}
.drift {{border-left-color: #b00020}}
</style></head><body>
<h1>Monitoring of {escape(model.title)}</h1>
<p>Model {escape(model.id)} v{escape(model.version)}: the patients it scored since
{escape(monitoring.since.isoformat())} (the audit trail), with the one-month outcomes on
{escape(source)} as of {escape(monitoring.as_of.isoformat())}. Outcome:
{escape(model.outcome["definition"])}, from the pain score nearest day {window.target} within
days {window.first_day}-{window.last_day} after the procedure, as <code>pvp-cds validate</code>
reads it. A patient is pending while a nearer score could still come. High risk from
{monitoring.threshold:.1%}. Months are those of the procedure.</p>
<p class="verdict{" drift" if overall.drift else ""}">{escape(verdict(overall))}</p>
{warnings}
<h2>By month</h2>
<table><tr><th>Month</th><th>Scored</th><th>Range only</th><th>Outcome</th><th>Events</th>
<th>Pending</th><th>No outcome</th><th>Observed/expected (range while the model holds)</th>
<th>Calibration-in-the-large (95% CI)</th><th>AUC (95% CI)</th><th>Flagged high</th>
<th>Feedback: accepted / overridden</th></tr>{rows}</table>
<p>Range only: the estimate shown was a range (a finding unknown), so it is not judged.
{monitoring.other_models} answers of other model versions since then are left out.</p>
<h2>Findings unknown (and read from report text)</h2>
<table><tr><th>Month</th>{"".join(f"<th>{escape(n)}</th>" for n in findings)}</tr>
{missing_rows}</table>
<h2>Override reasons</h2>
<ul>{reasons or "<li>none given</li>"}</ul>
<h2>How to read this</h2>
<ul>
<li><strong>Observed/expected</strong> above its range: more residual pain than the model
predicts here; below: less. <strong>Calibration-in-the-large</strong> says the same on the
log-odds scale (0 is ideal).</li>
<li>A jump in findings unknown usually means a change in the EHR's records or codes, not in
the patients: check the code mappings first.</li>
<li>Monthly figures are small: act on the overall figure, or on several months in a row.</li>
</ul>
</body></html>
"""


def _row(label: str, figures: Figures) -> str:
    ratio = (
        f"{figures.observed_expected:.2f} ({figures.expected_low:.2f} to "
        f"{figures.expected_high:.2f}){' outside' if figures.drift else ''}"
        if figures.observed_expected is not None
        else "no outcome yet"
    )
    cells = [
        label,
        str(figures.scored),
        str(figures.with_range),
        str(figures.outcomes),
        str(figures.events),
        str(figures.pending),
        str(figures.no_outcome),
        ratio,
        _text(figures.calibration_in_the_large),
        _text(figures.auc),
        f"{figures.flagged_share:.0%}",
        f"{figures.feedback['accepted']} / {figures.feedback['overridden']}",
    ]
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def _text(estimate: Estimate | None) -> str:
    return estimate.text(2) if estimate is not None else "not enough outcomes"
