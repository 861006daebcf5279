"""The local durable backlog: records written to local disk before the database has them.

A card must never wait on the database, so audit, feedback and replay records are appended
here (a SQLite file in the data directory, fsynced on commit) and moved to the database by a
background thread. Every process on the host shares the file. A record leaves the backlog only
after the database has committed it; records carry their own unique keys, so one moved twice
(two processes draining at once, or a crash between the database's commit and the removal
here) is stored once.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .. import json_provider

SPOOL_FILE = "backlog.sqlite3"


@dataclass(frozen=True)
class Pending:
    id: int
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    """A record kept for an operator: what it is and why, never its content."""

    id: int
    kind: str
    spooled_at: float
    reason: str


@dataclass
class _Queued:
    """A record waiting for this process's next commit."""

    row: tuple[str, str]
    # Both set by the committing thread before it releases the commit lock.
    committed: bool = False
    error: BaseException | None = None


#: Connections a forked child inherited: never used, and never closed, since closing
#: SQLite's handles in a child can disturb the parent's locks.
_INHERITED: list[sqlite3.Connection] = []


class Spool:
    """Append, read oldest first, remove. One connection per thread and process, kept open:
    closing the last connection to a WAL database checkpoints and deletes the WAL file, which
    costs several fsyncs per record. A connection never crosses a fork (gunicorn forks its
    workers after the app is built).

    Writers queue on a lock file beside the backlog (``flock``) before SQLite's own lock: a
    process that finds SQLite's lock taken sleeps in growing steps (1, 2, 5, 10... ms) and
    polls, which under load left hook calls waiting hundreds of milliseconds for a commit that
    takes a fraction of one; a process waiting on ``flock`` is woken as soon as it is free.
    """

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = path
        self._timeout = timeout
        self._local = threading.local()
        self._queue: list[_Queued] = []
        self._queue_lock = threading.Lock()
        # This process's writers, one at a time (flock does not tell one thread from another).
        self._writing = threading.RLock()
        #: Lock file name -> (process id, descriptor): see _lock_descriptor.
        self._lock_files: dict[str, tuple[int, int]] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._write_transaction() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS pending ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " kind TEXT NOT NULL,"
                " payload TEXT NOT NULL,"
                " spooled_at REAL NOT NULL,"
                # Set when the database refused the record itself (not a connection failure):
                # kept for an operator, no longer retried.
                " refused TEXT)"
            )

    def append(self, kind: str, payload: dict[str, Any]) -> None:
        """Return once the record is on disk. Group commit: the records of this process's
        threads that queue while one commit is under way go to disk together in the next
        one, so concurrent hook calls share an fsync instead of waiting for one each."""
        queued = _Queued((kind, json_provider.dumps(payload).decode()))
        with self._queue_lock:
            self._queue.append(queued)
        with self._writing:
            if not queued.committed:
                self._commit_queue()
        if queued.error is not None:
            raise queued.error

    def _commit_queue(self) -> None:
        with self._queue_lock:
            batch, self._queue = self._queue, []
        try:
            with self._write_transaction() as connection:
                spooled_at = time.time()
                connection.executemany(
                    "INSERT INTO pending (kind, payload, spooled_at) VALUES (?, ?, ?)",
                    [(*queued.row, spooled_at) for queued in batch],
                )
        except BaseException as exc:
            for queued in batch:
                queued.error = exc
        finally:
            for queued in batch:
                queued.committed = True

    def oldest(self, limit: int) -> list[Pending]:
        # A read needs no lock: WAL readers see the last commit and never wait for a writer.
        rows = (
            self._thread_connection()
            .execute(
                "SELECT id, kind, payload FROM pending WHERE refused IS NULL ORDER BY id LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [Pending(row[0], row[1], orjson.loads(row[2])) for row in rows]

    def remove(self, ids: list[int]) -> None:
        with self._write_transaction() as connection:
            connection.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])

    def mark_refused(self, record_id: int, reason: str) -> None:
        with self._write_transaction() as connection:
            connection.execute("UPDATE pending SET refused = ? WHERE id = ?", (reason, record_id))

    def refused(self) -> list[Refused]:
        rows = (
            self._thread_connection()
            .execute(
                "SELECT id, kind, spooled_at, refused FROM pending WHERE refused IS NOT NULL"
                " ORDER BY id"
            )
            .fetchall()
        )
        return [Refused(*row) for row in rows]

    def retry_refused(self) -> int:
        """Put the refused records back in line for the database; return how many."""
        with self._write_transaction() as connection:
            return connection.execute(
                "UPDATE pending SET refused = NULL WHERE refused IS NOT NULL"
            ).rowcount

    def counts(self) -> tuple[int, int]:
        """Records waiting for the database, and records it refused."""
        waiting, refused = (
            self._thread_connection()
            .execute(
                "SELECT COUNT(*) FILTER (WHERE refused IS NULL),"
                " COUNT(*) FILTER (WHERE refused IS NOT NULL) FROM pending"
            )
            .fetchone()
        )
        return waiting, refused

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, in a write transaction committed on leaving."""
        with self._writing, self._between_processes():
            connection = self._thread_connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @contextmanager
    def moving(self, *, wait: bool) -> Iterator[bool]:
        """Whether this process may move records to the database now. One process at a
        time: two would each move the same records (stored once, but the work done twice).
        Without ``wait``, False at once when another process is moving; it moves every
        process's records, so this one's too."""
        descriptor = self._lock_descriptor("move")
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    @contextmanager
    def _between_processes(self) -> Iterator[None]:
        descriptor = self._lock_descriptor("write")
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _lock_descriptor(self, name: str) -> int:
        # Opened once per process: a descriptor inherited across a fork shares its lock
        # with the parent's, so it would not keep the two apart.
        held = self._lock_files.get(name)
        if held is None or held[0] != os.getpid():
            descriptor = os.open(f"{self.path}.{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            held = self._lock_files[name] = (os.getpid(), descriptor)
        return held[1]

    def _thread_connection(self) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        if held is not None:
            _INHERITED.append(held[1])
        connection = sqlite3.connect(
            self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        # fsync on every commit: an appended record survives a crash or a power cut.
        connection.execute("PRAGMA synchronous=FULL")
        self._local.held = (os.getpid(), connection)
        return connection
