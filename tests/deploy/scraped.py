"""What Prometheus would have scraped from the service, minute by minute, for promtool's rule
unit tests: series written from what happened (so many calls a minute, with such an outcome,
taking so long), shaped as the service exports them.

As the service exports them: a labelled counter or histogram appears at its first count (the
service makes a label set's child when it first counts it, so a counter is first seen at 1, not
0); latencies are cumulative ``le`` buckets of the service's own bucket bounds; the monitoring
gauges are read from a monitor.json by the service's own collector. Every series carries the
labels a Kubernetes scrape adds (job, namespace, instance, pod).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.utils import floatToGoString

from cds_service.metrics import LATENCY_BUCKETS
from cds_service.monitor_gauges import MonitorCollector, MonitorGauges

SERVICE = "pvp-residual-back-pain"
HOOK_ROUTE = "/cds-services/<service_id>"
PODS = ("pvp-cds-5c9d7b-2xkqp", "pvp-cds-5c9d7b-8bw4n", "pvp-cds-5c9d7b-tz6mv")
#: What the site's scrape configuration adds to every series.
SCRAPE = {"job": "pvp-cds", "namespace": "pvp-cds"}


@dataclass(frozen=True)
class Series:
    name: str
    labels: Mapping[str, str]
    #: One value a minute from minute 0; None: not exported at that minute.
    values: tuple[float | None, ...]

    def as_input(self) -> dict[str, str]:
        labels = ",".join(f'{key}="{value}"' for key, value in sorted(self.labels.items()))
        values = " ".join("_" if v is None else floatToGoString(v) for v in self.values)
        return {"series": f"{self.name}{{{labels}}}", "values": values}


@dataclass(frozen=True)
class Phase:
    """``minutes`` during which so many things a minute happen, by kind (an outcome, a
    reason, an operation; for latencies, the seconds each took)."""

    minutes: int
    per_minute: Mapping[str, float]


def target(pod: int = 0) -> dict[str, str]:
    return {**SCRAPE, "instance": f"{PODS[pod]}:9464", "pod": PODS[pod]}


def counters(name: str, label: str, phases: Iterable[Phase], **labels: str) -> list[Series]:
    """One counter series per kind named in the phases, labelled ``label=kind``."""
    phases = list(phases)
    kinds = sorted({kind for phase in phases for kind in phase.per_minute})
    return [
        _counter(
            name, {**labels, label: kind}, [(p.minutes, p.per_minute.get(kind, 0)) for p in phases]
        )
        for kind in kinds
    ]


def hook_calls(*phases: Phase, pod: int = 0) -> list[Series]:
    """Hook calls by outcome (card, quiet, 4xx, 412, 5xx); a card's tier is low."""
    series = counters(
        "pvp_cds_hook_calls_total", "outcome", phases, **target(pod), service=SERVICE, tier="none"
    )
    return [
        Series(s.name, {**s.labels, "tier": "low"}, s.values)
        if s.labels["outcome"] == "card"
        else s
        for s in series
    ]


def latencies(name: str, phases: Iterable[Phase], **labels: str) -> list[Series]:
    """A latency histogram: in each phase, so many observations a minute of so many seconds
    (the keys of ``per_minute``, as text)."""
    phases = list(phases)
    bounds = [*LATENCY_BUCKETS, float("inf")]
    series = [
        _counter(
            f"{name}_bucket",
            {**labels, "le": floatToGoString(bound)},
            [(p.minutes, _at_most(p.per_minute, bound)) for p in phases],
            born=_first_minute(phases),
        )
        for bound in bounds
    ]
    series.append(
        _counter(
            f"{name}_count",
            labels,
            [(p.minutes, sum(p.per_minute.values())) for p in phases],
            born=_first_minute(phases),
        )
    )
    series.append(
        _counter(
            f"{name}_sum",
            labels,
            [(p.minutes, sum(float(s) * n for s, n in p.per_minute.items())) for p in phases],
            born=_first_minute(phases),
        )
    )
    return series


def hook_latencies(*phases: Phase, pod: int = 0, route: str = HOOK_ROUTE) -> list[Series]:
    method = "POST" if route == HOOK_ROUTE else "GET"
    return latencies(
        "pvp_cds_http_request_duration_seconds", phases, **target(pod), route=route, method=method
    )


def gauge(name: str, values: Iterable[float], pod: int = 0, **labels: str) -> Series:
    return Series(name, {**target(pod), **labels}, tuple(values))


def monitor_gauges(
    gauges: MonitorGauges | None, minutes: int, pods: int = len(PODS)
) -> list[Series]:
    """What each pod's metrics port serves from a monitor.json holding ``gauges`` (None: no
    file it can read), read by the service's own collector."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "monitor.json"
        if gauges is not None:
            path.write_text(json.dumps({"gauges": gauges.as_json()}))
        families = list(MonitorCollector(path).collect())
    return [
        gauge(sample.name, [sample.value] * (minutes + 1), pod, **sample.labels)
        for pod in range(pods)
        for family in families
        for sample in family.samples
    ]


def _counter(
    name: str, labels: Mapping[str, str], rates: list[tuple[int, float]], born: int | None = None
) -> Series:
    """Cumulative counts, one a minute; absent until ``born`` (by default, the first count)."""
    values: list[float | None] = []
    total = 0.0
    minute = 0
    values.append(None)
    for minutes, per_minute in rates:
        for _ in range(minutes):
            minute += 1
            total += per_minute
            exported = total > 0 if born is None else minute >= born
            values.append(total if exported else None)
    return Series(name, dict(labels), tuple(values))


def _at_most(per_minute: Mapping[str, float], bound: float) -> float:
    return sum(count for seconds, count in per_minute.items() if float(seconds) <= bound)


def _first_minute(phases: list[Phase]) -> int:
    """The minute of a histogram's first observation: all its buckets appear then."""
    minute = 0
    for phase in phases:
        if any(phase.per_minute.values()):
            return minute + 1
        minute += phase.minutes
    return minute + 1
