"""Connections to one SQLite file, shared by a process's threads one at a time.

A connection is kept open for the next use: opening one per statement costs a file open and,
in WAL mode, closing the last one checkpoints and deletes the WAL file. Each is used by one
thread at a time, and closed only once no thread uses it: CPython's ``sqlite3`` does not
guard a connection that one thread closes while another runs a statement on it, and a gunicorn
worker closing its files on exit while a late call still ran crashed, and once left a backlog
file with its header overwritten.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class PoolClosed(Exception):
    """The pool was closed: its file is no longer this process's to use."""


class ConnectionPool:
    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._state = threading.Condition()
        self._idle: list[sqlite3.Connection] = []
        self._in_use = 0
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for this thread alone until the block ends; PoolClosed once closed."""
        with self._state:
            if self._closed:
                raise PoolClosed
            connection = self._idle.pop() if self._idle else None
            self._in_use += 1
        try:
            if connection is None:
                connection = self._connect()
            yield connection
        finally:
            with self._state:
                self._in_use -= 1
                if connection is not None:
                    self._idle.append(connection)
                self._state.notify_all()

    def close(self) -> None:
        """Refuse new uses, wait for those under way, and close every connection."""
        with self._state:
            self._closed = True
            self._state.wait_for(lambda: self._in_use == 0)
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
