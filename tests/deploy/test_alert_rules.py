"""The example alert rules ask for metrics, labels and label values the service really has."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

from cds_service import metrics
from cds_service.client_auth import Refusal
from cds_service.monitor_gauges import PATIENT_STATES, PERIODS, MonitorCollector, MonitorGauges
from devtools.ports import free_port

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alert-rules.yaml"
SELECTOR = re.compile(r"(pvp_cds_\w+)(?:\{([^}]*)\})?")
MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"')
SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count")}


def expressions() -> list[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


@pytest.fixture(scope="module")
def series(client_module, tmp_path_factory) -> dict[str, set[str]]:
    """Each sample name the service exposes, with the label names it carries."""
    # One sample of each labelled metric, so that its label names show.
    client_module.post("/cds-services/pvp-residual-back-pain", data="{}")
    metrics.storage_error("audit")
    metrics.authentication_refused(Refusal.MISSING_TOKEN)
    metrics.feedback_received([{"outcome": "accepted"}])
    with pytest.raises(requests.ConnectionError):
        metrics.fhir_get(requests.Session(), f"http://127.0.0.1:{free_port()}/Patient/1")
    names: dict[str, set[str]] = {}
    families = [
        *text_string_to_metric_families(metrics.exposition()[0].decode()),
        *MonitorCollector(monitor_file(tmp_path_factory.mktemp("monitor"))).collect(),
    ]
    for family in families:
        for suffix in SUFFIXES.get(family.type, ()):
            names[family.name + suffix] = set()
        for sample in family.samples:
            names.setdefault(sample.name, set()).update(sample.labels)
    return names


def monitor_file(directory: Path) -> Path:
    path = directory / "monitor.json"
    path.write_text(json.dumps({"gauges": GAUGES.as_json()}))
    return path


@pytest.fixture(scope="module")
def client_module():
    from cds_service import create_app

    return create_app({"TESTING": True, "AUTHENTICATION": "off"}).test_client()


#: The gauges block of a monitor.json, with a value for every label.
GAUGES = MonitorGauges(
    created=1_790_000_000.0,
    patients=dict.fromkeys(PATIENT_STATES, 1),
    observed_expected=1.0,
    expected_low=0.5,
    expected_high=1.5,
    missing={period: {"cement_distribution": 0.1} for period in PERIODS},
    period_patients=dict.fromkeys(PERIODS, 10),
)

CLOSED_SETS = {
    "state": set(PATIENT_STATES),
    "period": set(PERIODS),
    "outcome": set(metrics.HOOK_OUTCOMES),
    "reason": set(metrics.REFUSAL_REASONS),
    "route": {"/cds-services/<service_id>"},
}


def test_every_rule_asks_for_a_metric_the_service_exposes(series):
    for expression in expressions():
        for name, _ in SELECTOR.findall(expression):
            assert name in series, name


def test_every_label_matcher_names_a_label_and_values_it_takes(series, client_module):
    routes = {rule.rule for rule in client_module.application.url_map.iter_rules()}
    assert CLOSED_SETS["route"] <= routes
    for expression in expressions():
        for name, matchers in SELECTOR.findall(expression):
            for label, _, pattern in MATCHER.findall(matchers):
                assert label in series[name] | {"le"}, (name, label)
                for value in pattern.split("|"):
                    assert value in CLOSED_SETS.get(label, {value}), (label, value)


def test_the_series_the_rule_unit_tests_feed_are_ones_the_service_exposes(series):
    from .scraped import target
    from .test_alert_rules_run import CASES

    added_by_the_scrape = set(target())
    for case in CASES:
        for fed in case.series:
            assert fed.name in series, (case.behaviour, fed.name)
            assert set(fed.labels) - added_by_the_scrape <= series[fed.name] | {"le"}, fed
