"""The local backlog under concurrency: concurrent appends share commits and none is lost, a
failed commit is reported to every caller whose record was in it, and one process at a time
moves records to the database."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from cds_service.storage.spool import SPOOL_FILE, Spool

THREADS, EACH = 8, 25


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path / SPOOL_FILE)


def test_concurrent_appends_are_all_kept_once(spool):
    def append_many(thread: int) -> None:
        for n in range(EACH):
            spool.append("audit", {"thread": thread, "n": n})

    threads = [threading.Thread(target=append_many, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = [(p.payload["thread"], p.payload["n"]) for p in spool.oldest(THREADS * EACH + 1)]
    assert sorted(kept) == [(t, n) for t in range(THREADS) for n in range(EACH)]
    assert spool.counts() == (THREADS * EACH, 0)


def test_an_append_returns_only_once_its_record_is_committed(spool, tmp_path):
    # Read through a connection of its own, as another process would.
    for n in range(5):
        spool.append("audit", {"n": n})
        with sqlite3.connect(tmp_path / SPOOL_FILE) as other:
            assert other.execute("SELECT COUNT(*) FROM pending").fetchone() == (n + 1,)


def test_a_failed_commit_is_raised_to_the_caller_and_keeps_nothing(spool, monkeypatch):
    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(spool, "_write_transaction", full_disk)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        spool.append("audit", {"n": 1})
    monkeypatch.undo()
    assert spool.counts() == (0, 0)
    # The queue is empty again: the next record goes through alone.
    spool.append("audit", {"n": 2})
    assert [p.payload for p in spool.oldest(10)] == [{"n": 2}]


def test_only_one_mover_at_a_time(tmp_path):
    # Two Spools on one file stand for two processes: each opens its own lock file descriptor.
    first, second = Spool(tmp_path / SPOOL_FILE), Spool(tmp_path / SPOOL_FILE)
    with first.moving(wait=False) as first_moves:
        with second.moving(wait=False) as second_moves:
            assert (first_moves, second_moves) == (True, False)
    with second.moving(wait=False) as second_moves:
        assert second_moves


def test_a_store_flush_waits_for_the_other_mover_and_then_empties_the_backlog(app, tmp_path):
    store = app.extensions["pvp_cds_store"]
    store.spool.append("feedback", _feedback_payload())
    other = Spool(store.spool.path)
    acquired, released = threading.Event(), threading.Event()

    def other_process_moving() -> None:
        with other.moving(wait=True):
            acquired.set()
            released.wait(5)

    holder = threading.Thread(target=other_process_moving)
    holder.start()
    acquired.wait(5)
    try:
        # The background mover gives way at once; nothing has moved.
        assert store._drain(until_empty=False) is False
        assert store.spool.counts() == (1, 0)
    finally:
        released.set()
        holder.join()
    assert store.flush() is True
    assert store.spool.counts() == (0, 0)
    assert len(store.feedback_items("pvp-residual-back-pain")) == 1


def _feedback_payload() -> dict:
    return {
        "service_id": "pvp-residual-back-pain",
        "item": {
            "card": "5d1a1b8e-0000-4000-8000-000000000001",
            "outcome": "accepted",
            "outcomeTimestamp": "2026-11-28T10:00:00Z",
        },
        "received_at": "2026-11-28T10:00:01+00:00",
    }
