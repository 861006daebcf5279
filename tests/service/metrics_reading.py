"""Reading the Prometheus text format back into numbers, with prometheus_client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(exposition: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(read: Samples, name: str, **labels: str) -> float:
    return read.get((name, frozenset(labels.items())), 0.0)


def changes(before: Samples, after: Samples, name: str) -> dict[frozenset, float]:
    """Per label set, how much the samples called ``name`` grew between two readings."""
    return {
        labels: count - before.get((sample, labels), 0.0)
        for (sample, labels), count in after.items()
        if sample == name and count != before.get((sample, labels), 0.0)
    }
