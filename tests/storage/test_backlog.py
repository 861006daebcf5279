"""The local backlog: concurrent appends share commits and none is lost, a failed commit is
reported to every caller whose record was in it, and each process keeps a file of its own,
which another process takes over only once its owner has ended (docs/storage.md)."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from cds_service import create_app
from cds_service.storage import schema
from cds_service.storage import spool as spool_module
from cds_service.storage.spool import BACKLOG_DIRECTORY, BacklogFile, Spool

from . import workers
from .conftest import config_for, rows

THREADS, EACH = 8, 25
SERVICE = "pvp-residual-back-pain"


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path)


def backlog_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / BACKLOG_DIRECTORY).glob("*.sqlite3"))


def feedback(card: int) -> dict:
    return {
        "card": f"5d1a1b8e-0000-4000-8000-{card:012d}",
        "outcome": "accepted",
        "outcomeTimestamp": "2026-11-28T10:00:00Z",
    }


def test_concurrent_appends_are_all_kept_once(spool):
    def append_many(thread: int) -> None:
        for n in range(EACH):
            spool.append("audit", [{"thread": thread, "n": n}])

    threads = [threading.Thread(target=append_many, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = [
        (p.payload["thread"], p.payload["n"]) for p in spool.current().oldest(THREADS * EACH + 1)
    ]
    assert sorted(kept) == [(t, n) for t in range(THREADS) for n in range(EACH)]
    assert spool.counts() == (THREADS * EACH, 0)


def test_an_append_returns_only_once_its_record_is_committed(spool, tmp_path):
    for n in range(5):
        spool.append("audit", [{"n": n}])
        # Read through a connection of its own.
        (path,) = backlog_files(tmp_path)
        with sqlite3.connect(path) as other:
            assert other.execute("SELECT COUNT(*) FROM pending").fetchone() == (n + 1,)


def test_the_records_of_one_append_are_kept_together(spool, monkeypatch):
    spool.append("audit", [{"n": 0}])
    commits = []
    real_transaction = BacklogFile._write_transaction

    def counted(backlog):
        commits.append(1)
        return real_transaction(backlog)

    monkeypatch.setattr(BacklogFile, "_write_transaction", counted)
    spool.append("feedback", [{"n": n} for n in range(1, 501)])
    assert len(commits) == 1
    assert spool.counts() == (501, 0)


def test_a_failed_commit_is_raised_to_the_caller_and_keeps_nothing(spool, monkeypatch):
    spool.append("audit", [{"n": 0}])

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(BacklogFile, "_write_transaction", full_disk)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        spool.append("audit", [{"n": 1}, {"n": 2}])
    monkeypatch.undo()
    assert spool.counts() == (1, 0)
    # The queue is empty again: the next record goes through alone.
    spool.append("audit", [{"n": 3}])
    assert [p.payload for p in spool.current().oldest(10)] == [{"n": 0}, {"n": 3}]


def test_building_the_app_opens_no_backlog_file(tmp_path):
    # gunicorn builds the app once, then forks its workers: a SQLite file opened before the
    # fork would be shared by every worker, without the locks that keep them apart.
    app = create_app({"AUTHENTICATION": "off", "DATA_DIR": str(tmp_path)})
    opened = [path.name for path in tmp_path.rglob("*.sqlite3*")]
    # The embedded database and the replay file, each closed once made.
    assert sorted(opened) == ["pvp-cds.sqlite3", "replay.sqlite3"]
    assert app.extensions["pvp_cds_store"]._flusher is None  # nor any thread moving one
    app.extensions["pvp_cds_store"].close()


def test_the_file_of_a_live_process_is_not_taken_over(tmp_path):
    # Two Spools in one process stand for two processes: each takes its own locks.
    owner, other = Spool(tmp_path), Spool(tmp_path)
    owner.append("audit", [{"n": 1}])
    assert other.adopt_orphans() == 0
    assert owner.counts() == (1, 0)


def test_the_records_of_a_process_that_ended_are_taken_over_once_and_its_file_deleted(tmp_path):
    ended, taker = Spool(tmp_path), Spool(tmp_path)
    ended.append("audit", [{"n": n} for n in range(3)])
    ended.close()  # as its process ends: its lock goes, its file stays
    (left,) = backlog_files(tmp_path)

    assert taker.adopt_orphans() == 3
    assert sorted(p.payload["n"] for p in taker.current().oldest(10)) == [0, 1, 2]
    assert not left.exists()
    assert Spool(tmp_path).adopt_orphans() == 0


def test_an_empty_backlog_file_is_deleted_when_its_process_ends(spool, tmp_path):
    spool.append("audit", [{"n": 1}])
    spool.current().remove([p.id for p in spool.current().oldest(10)])
    spool.close()
    assert backlog_files(tmp_path) == []
    assert list((tmp_path / BACKLOG_DIRECTORY).glob("*.lock")) == []


def test_a_removal_after_the_file_was_let_go_touches_no_other_file(spool):
    # The mover read a batch; the process let its file go (it ends) before the batch was
    # removed, and a call still in flight kept its record in a new file, where ids start again.
    spool.append("audit", [{"n": "moved"}])
    read_from = spool.current()
    batch = read_from.oldest(10)
    spool.close()
    spool.append("audit", [{"n": "in flight"}])

    read_from.remove([pending.id for pending in batch])
    assert [p.payload for p in spool.current().oldest(10)] == [{"n": "in flight"}]


def test_a_backlog_file_that_cannot_be_read_is_kept_and_listed(tmp_path, spool):
    directory = tmp_path / BACKLOG_DIRECTORY
    (directory / "4242-0badf11e.sqlite3").write_bytes(b"not a SQLite file" * 100)
    (directory / "4242-0badf11e.lock").touch()

    assert spool.adopt_orphans() == 0
    assert (directory / "4242-0badf11e.sqlite3").exists()
    (listed,) = spool.refused()
    assert (listed.id, listed.kind) == ("4242-0badf11e.sqlite3", "backlog file")
    assert listed.reason == "unreadable: DatabaseError"
    assert spool.counts() == (0, 1)


def test_records_left_by_a_killed_process_reach_the_database_once(database_url, tmp_path):
    config = config_for(database_url, tmp_path / "data")
    killed = multiprocessing.get_context("spawn").Process(
        target=workers.leave_records, args=(config, SERVICE, [feedback(n) for n in range(20)])
    )
    killed.start()
    killed.join(timeout=120)
    assert killed.exitcode == 0 and len(backlog_files(tmp_path / "data")) == 1

    app = create_app({**config, "AUTHENTICATION": "off"})
    store = app.extensions["pvp_cds_store"]
    assert store.flush()
    store.close()
    stored = sorted(row["card_uuid"] for row in rows(database_url, schema.feedback))
    assert stored == [feedback(n)["card"] for n in range(20)]
    assert backlog_files(tmp_path / "data") == []


def test_the_shared_backlog_file_of_an_earlier_version_is_taken_over(database_url, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    # What versions before one file per process left: one file, refused records marked in it.
    with sqlite3.connect(data / "backlog.sqlite3") as shared:
        shared.execute(
            "CREATE TABLE pending (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
            " payload TEXT NOT NULL, spooled_at REAL NOT NULL, refused TEXT)"
        )
        for n, refused in ((1, None), (2, "IntegrityError"), (3, None)):
            payload = {
                "service_id": SERVICE,
                "item": feedback(n),
                "received_at": "2026-11-28T10:00:01+00:00",
            }
            shared.execute(
                "INSERT INTO pending (kind, payload, spooled_at, refused) VALUES (?, ?, ?, ?)",
                ("feedback", json.dumps(payload), 1_764_320_000.0 + n, refused),
            )
    (data / "backlog.sqlite3.write.lock").touch()

    app = create_app({**config_for(database_url, data), "AUTHENTICATION": "off"})
    store = app.extensions["pvp_cds_store"]
    assert store.flush()
    (refused,) = store.spool.refused()
    store.close()

    stored = sorted(row["card_uuid"] for row in rows(database_url, schema.feedback))
    assert stored == [feedback(1)["card"], feedback(3)["card"]]
    assert (refused.kind, refused.reason) == ("feedback", "IntegrityError")
    assert not (data / "backlog.sqlite3").exists()


def held_inside_its_statement(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Backlog connections whose statements, in the thread named "reader", stop once inside
    (SQLite calls the progress handler while a statement runs) until released."""
    inside, release = threading.Event(), threading.Event()

    def hold() -> int:
        if threading.current_thread().name == "reader" and not inside.is_set():
            inside.set()
            release.wait(10)
        return 0

    def connect(path: Path) -> sqlite3.Connection:
        connection = connect_for_real(path)
        connection.set_progress_handler(hold, 1)
        return connection

    connect_for_real = spool_module._connect
    monkeypatch.setattr(spool_module, "_connect", connect)
    return inside, release


def test_a_read_under_way_when_the_file_is_let_go_ends_with_its_rows_before_the_file_goes(
    spool, tmp_path, monkeypatch
):
    # gunicorn runs worker_exit while a late call may still read the backlog (the readiness
    # probe's count, the mover's batch); closing a connection under a running statement
    # crashed the worker, and once left the file's header overwritten.
    inside, release = held_inside_its_statement(monkeypatch)
    spool.append("audit", [{"n": 1}])
    backlog = spool.current()
    read: list = []
    reader = threading.Thread(target=lambda: read.extend(backlog.oldest(10)), name="reader")
    reader.start()
    assert inside.wait(10)
    closer = threading.Thread(target=spool.close)
    closer.start()

    closer.join(0.3)
    assert closer.is_alive(), "the file was let go under a read"
    release.set()
    reader.join(10)
    closer.join(10)
    assert [pending.payload for pending in read] == [{"n": 1}]
    (left,) = backlog_files(tmp_path)
    assert sqlite3.connect(left).execute("SELECT COUNT(*) FROM pending").fetchone() == (1,)


def test_a_file_is_read_through_as_many_connections_as_threads_read_it_at_once(spool, monkeypatch):
    # One connection per thread that ever read it left a connection, three descriptors, open
    # for each new mover thread: one per burst of calls, for the life of the process.
    opened = []
    connect_for_real = spool_module._connect
    monkeypatch.setattr(
        spool_module, "_connect", lambda path: opened.append(path) or connect_for_real(path)
    )
    spool.append("audit", [{"n": 1}])
    for _ in range(20):
        thread = threading.Thread(target=lambda: (spool.current().oldest(10), spool.counts()))
        thread.start()
        thread.join()
    assert len(opened) == 1


def test_a_file_let_go_counts_no_records_and_opens_no_connection(spool, monkeypatch):
    spool.append("audit", [{"n": 1}])
    backlog = spool.current()
    spool.close()
    monkeypatch.setattr(spool_module, "_connect", lambda path: pytest.fail("opened"))
    assert (backlog.waiting(), backlog.oldest(10)) == (0, [])
