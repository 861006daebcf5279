"""The alert rules, run by Prometheus's own ``promtool``: every alert fires on what it is meant to
catch (its annotations, docs/operations.md), with the right labels and only after its ``for:``,
and stays quiet on what it is not meant to catch.

The series are written from what happens (so many hook calls a minute fail with a 412, the
database is down for five minutes, monitor.json says observed/expected is 1.8) and shaped as the
service exports them (tests/deploy/scraped.py), never read back from the expressions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from cds_service.monitor_gauges import MonitorGauges

from . import promtool
from .scraped import (
    Phase,
    Series,
    counters,
    gauge,
    hook_calls,
    hook_latencies,
    latencies,
    monitor_gauges,
    target,
)

DAY = 86400


def rules() -> dict[str, dict[str, Any]]:
    groups = yaml.safe_load(promtool.RULES.read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"] if "alert" in rule}


@dataclass(frozen=True)
class Fired:
    """An alert expected to fire: its labels besides alertname and severity, and its
    annotations that a template fills in (the others are the rule's own text)."""

    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    alert: str
    behaviour: str
    series: Sequence[Series]
    #: Minutes from the first sample to the evaluation.
    at: int
    #: The alerts firing then; none: the alert stays quiet.
    fires: Sequence[Fired] = ()

    def earlier(self, at: int, behaviour: str) -> Case:
        """The same series, evaluated sooner, when the alert must not fire yet."""
        return Case(self.alert, behaviour, self.series, at)


def fires(alert: str, fired: Fired) -> dict[str, Any]:
    rule = rules()[alert]
    annotations = {k: v for k, v in rule["annotations"].items() if "{{" not in v}
    return {
        "exp_labels": {"severity": rule["labels"]["severity"], **fired.labels},
        "exp_annotations": {**annotations, **fired.annotations},
    }


def healthy(minutes: int) -> Phase:
    return Phase(minutes, {"card": 60, "quiet": 30})


# --- The service: hook calls, latency, the FHIR server, authentication, the database. -----------

FAILING_412 = Case(
    "PvpCdsHookCallsFailing",
    "pages when one hook call in ten gets a 412 for half an hour",
    hook_calls(healthy(30), Phase(40, {"card": 60, "quiet": 21, "412": 9})),
    at=60,
    fires=[Fired()],
)
SLOW_HOOKS = Case(
    "PvpCdsSlowHookCalls",
    "pages when every hook call takes 1.5 s for half an hour",
    hook_latencies(Phase(30, {"0.2": 90}), Phase(40, {"1.5": 90})),
    at=60,
    fires=[Fired()],
)
SLOW_OBSERVATIONS = Case(
    "PvpCdsFhirServerSlow",
    "tickets the Observation searches when they take 3 s for half an hour, not the others",
    [
        *latencies(
            "pvp_cds_fhir_query_duration_seconds",
            [Phase(30, {"0.1": 90}), Phase(40, {"3": 90})],
            **target(),
            resource_type="Observation",
        ),
        *latencies(
            "pvp_cds_fhir_query_duration_seconds",
            [Phase(70, {"0.1": 90})],
            **target(),
            resource_type="Patient",
        ),
    ],
    at=60,
    fires=[
        Fired(
            {"resource_type": "Observation"},
            {"summary": "The EHR's FHIR server is slow for Observation searches"},
        )
    ],
)
EXPIRED_TOKENS = Case(
    "PvpCdsAuthenticationFailures",
    "tickets expired tokens refused ten a minute for half an hour",
    counters(
        "pvp_cds_authentication_refusals_total",
        "reason",
        [Phase(30, {}), Phase(40, {"expired": 10})],
        **target(),
    ),
    at=60,
    fires=[Fired({"reason": "expired"}, {"summary": "Client tokens refused: expired"})],
)
BACKLOG = Case(
    "PvpCdsStorageBacklog",
    "pages when records have waited for the database for 20 minutes",
    [gauge("pvp_cds_storage_backlog", [0] * 31 + [10 * m for m in range(1, 31)])],
    at=50,
    fires=[Fired()],
)
AUDIT_ERRORS = Case(
    "PvpCdsStorageErrors",
    "tickets audit writes failing for half an hour",
    counters(
        "pvp_cds_storage_errors_total",
        "operation",
        [Phase(30, {}), Phase(40, {"audit": 5})],
        **target(),
    ),
    at=60,
    fires=[Fired({"operation": "audit"}, {"summary": "Database audit operations are failing"})],
)

SERVICE_CASES = [
    FAILING_412,
    FAILING_412.earlier(40, "not before the 412s have lasted ten minutes"),
    Case(
        "PvpCdsHookCallsFailing",
        "pages when one hook call in ten ends in a 5xx",
        hook_calls(Phase(60, {"card": 60, "quiet": 30, "5xx": 10})),
        at=40,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsHookCallsFailing",
        "stays quiet when one hook call in fifty gets a 412",
        hook_calls(Phase(90, {"card": 60, "quiet": 38, "412": 2})),
        at=60,
    ),
    Case(
        "PvpCdsHookCallsFailing",
        "stays quiet on requests the EHR got wrong (4xx): they are not failures to advise",
        hook_calls(Phase(90, {"card": 60, "quiet": 20, "4xx": 20})),
        at=60,
    ),
    Case(
        "PvpCdsInternalError",
        "tickets the first 5xx of a pod",
        hook_calls(healthy(30), Phase(1, {"card": 60, "5xx": 1}), healthy(10)),
        at=35,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsInternalError",
        "tickets a 5xx an hour after the last one",
        hook_calls(
            Phase(1, {"5xx": 1}), healthy(59), Phase(1, {"card": 60, "5xx": 1}), healthy(10)
        ),
        at=65,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsInternalError",
        "stays quiet on 412s and 4xx",
        hook_calls(Phase(60, {"card": 60, "412": 5, "4xx": 5})),
        at=30,
    ),
    Case(
        "PvpCdsInternalError",
        "stays quiet an hour after a single 5xx",
        hook_calls(Phase(1, {"5xx": 1}), healthy(90)),
        at=80,
    ),
    Case(
        "PvpCdsRequestsRejected",
        "tickets one hook call in twenty refused with a 4xx for an hour",
        hook_calls(healthy(30), Phase(90, {"card": 60, "quiet": 35, "4xx": 5})),
        at=95,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsRequestsRejected",
        "not before the 4xx have lasted half an hour",
        hook_calls(healthy(30), Phase(90, {"card": 60, "quiet": 35, "4xx": 5})),
        at=60,
    ),
    Case(
        "PvpCdsRequestsRejected",
        "stays quiet when one hook call in a hundred is refused",
        hook_calls(Phase(120, {"card": 60, "quiet": 39, "4xx": 1})),
        at=100,
    ),
    Case(
        "PvpCdsRequestsRejected",
        "stays quiet on 412s: the FHIR data, not the EHR's request",
        hook_calls(Phase(120, {"card": 60, "quiet": 30, "412": 10})),
        at=100,
    ),
    SLOW_HOOKS,
    SLOW_HOOKS.earlier(40, "not before the slow calls have lasted ten minutes"),
    Case(
        "PvpCdsSlowHookCalls",
        "pages when one hook call in ten takes 3 s",
        hook_latencies(Phase(60, {"0.2": 81, "3": 9})),
        at=40,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsSlowHookCalls",
        "stays quiet when three hook calls in a hundred take 3 s",
        hook_latencies(Phase(60, {"0.2": 97, "3": 3})),
        at=40,
    ),
    Case(
        "PvpCdsSlowHookCalls",
        "stays quiet when a page, not a hook call, takes 5 s",
        [
            *hook_latencies(Phase(60, {"0.2": 90})),
            *hook_latencies(Phase(60, {"5": 10}), route="/model-card"),
        ],
        at=40,
    ),
    SLOW_OBSERVATIONS,
    SLOW_OBSERVATIONS.earlier(40, "not before the slow searches have lasted ten minutes"),
    Case(
        "PvpCdsFhirServerSlow",
        "stays quiet when every search takes 0.2 s",
        latencies(
            "pvp_cds_fhir_query_duration_seconds",
            [Phase(60, {"0.2": 90})],
            **target(),
            resource_type="Observation",
        ),
        at=40,
    ),
    Case(
        "PvpCdsFhirServerSlow",
        "stays quiet when every search takes 1.2 s, under the time it allows",
        latencies(
            "pvp_cds_fhir_query_duration_seconds",
            [Phase(60, {"1.2": 90})],
            **target(),
            resource_type="Observation",
        ),
        at=40,
    ),
    EXPIRED_TOKENS,
    EXPIRED_TOKENS.earlier(40, "not before the refusals have lasted ten minutes"),
    Case(
        "PvpCdsAuthenticationFailures",
        "stays quiet on a missing token every five minutes",
        counters(
            "pvp_cds_authentication_refusals_total",
            "reason",
            [Phase(90, {"missing-token": 0.2})],
            **target(),
        ),
        at=60,
    ),
    *[
        Case(
            "PvpCdsForgedOrReplayedTokens",
            f"raises a security alert on the first {reason} token",
            counters(
                "pvp_cds_authentication_refusals_total",
                "reason",
                [Phase(30, {"expired": 1}), Phase(1, {reason: 1}), Phase(5, {"expired": 1})],
                **target(),
            ),
            at=33,
            fires=[Fired()],
        )
        for reason in ("bad-signature", "replayed", "untrusted-issuer")
    ],
    Case(
        "PvpCdsForgedOrReplayedTokens",
        "stays quiet on expired tokens, unknown keys and wrong audiences",
        counters(
            "pvp_cds_authentication_refusals_total",
            "reason",
            [Phase(60, {"expired": 5, "unknown-key": 5, "wrong-audience": 1})],
            **target(),
        ),
        at=30,
    ),
    BACKLOG,
    BACKLOG.earlier(44, "not before the records have waited 15 minutes"),
    Case(
        "PvpCdsStorageBacklog",
        "stays quiet on a five-minute outage whose records are moved once the database is back",
        [gauge("pvp_cds_storage_backlog", [0] * 31 + [10, 20, 30, 40, 50] + [0] * 30)],
        at=50,
    ),
    AUDIT_ERRORS,
    AUDIT_ERRORS.earlier(40, "not before the errors have lasted ten minutes"),
    Case(
        "PvpCdsStorageErrors",
        "stays quiet on one failed feedback write",
        counters(
            "pvp_cds_storage_errors_total",
            "operation",
            [Phase(10, {}), Phase(1, {"feedback": 1}), Phase(60, {})],
            **target(),
        ),
        at=40,
    ),
]

# --- The model: the gauges of the latest monitor.json, the same on every pod. -------------------

#: What a Kubernetes scrape gives every pod: one alert for the site, not one per pod.
SITE = {"job": "pvp-cds", "namespace": "pvp-cds"}


def monitored(**changes: Any) -> MonitorGauges:
    """A month's monitoring: 340 patients scored since --since, 40 in the latest month; the
    monitor ran at the start of the test's clock."""
    figures: dict[str, Any] = {
        "created": 0.0,
        "patients": {"scored": 340, "outcome": 280, "pending": 40, "no-outcome": 20},
        "observed_expected": 1.1,
        "expected_low": 0.6,
        "expected_high": 1.4,
        "missing": {
            "latest-month": {"cement_distribution": 0.1, "goutallier_grade": 0.2},
            "earlier": {"cement_distribution": 0.1, "goutallier_grade": 0.2},
        },
        "period_patients": {"latest-month": 40, "earlier": 300},
    }
    return MonitorGauges(**{**figures, **changes})


def missing(latest: Mapping[str, float], earlier: Mapping[str, float]) -> dict[str, Any]:
    return {"missing": {"latest-month": dict(latest), "earlier": dict(earlier)}}


MODEL_CASES = [
    Case(
        "PvpCdsModelCalibrationDrift",
        "tickets once for the site when observed/expected is above its range",
        monitor_gauges(monitored(observed_expected=1.8), minutes=10),
        at=5,
        fires=[Fired(SITE)],
    ),
    Case(
        "PvpCdsModelCalibrationDrift",
        "tickets when observed/expected is below its range",
        monitor_gauges(monitored(observed_expected=0.4), minutes=10),
        at=5,
        fires=[Fired(SITE)],
    ),
    Case(
        "PvpCdsModelCalibrationDrift",
        "stays quiet while observed/expected is inside its range",
        monitor_gauges(monitored(observed_expected=1.1), minutes=10),
        at=5,
    ),
    Case(
        "PvpCdsModelCalibrationDrift",
        "stays quiet before any outcome is known",
        monitor_gauges(
            monitored(observed_expected=None, expected_low=None, expected_high=None), minutes=10
        ),
        at=5,
    ),
    Case(
        "PvpCdsMissingFindingsJump",
        "tickets a finding unknown for half the latest month's patients, a tenth before",
        monitor_gauges(
            monitored(
                **missing(
                    {"cement_distribution": 0.5, "goutallier_grade": 0.2},
                    {"cement_distribution": 0.1, "goutallier_grade": 0.2},
                )
            ),
            minutes=10,
        ),
        at=5,
        fires=[
            Fired(
                {**SITE, "finding": "cement_distribution"},
                {"summary": "cement_distribution is unknown far more often in the latest month"},
            )
        ],
    ),
    Case(
        "PvpCdsMissingFindingsJump",
        "stays quiet on 15 points more",
        monitor_gauges(
            monitored(**missing({"cement_distribution": 0.25}, {"cement_distribution": 0.1})),
            minutes=10,
        ),
        at=5,
    ),
    Case(
        "PvpCdsMissingFindingsJump",
        "stays quiet on a finding unknown less often than before",
        monitor_gauges(
            monitored(**missing({"cement_distribution": 0.1}, {"cement_distribution": 0.5})),
            minutes=10,
        ),
        at=5,
    ),
    Case(
        "PvpCdsMissingFindingsJump",
        "stays quiet on a month of fewer than ten patients",
        monitor_gauges(
            monitored(
                **missing({"cement_distribution": 0.6}, {"cement_distribution": 0.1}),
                period_patients={"latest-month": 6, "earlier": 300},
            ),
            minutes=10,
        ),
        at=5,
    ),
    Case(
        "PvpCdsMissingFindingsJump",
        "stays quiet in the first month, with nothing before it",
        monitor_gauges(
            monitored(
                **missing({"cement_distribution": 0.6}, {}),
                period_patients={"latest-month": 40, "earlier": 0},
            ),
            minutes=10,
        ),
        at=5,
    ),
    Case(
        "PvpCdsMonitoringStale",
        "tickets a monitor.json 41 days old",
        monitor_gauges(monitored(created=-41.0 * DAY), minutes=10),
        at=5,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsMonitoringStale",
        "tickets when no pod can read monitor.json",
        monitor_gauges(None, minutes=10),
        at=5,
        fires=[Fired()],
    ),
    Case(
        "PvpCdsMonitoringStale",
        "stays quiet on a monitor.json 20 days old",
        monitor_gauges(monitored(created=-20.0 * DAY), minutes=10),
        at=5,
    ),
    Case(
        "PvpCdsMonitoringStale",
        "stays quiet while other pods read monitor.json",
        [
            *monitor_gauges(None, minutes=10, pods=1),
            *[
                s
                for s in monitor_gauges(monitored(), minutes=10)
                if s.labels["pod"] != target(0)["pod"]
            ],
        ],
        at=5,
    ),
]

CASES = SERVICE_CASES + MODEL_CASES


@pytest.fixture(scope="module")
def program() -> str:
    return promtool.promtool()


def test_promtool_finds_every_rule_of_the_file_valid(program):
    result = promtool.check_rules(program)
    assert result.returncode == 0, result.stdout + result.stderr
    count = sum(len(g["rules"]) for g in yaml.safe_load(promtool.RULES.read_text())["groups"])
    assert f"SUCCESS: {count} rules found" in result.stdout


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.alert}: {case.behaviour}")
def test_alert(case, program, tmp_path):
    expected = [fires(case.alert, fired) for fired in case.fires]
    result = promtool.run_rule_test(
        program,
        tmp_path,
        [series.as_input() for series in case.series],
        [{"eval_time": f"{case.at}m", "alertname": case.alert, "exp_alerts": expected}],
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_cases_where_it_fires_and_where_it_stays_quiet():
    for alert in rules():
        assert [c for c in CASES if c.alert == alert and c.fires], f"{alert} never fires"
        assert [c for c in CASES if c.alert == alert and not c.fires], f"{alert} never quiet"


def test_every_alert_with_a_for_duration_is_shown_quiet_before_it_ends():
    for alert, rule in rules().items():
        if "for" not in rule:
            continue
        firing = [c for c in CASES if c.alert == alert and c.fires]
        sooner = [
            c
            for c in CASES
            if c.alert == alert
            and not c.fires
            and any(c.series == f.series and c.at < f.at for f in firing)
        ]
        assert sooner, f"{alert} (for: {rule['for']}) is never evaluated before it fires"


def test_missing_promtool_fails_on_ci_and_is_skipped_elsewhere(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="NOT RUN: promtool is missing"):
        promtool.promtool()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="NOT RUN: promtool is missing"):
        promtool.promtool()
