"""The service with its audit append swapped, for benchmarks/bench_audit_cost.py only: what
keeping a card's record before the card is sent costs a scored call under gunicorn, and what
other ways of keeping it would cost.

Only the shipped append keeps the promise of docs/storage.md (the record fsynced to the
backlog before the card is sent). ``sqlite-no-fsync`` keeps the backlog without an fsync a
commit; the journals write each record as a line of JSON to a file of the process's own, and
move nothing to the database (a design built on one would add the mover's share); ``no-write``
builds and serialises the record and writes nothing. None of them is a store to serve with.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from flask import Flask

from cds_service import create_app, json_provider
from cds_service.storage import spool


class Journal:
    """Records appended to a file of this process's own, under one lock; ``sync``: each
    append waits for ``fdatasync`` (survives a power cut), else for the page cache only
    (survives the process's crash, not the machine's)."""

    def __init__(self, data_dir: Path, sync: bool) -> None:
        self._data_dir = data_dir
        self._sync = sync
        self._lock = threading.Lock()
        self._descriptor: int | None = None

    def append(self, kind: str, payloads: list[dict[str, Any]]) -> None:
        data = b"".join(json_provider.dumps([kind, p]) + b"\n" for p in payloads)
        with self._lock:
            if self._descriptor is None:  # opened in the worker, after the fork
                path = self._data_dir / f"journal-{os.getpid()}"
                self._descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.write(self._descriptor, data)
            if self._sync:
                os.fdatasync(self._descriptor)


def _serialised_only(kind: str, payloads: list[dict[str, Any]]) -> None:
    for payload in payloads:
        json_provider.dumps(payload)


def journal_app(sync: str) -> Flask:
    app = create_app()
    store = app.extensions["pvp_cds_store"]
    store.spool.append = Journal(store.spool.data_dir, sync == "fdatasync").append
    return app


def no_write_app() -> Flask:
    app = create_app()
    app.extensions["pvp_cds_store"].spool.append = _serialised_only
    return app


def sqlite_no_fsync_app() -> Flask:
    """The shipped backlog with ``synchronous=OFF``: SQLite's commit as shipped, no fsync."""

    def connect(self: spool.BacklogFile) -> sqlite3.Connection:
        connection = spool._connect(self.path)
        connection.execute("PRAGMA synchronous=OFF")
        return connection

    spool.BacklogFile._connect = connect
    return create_app()
