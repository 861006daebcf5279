"""State shared by every process and instance: the same feedback from many threads and
processes is stored once. (The jti replay check: test_replay_stores.py.)"""

from __future__ import annotations

import multiprocessing

from cds_service import storage
from cds_service.storage import schema

from . import workers
from .conftest import at_once, config_for, rows

SERVICE = "pvp-residual-back-pain"
ITEM = {
    "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
    "outcome": "overridden",
    "overrideReason": {"reason": {"system": "http://example.org/reasons", "code": "planned"}},
    "outcomeTimestamp": "2026-03-11T10:05:00Z",
}
THREADS, PROCESSES = 12, 3


def stores(database_url: str, tmp_path, count: int) -> list[storage.Store]:
    """One store per simulated process or host, each with its own local backlog."""
    return [
        storage.open_store(config_for(database_url, tmp_path / f"host-{n}")) for n in range(count)
    ]


def in_processes(target, database_url: str, tmp_path, *args) -> list:
    """Run ``target`` in several processes at once, forked as gunicorn forks its workers;
    their results."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(
            target=workers.reporting,
            args=(
                results,
                target,
                config_for(database_url, tmp_path / f"process-{n}"),
                barrier,
                *args,
            ),
        )
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return outcomes


def test_the_same_feedback_from_many_threads_is_stored_once(database_url, tmp_path):
    opened = stores(database_url, tmp_path, THREADS)

    def send(index: int) -> bool:
        opened[index].record_feedback(SERVICE, [ITEM])
        return opened[index].flush()

    assert all(at_once(send, THREADS))
    for store in opened:
        store.close()
    assert [row["item"] for row in rows(database_url, schema.feedback)] == [ITEM]


def test_the_same_feedback_from_several_processes_is_stored_once(database_url, tmp_path):
    assert all(in_processes(workers.send_feedback, database_url, tmp_path, SERVICE, ITEM))
    assert [row["item"] for row in rows(database_url, schema.feedback)] == [ITEM]
