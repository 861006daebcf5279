"""The local durable backlog: records written to local disk before the database has them.

A card must never wait on the database, so audit, feedback and replay records are appended
here (a SQLite file in the data directory, fsynced on commit) and moved to the database by a
background thread. Every process on the host shares the file. A record leaves the backlog only
after the database has committed it; records carry their own unique keys, so one moved twice
(two processes draining at once, or a crash between the database's commit and the removal
here) is stored once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPOOL_FILE = "backlog.sqlite3"


@dataclass(frozen=True)
class Pending:
    id: int
    kind: str
    payload: dict[str, Any]


#: Connections a forked child inherited: never used, and never closed, since closing
#: SQLite's handles in a child can disturb the parent's locks.
_INHERITED: list[sqlite3.Connection] = []


class Spool:
    """Append, read oldest first, remove. One connection per thread and process, kept open:
    closing the last connection to a WAL database checkpoints and deletes the WAL file, which
    costs several fsyncs per record. A connection never crosses a fork (gunicorn forks its
    workers after the app is built)."""

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = path
        self._timeout = timeout
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as connection:
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
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO pending (kind, payload, spooled_at) VALUES (?, ?, ?)",
                (kind, json.dumps(payload), time.time()),
            )

    def oldest(self, limit: int) -> list[Pending]:
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, kind, payload FROM pending WHERE refused IS NULL ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        return [Pending(row[0], row[1], json.loads(row[2])) for row in rows]

    def remove(self, ids: list[int]) -> None:
        with self._connection() as connection:
            connection.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])

    def mark_refused(self, record_id: int, reason: str) -> None:
        with self._connection() as connection:
            connection.execute("UPDATE pending SET refused = ? WHERE id = ?", (reason, record_id))

    def counts(self) -> tuple[int, int]:
        """Records waiting for the database, and records it refused."""
        with self._connection() as connection:
            waiting, refused = connection.execute(
                "SELECT COUNT(*) FILTER (WHERE refused IS NULL),"
                " COUNT(*) FILTER (WHERE refused IS NOT NULL) FROM pending"
            ).fetchone()
        return waiting, refused

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, in a write transaction committed on leaving."""
        connection = self._thread_connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

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
