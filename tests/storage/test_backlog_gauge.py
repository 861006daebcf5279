"""The backlog gauge says what waits for the database: once the background mover has moved the
records, it reads 0, without waiting for a readiness probe to count again."""

from __future__ import annotations

import time

from cds_service import metrics
from tests.service.metrics_reading import samples, value

SERVICE = "pvp-residual-back-pain"
ITEM = {"card": "card-1", "outcome": "accepted", "outcomeTimestamp": "2026-03-11T10:05:00Z"}


def backlog_gauge() -> float:
    return value(samples(metrics.exposition()[0].decode()), "pvp_cds_storage_backlog")


def test_the_backlog_gauge_reads_zero_once_the_mover_has_moved_the_records(store):
    metrics.storage_backlog(7)  # an earlier reading, taken while records waited
    store.record_feedback(SERVICE, [ITEM])  # wakes the background mover

    deadline = time.monotonic() + 10
    while (store.spool.counts() != (0, 0) or backlog_gauge() != 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.spool.counts() == (0, 0)
    assert backlog_gauge() == 0
