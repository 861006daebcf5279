"""The local durable backlog: records kept on local disk until the database has them.

A card must never wait on the database, so audit, feedback and replay records are appended
here and moved to the database by a background thread (``store.py``). A record leaves the
backlog only after the database has committed it; records carry their own unique keys, so one
moved twice (a crash between the database's commit and the removal here) is stored once.

**One file per process.** Each process appends to a SQLite file of its own,
``backlog/<owner>.sqlite3`` (WAL, fsynced on commit), created by the process after it has
started (so never before gunicorn forks its workers) and opened only while the process holds
the exclusive ``flock`` of ``backlog/<owner>.lock``. No two processes ever open one SQLite file,
so nothing rests on SQLite's locks between processes: a connection carried across ``fork``
leaves the child without them, and a process that then believes itself alone resets the WAL
under the live one (a backlog shared by every process broke that way when a gunicorn master
died before its workers). A process that ends, however it ends, drops its lock with it; any
other process on the data directory then takes the lock, copies the records into its own
backlog and deletes the file (``adopt_orphans``).

A record the database refuses, or that this version cannot read, is set aside as a JSON file of
its own in ``backlog/refused/`` for an operator (``pvp-cds db backlog``), where any process can
list it and put it back in line.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .. import json_provider
from .sqlite_pool import ConnectionPool, PoolClosed

log = logging.getLogger(__name__)

BACKLOG_DIRECTORY = "backlog"
REFUSED_DIRECTORY = "refused"
#: Earlier versions kept one backlog file for every process of the host, beside the database:
#: an upgrade takes its records over like those of a process that ended.
SHARED_FILE = "backlog.sqlite3"
#: Records copied from an orphaned file per transaction.
ADOPT_BATCH = 500


@dataclass(frozen=True)
class Pending:
    id: int
    kind: str
    payload: dict[str, Any]
    spooled_at: float
    #: The backlog file it is kept in.
    source: str


@dataclass(frozen=True)
class Refused:
    """A record kept for an operator: what it is and why, never its content."""

    id: str
    kind: str
    spooled_at: float
    reason: str


@dataclass
class _Queued:
    """Records waiting for this process's next commit: (kind, payload as JSON, spooled at)."""

    rows: list[tuple[str, str, float]]
    # Both set by the committing thread before it releases the commit lock.
    committed: bool = False
    error: BaseException | None = None


class _Lock:
    """The exclusive ``flock`` of a lock file: the file it guards is ours while we hold it."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor = descriptor

    @classmethod
    def take(cls, path: Path, *, create: bool = False) -> _Lock | None:
        """The lock, or None if another process holds it or the file is gone. ``create``:
        a new lock file, locked before anyone else can take it."""
        flags = os.O_RDWR | os.O_CLOEXEC | (os.O_CREAT | os.O_EXCL if create else 0)
        try:
            descriptor = os.open(path, flags, 0o600)
        except (FileNotFoundError, FileExistsError):
            return None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Still the file at that path: a process that retired it (and removed it) after we
            # opened it, or took a new lock file in the moment before we locked it, has not left
            # us the lock of anything.
            if not os.path.samestat(os.fstat(descriptor), os.stat(path)):
                raise FileNotFoundError(path)
        except (BlockingIOError, FileNotFoundError):
            os.close(descriptor)
            return None
        return cls(path, descriptor)

    def release(self, *, remove: bool) -> None:
        if remove:
            self.path.unlink(missing_ok=True)  # while still held: nobody takes it meanwhile
        os.close(self._descriptor)


class BacklogFile:
    """The backlog file of one process, read and written through a pool of connections kept
    open (``sqlite_pool``)."""

    def __init__(self, path: Path, lock: _Lock) -> None:
        self.path = path
        self.pid = os.getpid()
        self._lock = lock
        self._queue: list[_Queued] = []
        self._queue_lock = threading.Lock()
        # This process's writers, one at a time (no other process writes here).
        self._writing = threading.RLock()
        self._connections = ConnectionPool(self._connect)
        with self._write_transaction() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS pending ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " kind TEXT NOT NULL,"
                " payload TEXT NOT NULL,"
                " spooled_at REAL NOT NULL)"
            )

    @classmethod
    def create(cls, directory: Path) -> BacklogFile:
        while True:
            name = f"{os.getpid()}-{secrets.token_hex(4)}"
            lock = _Lock.take(directory / f"{name}.lock", create=True)
            if lock is not None:
                return cls(directory / f"{name}.sqlite3", lock)

    @property
    def name(self) -> str:
        return self.path.stem

    def append(self, rows: list[tuple[str, str, float]]) -> None:
        """Return once the rows are on disk. Group commit: the records of this process's
        threads that queue while one commit is under way go to disk together in the next
        one, so concurrent hook calls share an fsync instead of waiting for one each."""
        queued = _Queued(rows)
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
                connection.executemany(
                    "INSERT INTO pending (kind, payload, spooled_at) VALUES (?, ?, ?)",
                    [row for queued in batch for row in queued.rows],
                )
        except BaseException as exc:
            for queued in batch:
                queued.error = exc
        finally:
            for queued in batch:
                queued.committed = True

    def oldest(self, limit: int) -> list[Pending]:
        """The oldest records; none from a file let go (they are the next process's)."""
        # A read needs no lock: WAL readers see the last commit and never wait for a writer.
        try:
            with self._connections.connection() as connection:
                rows = connection.execute(
                    "SELECT id, kind, payload, spooled_at FROM pending ORDER BY id LIMIT ?",
                    (limit,),
                ).fetchall()
        except PoolClosed:
            return []
        return [Pending(*row[:2], orjson.loads(row[2]), row[3], self.name) for row in rows]

    def remove(self, ids: list[int]) -> None:
        """Remove records once the database has them. From a file let go meanwhile, nothing:
        the next process moves them again, and the database stores them once."""
        try:
            with self._write_transaction() as connection:
                connection.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])
        except PoolClosed:
            return

    def waiting(self) -> int:
        """Records waiting here; none in a file let go (they are the next process's)."""
        try:
            return self._count()
        except PoolClosed:
            return 0

    def close(self) -> None:
        """Close the file and let it go: deleted if it holds nothing, otherwise left for the
        next process to take its records over. Readers under way finish first: the file is
        not let go while this process still reads it."""
        with self._writing:
            retire = self._count() == 0
            self._connections.close()
            if retire:
                _delete_database(self.path)
            self._lock.release(remove=retire)

    def _count(self) -> int:
        with self._connections.connection() as connection:
            return connection.execute("SELECT COUNT(*) FROM pending").fetchone()[0]

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection in a write transaction committed on leaving; PoolClosed once the
        file is let go."""
        with self._writing, self._connections.connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _connect(self) -> sqlite3.Connection:
        connection = _connect(self.path)
        # fsync on every commit: an appended record survives a crash or a power cut.
        connection.execute("PRAGMA synchronous=FULL")
        return connection


#: Backlog files a forked child inherited: never used, and never closed, since closing
#: SQLite's handles in a child can disturb the parent's file (a checkpoint, the WAL).
_INHERITED: list[BacklogFile] = []


class Spool:
    """This process's backlog in the data directory, and the records other processes left
    there. Opening it writes nothing but a probe: the process's own file is created at its
    first record."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._own_file: BacklogFile | None = None
        self._opening = threading.Lock()
        #: Files of processes that ended which this process could not read: kept as they are,
        #: not tried again (file -> why).
        self._unreadable: dict[Path, str] = {}
        self.refused_directory.mkdir(parents=True, exist_ok=True)
        # The directory takes files: found out now, not at the first record.
        tempfile.TemporaryFile(dir=self.directory).close()

    @property
    def directory(self) -> Path:
        return self.data_dir / BACKLOG_DIRECTORY

    @property
    def refused_directory(self) -> Path:
        return self.directory / REFUSED_DIRECTORY

    # -- this process's records ---------------------------------------------------------------

    def append(self, kind: str, payloads: list[dict[str, Any]]) -> None:
        """Keep records of one kind, in one commit; return once they are on disk."""
        now = time.time()
        rows = [(kind, json_provider.dumps(p).decode(), now) for p in payloads]
        while True:
            try:
                return self._own().append(rows)
            except PoolClosed:  # let go meanwhile: the next file takes them
                continue

    def current(self) -> BacklogFile | None:
        """This process's backlog file, if it has one: what the mover reads and removes
        from, the same file from the first read to the last removal."""
        return self._own_if_open()

    def counts(self) -> tuple[int, int]:
        """Records of this process waiting for the database, and records set aside."""
        own = self._own_if_open()
        return (own.waiting() if own else 0), len(self._refused_files()) + len(self._unreadable)

    def close(self) -> None:
        """Let this process's file go: deleted when it holds nothing, else left for the next
        process. A later record opens a new one."""
        with self._opening:
            own, self._own_file = self._own_if_open(), None
        if own is not None:
            own.close()

    # -- records the database refused ---------------------------------------------------------

    def set_aside(self, pending: Pending, reason: str) -> None:
        """Keep a record for an operator (``pvp-cds db backlog``) instead of retrying it. Named
        after its place in this backlog, so one set aside twice (a crash before its removal
        from the backlog) is one file."""
        record = {
            "kind": pending.kind,
            "payload": pending.payload,
            "spooled_at": pending.spooled_at,
            "reason": reason,
        }
        name = f"{pending.source}-{pending.id}.json"
        _write_durably(self.refused_directory / name, orjson.dumps(record))

    def refused(self) -> list[Refused]:
        kept = []
        for path in self._refused_files():
            record = orjson.loads(path.read_bytes())
            kept.append(Refused(path.stem, record["kind"], record["spooled_at"], record["reason"]))
        kept += [
            Refused(path.name, "backlog file", path.stat().st_mtime, reason)
            for path, reason in self._unreadable.items()
        ]
        return sorted(kept, key=lambda refused: refused.spooled_at)

    def retry_refused(self) -> int:
        """Put the records set aside back in line for the database; return how many."""
        paths = self._refused_files()
        records = [orjson.loads(path.read_bytes()) for path in paths]
        rows = [
            (r["kind"], json_provider.dumps(r["payload"]).decode(), r["spooled_at"])
            for r in records
        ]
        if rows:
            self._own().append(rows)
        for path in paths:
            path.unlink()
        return len(rows)

    # -- records of processes that ended ------------------------------------------------------

    def adopt_orphans(self) -> int:
        """Take over the files of processes that have ended: copy their records into this
        process's backlog and delete them. Return how many records were taken over."""
        own = self._own()
        left = [
            (lock_path.with_suffix(".sqlite3"), lock_path)
            for lock_path in sorted(self.directory.glob("*.lock"))
            if lock_path != own.path.with_suffix(".lock")
        ]
        shared = self.data_dir / SHARED_FILE
        if shared.exists():
            # Earlier versions took this lock for every write to the shared file.
            Path(f"{shared}.write.lock").touch()
            left.append((shared, Path(f"{shared}.write.lock")))
            Path(f"{shared}.move.lock").unlink(missing_ok=True)
        adopted = 0
        for database, lock_path in left:
            if database not in self._unreadable and (lock := _Lock.take(lock_path)):
                adopted += self._adopt(database, lock, own)
        if adopted:
            log.info("took over %d records left on disk by processes that ended", adopted)
        return adopted

    def _adopt(self, database: Path, lock: _Lock, own: BacklogFile) -> int:
        """Copy the records of ``database``, whose lock this process now holds, and delete
        it; a file it cannot read is kept as it is."""
        copied, done = 0, False
        try:
            # No file: its process ended before its first record.
            copied = self._copy_records(database, own) if database.exists() else 0
            done = True
        except (sqlite3.DatabaseError, ValueError) as exc:
            # Never deleted: an operator may recover it. Listed by `pvp-cds db backlog`.
            self._unreadable[database] = f"unreadable: {type(exc).__name__}"
            log.error(
                "a backlog file left by a process that ended cannot be read (%s); kept as it is",
                type(exc).__name__,
            )
        finally:
            if done:
                _delete_database(database)
            lock.release(remove=done)
        return copied

    def _copy_records(self, database: Path, own: BacklogFile) -> int:
        """Copy the records of ``database`` (whose lock this process holds, so nobody else has
        it open) into ``own``, removing each batch once copied: a crash in between copies a
        batch twice, and the database stores it once."""
        source = _connect(database)
        copied = 0
        try:
            columns = {row[1] for row in source.execute("PRAGMA table_info(pending)")}
            if not columns:  # its process ended before the file was set up
                return 0
            # Earlier versions marked the records the database refused in the file itself.
            refused = "refused" if "refused" in columns else "NULL"
            while rows := source.execute(
                f"SELECT id, kind, payload, spooled_at, {refused} FROM pending ORDER BY id LIMIT ?",
                (ADOPT_BATCH,),
            ).fetchall():
                waiting = [(kind, payload, at) for _, kind, payload, at, why in rows if not why]
                if waiting:
                    own.append(waiting)
                for row_id, kind, payload, at, why in rows:
                    if why:
                        pending = Pending(row_id, kind, orjson.loads(payload), at, database.stem)
                        self.set_aside(pending, why)
                source.execute("BEGIN IMMEDIATE")
                source.executemany("DELETE FROM pending WHERE id = ?", [(r[0],) for r in rows])
                source.execute("COMMIT")
                copied += len(rows)
        finally:
            source.close()
        return copied

    # -- internals ----------------------------------------------------------------------------

    def _own(self) -> BacklogFile:
        own = self._own_if_open()
        if own is not None:
            return own
        with self._opening:
            own = self._own_if_open()
            if own is None:
                if self._own_file is not None:  # the parent's, across a fork
                    _INHERITED.append(self._own_file)
                own = self._own_file = BacklogFile.create(self.directory)
            return own

    def _own_if_open(self) -> BacklogFile | None:
        own = self._own_file
        return own if own is not None and own.pid == os.getpid() else None

    def _refused_files(self) -> list[Path]:
        return sorted(self.refused_directory.glob("*.json"))


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def _delete_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _write_durably(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, on disk before returning."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as output:
        output.write(data)
        output.flush()
        os.fsync(output.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
