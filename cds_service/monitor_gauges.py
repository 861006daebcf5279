"""The latest monitoring figures (``pvp-cds monitor``) as Prometheus gauges on the metrics port.

``pvp-cds monitor`` writes ``monitor.json``; its ``gauges`` block is :class:`MonitorGauges`.
When ``PVP_CDS_MONITOR_FILE`` names that file, the metrics endpoint reads it at each scrape
(it is small, and read off the hook path), so the alert rules see the model drift where
operators already look. Labels come from closed sets: the patient states below and the
model's own finding names; no patient data is in the file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: What became of the patients scored: an outcome found, still pending, none by the window's end.
PATIENT_STATES = ("scored", "outcome", "pending", "no-outcome")
#: The missing-finding rates compared: the latest month against the months before it.
PERIODS = ("latest-month", "earlier")


@dataclass(frozen=True)
class MonitorGauges:
    #: When the monitor ran (seconds since the epoch).
    created: float
    patients: Mapping[str, int]
    #: Observed/expected events over every patient with an outcome; None before any outcome.
    observed_expected: float | None
    #: The range observed/expected stays in 95 times in 100 while the model holds.
    expected_low: float | None
    expected_high: float | None
    #: Share of patients scored with each finding unknown, by period.
    missing: Mapping[str, Mapping[str, float]]
    #: Patients scored in each period.
    period_patients: Mapping[str, int]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> MonitorGauges:
        return cls(**{name: document[name] for name in cls.__dataclass_fields__})


def read_gauges(path: Path) -> MonitorGauges | None:
    """The gauges of the monitor file, or None (logged) when it cannot be read yet."""
    try:
        return MonitorGauges.from_json(json.loads(path.read_text(encoding="utf-8"))["gauges"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # At each scrape: the gauge pvp_cds_monitor_file_readable (and its alert) says it.
        log.debug("monitor file %s not read: %s", path, type(exc).__name__)
        return None


class MonitorCollector:
    """A prometheus_client collector reading the monitor file at each scrape."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        gauges = read_gauges(self._path)
        up = GaugeMetricFamily(
            "pvp_cds_monitor_file_readable", "1 when the monitor file named by the setting reads"
        )
        up.add_metric([], 0 if gauges is None else 1)
        yield up
        if gauges is None:
            return
        yield _single("pvp_cds_monitor_created_seconds", "When pvp-cds monitor ran", gauges.created)
        patients = GaugeMetricFamily(
            "pvp_cds_monitor_patients",
            "Patients scored since the monitor's --since, and what became of them",
            labels=["state"],
        )
        for state in PATIENT_STATES:
            patients.add_metric([state], gauges.patients.get(state, 0))
        yield patients
        for name, value, text in (
            ("observed_expected", gauges.observed_expected, "Observed/expected events"),
            ("expected_low", gauges.expected_low, "Lowest O/E expected while the model holds"),
            ("expected_high", gauges.expected_high, "Highest O/E expected while the model holds"),
        ):
            if value is not None:
                yield _single(f"pvp_cds_monitor_{name}", text, value)
        missing = GaugeMetricFamily(
            "pvp_cds_monitor_missing_finding_ratio",
            "Share of patients scored with the finding unknown, in the latest month or earlier",
            labels=["finding", "period"],
        )
        for period in PERIODS:
            for finding, share in gauges.missing.get(period, {}).items():
                missing.add_metric([finding, period], share)
        yield missing
        counted = GaugeMetricFamily(
            "pvp_cds_monitor_period_patients",
            "Patients scored in the latest month and earlier",
            labels=["period"],
        )
        for period in PERIODS:
            counted.add_metric([period], gauges.period_patients.get(period, 0))
        yield counted


def _single(name: str, text: str, value: float) -> Any:
    from prometheus_client.core import GaugeMetricFamily

    return GaugeMetricFamily(name, text, value=value)
