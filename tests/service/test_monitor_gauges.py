"""The metrics port reads the latest monitor.json (PVP_CDS_MONITOR_FILE) as gauges."""

from __future__ import annotations

import json

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from cds_service.monitor_gauges import MonitorCollector, MonitorGauges

GAUGES = MonitorGauges(
    created=1_790_000_000.0,
    patients={"scored": 40, "outcome": 25, "pending": 12, "no-outcome": 3},
    observed_expected=1.8,
    expected_low=0.45,
    expected_high=1.55,
    missing={
        "latest-month": {"cement_distribution": 0.5},
        "earlier": {"cement_distribution": 0.1},
    },
    period_patients={"latest-month": 14, "earlier": 26},
)


def samples(path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = CollectorRegistry()
    registry.register(MonitorCollector(path))
    text = generate_latest(registry).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_the_monitor_files_figures_are_gauges(tmp_path):
    path = tmp_path / "monitor.json"
    path.write_text(json.dumps({"overall": {}, "gauges": GAUGES.as_json()}))
    found = samples(path)
    assert found[("pvp_cds_monitor_file_readable", ())] == 1
    assert found[("pvp_cds_monitor_observed_expected", ())] == 1.8
    assert found[("pvp_cds_monitor_expected_high", ())] == 1.55
    assert found[("pvp_cds_monitor_patients", (("state", "pending"),))] == 12
    missing = ("pvp_cds_monitor_missing_finding_ratio", (("finding", "cement_distribution"),))
    assert found[(missing[0], (*missing[1], ("period", "latest-month")))] == 0.5
    assert found[("pvp_cds_monitor_period_patients", (("period", "earlier"),))] == 26


def test_a_missing_monitor_file_is_a_gauge_of_0_not_an_error(tmp_path):
    found = samples(tmp_path / "not-yet.json")
    assert found == {("pvp_cds_monitor_file_readable", ()): 0}


def test_a_monitor_file_without_gauges_reads_as_unreadable(tmp_path):
    path = tmp_path / "monitor.json"
    path.write_text(json.dumps({"overall": {}}))
    assert samples(path) == {("pvp_cds_monitor_file_readable", ()): 0}
