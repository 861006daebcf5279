"""The shared ``jti`` replay check: a client JWT is accepted once across every worker and
instance while it lives, and still refused after one process restarts.

What that needs is a shared, atomic insert-if-absent with expiry, not durability across a power
cut: a token lives minutes, so a write that waits for the disk buys nothing. One store, chosen
by ``PVP_CDS_REPLAY_STORE`` (docs/security.md compares them):

- ``sqlite``: a table in a file of its own in the data directory (WAL, ``synchronous=NORMAL``:
  a commit reaches the operating system, not the disk). Shared by the processes of one host.
  The default with the embedded database: it needs no server.
- ``postgresql``: the service's database, an UNLOGGED table, one autocommitted
  ``INSERT ... ON CONFLICT`` with ``synchronous_commit`` off. Shared by every instance. The
  default when ``PVP_CDS_DATABASE_URL`` is PostgreSQL.
- ``redis``: ``SET key 1 NX PX <ms the token has left>``. Shared by every instance.

Every process also keeps the jtis it accepted in memory, so a replay to the same process is
refused without asking the store. When the store does not answer (``PVP_CDS_REPLAY_FALLBACK``):
``local`` (default) lets this process's memory decide, counts each such decision, reports the
store down on ``/health/ready`` and writes those jtis to the store once it answers again;
``refuse`` answers 503 until it answers.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from .. import metrics
from ..client_auth import ReplayCache
from ..errors import ServiceUnavailable, StartupError
from .engine import make_engine
from .sqlite_pool import ConnectionPool, PoolClosed
from .store import DatabaseCalls, DatabaseTimeout, jti_key

log = logging.getLogger(__name__)

Key = tuple[str, str]
SQLITE, POSTGRESQL, REDIS = "sqlite", "postgresql", "redis"
STORES = (SQLITE, POSTGRESQL, REDIS)
LOCAL, REFUSE = "local", "refuse"
FALLBACKS = (LOCAL, REFUSE)
REPLAY_FILE = "replay.sqlite3"
#: Seconds between two deletions of the rows of tokens that can no longer be accepted.
PURGE_INTERVAL = 60.0
#: Seconds a store that did not answer is left alone before one call asks it again: each
#: call that asks a store that hangs waits the replay timeout.
RETRY_SECONDS = 1.0
#: jtis decided locally and kept for the store while it does not answer. One token lifetime
#: of calls at a few hundred a second; beyond it the oldest are let go (they expire anyway).
MAX_PENDING = 100_000


class ReplayStoreDown(Exception):
    """The shared replay store did not answer (in time)."""


class ReplayBackend(Protocol):
    name: str

    def claim(self, key: Key, expires_at: float, now: float) -> bool:
        """Insert ``key`` until ``expires_at`` unless a live entry holds it (an expired one is
        taken over); True if inserted. Raises ReplayStoreDown."""

    def keep(self, entries: list[tuple[Key, float]], now: float) -> None:
        """Insert each entry unless present; raises ReplayStoreDown."""

    def purge(self, now: float) -> None:
        """Drop entries expired by ``now`` (a no-op where the store expires them itself)."""

    def ping(self) -> None:
        """Raise ReplayStoreDown unless the store answers."""

    def after_fork(self) -> None:
        """In a forked child: drop the parent's connections and threads."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class ReplayStatus:
    store: str
    up: bool


class SharedReplays:
    """The replay check the authenticator uses (``first_use``), over one backend."""

    def __init__(self, backend: ReplayBackend, *, fallback: str = LOCAL) -> None:
        self.backend = backend
        self._fallback = fallback
        self._seen = ReplayCache()
        self._lock = threading.Lock()
        self._pending: list[tuple[Key, float]] = []
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._purge_at = time.monotonic() + PURGE_INTERVAL
        _after_fork_in_child(self)

    def first_use(self, key: Key, expires_at: float, *, now: float) -> bool:
        """True the first time any process sharing the store sees ``key`` while it lives."""
        if self._seen.holds(key, now=now):
            return False
        if self._may_ask():
            try:
                accepted = self.backend.claim(key, expires_at, now)
            except ReplayStoreDown as exc:
                self._went_down(exc)
            else:
                self._answered(now)
                if accepted:
                    self._seen.first_use(key, expires_at, now=now)
                return accepted
        return self._decide_locally(key, expires_at, now)

    def status(self) -> ReplayStatus:
        """For the readiness probe: a store marked down is asked again when a retry is due, so
        that readiness recovers without waiting for a hook call."""
        if self._down_since is not None and self._may_ask():
            try:
                self.backend.ping()
            except ReplayStoreDown as exc:
                self._went_down(exc)
            else:
                self._answered(time.time())
        return ReplayStatus(self.backend.name, self._down_since is None)

    def close(self) -> None:
        self.backend.close()

    def _may_ask(self) -> bool:
        if self._down_since is None:
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._retry_at:
                return False
            self._retry_at = now + RETRY_SECONDS  # one caller asks; the others decide locally
            return True

    def _went_down(self, exc: ReplayStoreDown) -> None:
        metrics.storage_error("replay")
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = time.monotonic()
            self._retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            log.warning(
                "the %s replay store does not answer (%s): %s",
                self.backend.name,
                exc,
                "this process's memory decides" if self._fallback == LOCAL else "calls get 503",
            )

    def _answered(self, now: float) -> None:
        if self._down_since is not None:
            self._came_back(now)
        if time.monotonic() >= self._purge_at:
            self._purge_at = time.monotonic() + PURGE_INTERVAL
            try:
                self.backend.purge(now)
            except ReplayStoreDown as exc:
                self._went_down(exc)

    def _came_back(self, now: float) -> None:
        with self._lock:
            down_since, self._down_since = self._down_since, None
            pending, self._pending = self._pending, []
        live = [(key, expires_at) for key, expires_at in pending if expires_at > now]
        try:
            # What this process accepted meanwhile, so that other processes refuse it now.
            self.backend.keep(live, now)
        except ReplayStoreDown as exc:
            with self._lock:
                self._pending = live + self._pending
            self._went_down(exc)
            return
        if down_since is not None:
            log.warning(
                "the %s replay store answers again after %.1f s; %d jtis decided meanwhile "
                "written to it",
                self.backend.name,
                time.monotonic() - down_since,
                len(live),
            )

    def _decide_locally(self, key: Key, expires_at: float, now: float) -> bool:
        if self._fallback == REFUSE:
            raise ServiceUnavailable(
                "the service cannot check this token for replay now; send the call again later"
            )
        metrics.replay_decided_locally()
        if not self._seen.first_use(key, expires_at, now=now):
            return False
        with self._lock:
            self._pending.append((key, expires_at))
            del self._pending[:-MAX_PENDING]
        return True

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self.backend.after_fork()


def _after_fork_in_child(replays: SharedReplays) -> None:
    """gunicorn builds the app, then forks its workers: each child drops what the parent
    opened. A weak reference, so the checkers that tests drop are not kept."""
    reference = weakref.ref(replays)

    def reset() -> None:
        if (alive := reference()) is not None:
            alive._after_fork()

    os.register_at_fork(after_in_child=reset)


# --- SQLite: a file of its own, shared by the processes of one host. ----------------------

#: How long a process starting beside others may wait to create the SQLite replay file.
SQLITE_CREATE_SECONDS = 10.0
# No index on expires_at: every check would write a page of it too, which cost about 0.05-0.09
# ms of worker CPU an authenticated call under gunicorn (docs/performance.md), while the purge
# it served, once a minute, deletes about a fifth of the table and was no faster with it
# (measured: 300,000 rows, 185 ms with the index, 137 ms scanning). A file an earlier version
# made has it: dropped.
_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS jwt_replay (
    issuer TEXT NOT NULL,
    jti_sha256 TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (issuer, jti_sha256)
) WITHOUT ROWID;
DROP INDEX IF EXISTS ix_jwt_replay_expires_at;
"""
_SQLITE_CLAIM = (
    "INSERT INTO jwt_replay (issuer, jti_sha256, expires_at) VALUES (?, ?, ?) "
    "ON CONFLICT (issuer, jti_sha256) DO UPDATE SET expires_at = excluded.expires_at "
    "WHERE jwt_replay.expires_at <= ?"
)
_SQLITE_KEEP = "INSERT OR IGNORE INTO jwt_replay (issuer, jti_sha256, expires_at) VALUES (?, ?, ?)"


class SqliteReplays:
    """The replay table in its own SQLite file. Not the audit database: its commits wait for
    the disk (``synchronous=FULL``), and a replay entry need not survive a power cut. The
    file is a cache: deleting it while the service is stopped loses nothing that matters once
    the tokens of the last minutes have expired."""

    name = SQLITE

    def __init__(self, path: Path, *, timeout: float) -> None:
        self.path = path
        self._timeout = timeout
        self._connections = ConnectionPool(self._connect)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._create()
        except (OSError, sqlite3.Error) as exc:
            raise StartupError(
                f"cannot keep the replay cache in {path} ({type(exc).__name__}: {exc}); give "
                "the service a writable PVP_CDS_DATA_DIR"
            ) from None

    def _create(self) -> None:
        """The file and its table. Processes that start together (gunicorn's workers, two
        instances on one host) race for it: switching a new file to WAL takes it whole, and
        SQLite answers "busy" to the others without always waiting, so the loser tries again
        for a while rather than fail its start."""
        deadline = time.monotonic() + SQLITE_CREATE_SECONDS
        while True:
            try:
                with closing(self._connect(timeout=SQLITE_CREATE_SECONDS)) as connection:
                    connection.executescript(_SQLITE_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                busy = exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def claim(self, key: Key, expires_at: float, now: float) -> bool:
        issuer, jti = key
        return self._run(_SQLITE_CLAIM, (issuer, jti_key(jti), expires_at, now)) == 1

    def keep(self, entries: list[tuple[Key, float]], now: float) -> None:
        rows = [(issuer, jti_key(jti), expires_at) for (issuer, jti), expires_at in entries]
        try:
            with self._connections.connection() as connection, connection:  # one transaction
                connection.executemany(_SQLITE_KEEP, rows)
        except (sqlite3.Error, PoolClosed) as exc:
            raise ReplayStoreDown(f"{type(exc).__name__}: {exc}") from exc

    def purge(self, now: float) -> None:
        self._run("DELETE FROM jwt_replay WHERE expires_at <= ?", (now,))

    def ping(self) -> None:
        self._run("SELECT 1", ())

    def after_fork(self) -> None:
        # The parent's connections are not this process's to use or close.
        self._connections = ConnectionPool(self._connect)

    def close(self) -> None:
        self._connections.close()

    def _run(self, sql: str, parameters: tuple) -> int:
        """Run one statement; the rows it changed."""
        try:
            with self._connections.connection() as connection:
                return connection.execute(sql, parameters).rowcount
        except (sqlite3.Error, PoolClosed) as exc:
            raise ReplayStoreDown(f"{type(exc).__name__}: {exc}") from exc

    def _connect(self, timeout: float | None = None) -> sqlite3.Connection:
        # Autocommit: each claim is one statement, its own transaction. The busy timeout bounds
        # the wait for another process's write.
        connection = sqlite3.connect(
            self.path,
            timeout=self._timeout if timeout is None else timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection


# --- PostgreSQL: the service's database, shared by every instance. ------------------------

_POSTGRESQL_CLAIM = (
    "INSERT INTO jwt_replay (issuer, jti_sha256, expires_at) "
    "VALUES (%(issuer)s, %(jti)s, %(expires_at)s) "
    "ON CONFLICT (issuer, jti_sha256) DO UPDATE SET expires_at = EXCLUDED.expires_at "
    "WHERE jwt_replay.expires_at <= %(now)s RETURNING 1"
)
_POSTGRESQL_KEEP = (
    "INSERT INTO jwt_replay (issuer, jti_sha256, expires_at) "
    "VALUES (%(issuer)s, %(jti)s, %(expires_at)s) ON CONFLICT DO NOTHING"
)


class PostgresReplays:
    """The ``jwt_replay`` table of the service's database: UNLOGGED (migration 0003: no WAL
    record, so not on a standby and emptied by a crash of the server), written with
    ``synchronous_commit`` off (the commit does not wait for the disk), one autocommitted
    statement per check: a single round trip. Every call runs on threads of its own and is
    waited for at most the replay timeout, however the server behaves (store.py). Each thread
    keeps one driver connection and sends the statement on it as it is: going through a pooled
    SQLAlchemy connection per check cost as much CPU again (measured: 107 against 224 µs)."""

    name = POSTGRESQL

    def __init__(self, url: URL, *, timeout: float) -> None:
        self._timeout = timeout
        self._engine = make_engine(url, timeout=timeout)
        event.listen(self._engine, "connect", _asynchronous_commit)
        driver_error = self._engine.dialect.loaded_dbapi.Error
        self._driver_error = driver_error
        self._unavailable = (SQLAlchemyError, DatabaseTimeout, driver_error)
        self._calls = DatabaseCalls(timeout)
        self._held = threading.local()
        self._opened: list[Any] = []
        self._opening = threading.Lock()

    def claim(self, key: Key, expires_at: float, now: float) -> bool:
        issuer, jti = key
        parameters = {"issuer": issuer, "jti": jti_key(jti), "expires_at": expires_at, "now": now}
        return self._run(_POSTGRESQL_CLAIM, parameters) is not None

    def keep(self, entries: list[tuple[Key, float]], now: float) -> None:
        if entries:
            rows = [
                {"issuer": issuer, "jti": jti_key(jti), "expires_at": expires_at}
                for (issuer, jti), expires_at in entries
            ]
            self._run(_POSTGRESQL_KEEP, rows, many=True)

    def purge(self, now: float) -> None:
        self._run("DELETE FROM jwt_replay WHERE expires_at <= %(now)s", {"now": now})

    def ping(self) -> None:
        self._run("SELECT 1", {})

    def after_fork(self) -> None:
        # The parent's connections and threads are not this process's.
        self._engine.dispose(close=False)
        self._calls = DatabaseCalls(self._timeout)
        self._held = threading.local()
        self._opened = []
        self._opening = threading.Lock()

    def close(self) -> None:
        self._calls.stop(then=self._close_connections)

    def _close_connections(self) -> None:
        with self._opening:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.invalidate()
        self._engine.dispose()

    def _run(self, sql: str, parameters: Any, *, many: bool = False) -> Any:
        def call() -> Any:
            connection = self._connection()
            try:
                with connection.cursor() as cursor:
                    if many:
                        cursor.executemany(sql, parameters)
                        return None
                    cursor.execute(sql, parameters)
                    return cursor.fetchone() if cursor.description else None
            except self._driver_error:
                self._drop(connection)  # broken or not, the next call starts afresh
                raise

        try:
            return self._calls.run(call)
        except self._unavailable as exc:
            # Any database error counts: a replay check that cannot be made is the fallback's.
            raise ReplayStoreDown(type(exc).__name__) from exc

    def _connection(self) -> Any:
        """This thread's driver connection, in autocommit, opened on first use."""
        connection = getattr(self._held, "connection", None)
        if connection is None:
            connection = self._engine.raw_connection()
            connection.driver_connection.autocommit = True
            self._held.connection = connection
            with self._opening:
                self._opened.append(connection)
        return connection

    def _drop(self, connection: Any) -> None:
        self._held.connection = None
        with self._opening:
            self._opened.remove(connection)
        connection.invalidate()


def _asynchronous_commit(connection: Any, _record: Any) -> None:
    """This engine's sessions commit without waiting for the disk: a replay entry lost to a
    crash of the server within ``wal_writer_delay`` (200 ms) is lost with the UNLOGGED table's
    contents anyway."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    connection.commit()


# --- Redis: SET NX PX, shared by every instance. ------------------------------------------

REDIS_PREFIX = "pvp-cds:jti:"


class RedisReplays:
    """``SET pvp-cds:jti:<hash> 1 NX PX <ms>``: Redis treats an expired key as absent, so an
    expired entry is taken over and nothing needs purging. The key is a hash of issuer and
    jti, so a jti (the client's to choose) never becomes a Redis key as sent."""

    name = REDIS

    def __init__(self, url: str, *, timeout: float) -> None:
        try:
            import redis
        except ModuleNotFoundError:
            raise StartupError(
                "PVP_CDS_REPLAY_STORE is redis but its client is not installed: "
                "pip install 'pvp-cds[redis]'"
            ) from None
        self._errors = redis.RedisError
        try:
            self._client = redis.Redis.from_url(
                url, socket_timeout=timeout, socket_connect_timeout=timeout
            )
        except ValueError as exc:
            raise StartupError(f"PVP_CDS_REPLAY_REDIS_URL: {exc}") from None

    def claim(self, key: Key, expires_at: float, now: float) -> bool:
        try:
            return bool(self._client.set(redis_key(key), b"1", nx=True, px=_ms(expires_at, now)))
        except self._errors as exc:
            raise ReplayStoreDown(type(exc).__name__) from exc

    def keep(self, entries: list[tuple[Key, float]], now: float) -> None:
        pipeline = self._client.pipeline(transaction=False)
        for key, expires_at in entries:
            pipeline.set(redis_key(key), b"1", nx=True, px=_ms(expires_at, now))
        try:
            pipeline.execute()
        except self._errors as exc:
            raise ReplayStoreDown(type(exc).__name__) from exc

    def purge(self, now: float) -> None:
        return None

    def ping(self) -> None:
        try:
            self._client.ping()
        except self._errors as exc:
            raise ReplayStoreDown(type(exc).__name__) from exc

    def after_fork(self) -> None:
        return None  # redis-py's pool notices the new process id and opens its own

    def close(self) -> None:
        self._client.close()


def redis_key(key: Key) -> str:
    issuer, jti = key
    # Length-prefixed, so that no issuer and jti pair can spell another's.
    digest = hashlib.sha256(f"{len(issuer)}:{issuer}{jti}".encode()).hexdigest()
    return REDIS_PREFIX + digest


def _ms(expires_at: float, now: float) -> int:
    # A relative expiry: Redis's clock need not agree with ours.
    return max(1, math.ceil((expires_at - now) * 1000))


# --- Which store. ------------------------------------------------------------------------


def replay_store_name(config: Mapping[str, Any], database: URL) -> str:
    """The configured store, or the one that follows the database: PostgreSQL when the
    service's database is, else the SQLite file (no server)."""
    chosen = config["REPLAY_STORE"]
    if chosen is not None:
        return chosen
    return POSTGRESQL if database.get_backend_name() == "postgresql" else SQLITE


def open_replays(config: Mapping[str, Any], database: URL, data_dir: Path) -> SharedReplays:
    name = replay_store_name(config, database)
    timeout = config["REPLAY_TIMEOUT"]
    backend: ReplayBackend
    if name == SQLITE:
        backend = SqliteReplays(data_dir / REPLAY_FILE, timeout=timeout)
    elif name == POSTGRESQL:
        if database.get_backend_name() != "postgresql":
            raise StartupError(
                "PVP_CDS_REPLAY_STORE is postgresql: set PVP_CDS_DATABASE_URL to the "
                "PostgreSQL database, or choose sqlite or redis"
            )
        backend = PostgresReplays(database, timeout=timeout)
    else:
        if not config["REPLAY_REDIS_URL"]:
            raise StartupError(
                "PVP_CDS_REPLAY_STORE is redis: set PVP_CDS_REPLAY_REDIS_URL "
                "(e.g. redis://127.0.0.1:6379/0)"
            )
        backend = RedisReplays(config["REPLAY_REDIS_URL"], timeout=timeout)
    log.info("jti replay store: %s", name)
    return SharedReplays(backend, fallback=config["REPLAY_FALLBACK"])
