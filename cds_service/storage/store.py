"""The store the service writes to: audit and feedback records through the local backlog, and
the database's health. (The shared JWT replay check is replays.py's.)

Write-behind: a hook call appends its audit record to the local backlog (``spool.py``) and
answers; a background thread moves records to the database. Every database call is made on a
thread of the store's and waited for at most the database timeout, whatever the database does
(refuses, answers slowly, or hangs on a frozen connection): when it does not answer in time,
records wait on local disk, the thread retries with backoff, and ``status()`` reports the
store degraded with the size of the backlog.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import (
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import metrics
from . import schema
from .audit import AuditRecord
from .spool import Pending, Spool

log = logging.getLogger(__name__)

T = TypeVar("T")

#: A record as the database's rows: (table, row) pairs.
Rows = list[tuple[Table, dict[str, Any]]]


class DatabaseTimeout(Exception):
    """The database did not answer within the database timeout."""


#: What a database that is down, unreachable, too slow or hung raises.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, DatabaseTimeout)
AUDIT, FEEDBACK, REPLAY = "audit", "feedback", "replay"
KINDS = frozenset({AUDIT, FEEDBACK, REPLAY})
BATCH = 200
RETRY_FIRST, RETRY_MOST = 0.2, 5.0
#: How long a woken mover lets records gather before it moves them. They are on local disk
#: already; moving a batch costs about what moving one does (measured: 0.15 ms a record in
#: batches of 200, 0.9 ms alone), so under load the move stays off the hook calls' CPU.
GATHER_SECONDS = 0.05
#: Seconds without a word from the database after which a readiness probe has it asked: a
#: database that hangs fails no call, so only asking finds it out.
CONTACT_SECONDS = 5.0
#: Seconds between two looks for the backlog files of processes that ended.
ADOPT_INTERVAL = 10.0
#: Threads making database calls, per process: at most this many calls are in flight at once,
#: and as many threads can be stuck on a database that hangs before callers stop waiting.
DATABASE_THREADS = 4


@dataclass(frozen=True)
class StoreStatus:
    database_up: bool
    #: This process's records on local disk waiting for the database.
    backlog: int
    #: Records set aside on local disk for an operator: the database refused them (not a
    #: connection failure) or this version cannot read them.
    refused: int


def report_key(service_id: str, item: Mapping[str, Any]) -> str:
    """The same feedback report sent twice (any key order) has the same key."""
    canonical = json.dumps([service_id, item], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class DatabaseCalls:
    """Threads that make the store's database calls, so that a caller waits for one at most
    ``timeout`` seconds, from asking for a connection to the commit. The driver's own bounds
    (connect timeout, the server's statement timeout) do not cover a connection that hangs
    without failing (a frozen proxy, a failover that drops packets): then the caller stops
    waiting, and the thread stays stuck until the network's timeouts (engine.py) end the
    call. Daemon threads, so a stuck one never holds up the process's exit."""

    def __init__(self, timeout: float, threads: int = DATABASE_THREADS) -> None:
        self._timeout = timeout
        self._threads = threads
        self._free = threading.Semaphore(threads)
        self._calls: queue.SimpleQueue[tuple[Callable[[], Any], Future] | None] = (
            queue.SimpleQueue()
        )
        self._started = False
        self._starting = threading.Lock()
        self._running: list[threading.Thread] = []
        self._live = 0
        self._then: Callable[[], None] | None = None

    def run(self, call: Callable[[], T]) -> T:
        deadline = time.monotonic() + self._timeout
        if not self._free.acquire(timeout=self._timeout):
            raise DatabaseTimeout(f"every database thread still waits after {self._timeout} s")
        answer: Future = Future()
        self._start()
        self._calls.put((call, answer))
        try:
            return answer.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            raise DatabaseTimeout(f"no answer from the database in {self._timeout} s") from None

    def stop(self, then: Callable[[], None]) -> None:
        """End the threads once the calls under way are done, then call ``then`` (the
        engine's disposal): a call that finished after the engine was disposed would check its
        connection in to the discarded pool, which never closes it. Waits for the threads a
        bounded time; one still stuck on a database that hangs calls ``then`` as it ends."""
        with self._starting:
            self._then = then
            nothing_runs = self._live == 0
        for _ in range(self._threads):
            self._calls.put(None)
        if nothing_runs:
            then()
        deadline = time.monotonic() + 2 * self._timeout
        for thread in self._running:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _start(self) -> None:
        with self._starting:
            if self._started:
                return
            self._started = True
            for n in range(self._threads):
                thread = threading.Thread(
                    target=self._serve, name=f"pvp-cds-database-{n}", daemon=True
                )
                thread.start()
                self._running.append(thread)
                self._live += 1

    def _serve(self) -> None:
        while (task := self._calls.get()) is not None:
            try:
                settle(*task)
            finally:
                self._free.release()
        with self._starting:
            self._live -= 1
            then = self._then if self._live == 0 else None
        if then is not None:
            then()


def settle(call: Callable[[], Any], answer: Future) -> None:
    """Give ``answer`` what ``call()`` returns or raises."""
    try:
        answer.set_result(call())
    except BaseException as exc:
        answer.set_exception(exc)


class Store:
    def __init__(self, engine: Engine, spool: Spool, *, timeout: float) -> None:
        self.engine = engine
        self.spool = spool
        self._timeout = timeout
        self._closing = threading.Event()
        self._reset_process_state()
        _after_fork_in_child(self)

    # -- what the service records -------------------------------------------------------------

    def record_audit(self, record: AuditRecord) -> None:
        self._append(AUDIT, [record.payload()])

    def record_feedback(self, service_id: str, items: Sequence[Mapping[str, Any]]) -> None:
        """Keep the items of one feedback request, in one commit."""
        received_at = _now().isoformat()
        self._append(
            FEEDBACK,
            [
                {"service_id": service_id, "item": dict(item), "received_at": received_at}
                for item in items
            ],
        )

    # -- health and draining ------------------------------------------------------------------

    def status(self) -> StoreStatus:
        """What the readiness probe says, from what is known now: it never waits on the
        database, but has it asked when nothing has been heard from it for a while."""
        waiting, refused = self.spool.counts()
        metrics.storage_backlog(waiting)
        if waiting or not self._database_up() or self._contact_is_old():
            self._kick()
        return StoreStatus(self._database_up(), waiting, refused)

    def flush(self) -> bool:
        """Take over the records of processes that ended and move this process's backlog to
        the database now, in this thread; True if it is empty."""
        return self._drain(until_empty=True)

    def wake(self) -> None:
        """Start moving: any backlog left by processes that ended, taken over first."""
        self._kick()

    def close(self) -> None:
        """Stop moving records and close the database connections; this process's backlog
        file keeps anything not yet moved, for the next process."""
        self._closing.set()
        with self._lock:
            flusher = self._flusher
        if flusher is not None:
            flusher.join(timeout=RETRY_MOST + 1)
        self.spool.close()
        self._calls.stop(then=self.engine.dispose)

    # -- reads for tests and the command line -------------------------------------------------

    def feedback_items(self, service_id: str) -> list[dict[str, Any]]:
        query = (
            select(schema.feedback.c.item)
            .where(schema.feedback.c.service_id == service_id)
            .order_by(schema.feedback.c.received_at, schema.feedback.c.report_key)
        )
        with self.engine.connect() as connection:
            return [row.item for row in connection.execute(query)]

    # -- internals ----------------------------------------------------------------------------

    def _reset_process_state(self) -> None:
        self._lock = threading.Lock()
        # One mover at a time in a process: the background thread, or a flush.
        self._moving = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._kicked = False
        self._down_since: float | None = None
        self._last_contact = time.monotonic()
        self._next_adoption = 0.0
        self._calls = DatabaseCalls(self._timeout)

    def _after_fork(self) -> None:
        # The parent's pooled connections and threads do not belong to this process.
        self.engine.dispose(close=False)
        self._reset_process_state()

    def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a transaction, waited for at most the database timeout."""

        def transaction() -> T:
            with self.engine.begin() as connection:
                return work(connection)

        result = self._calls.run(transaction)
        self._last_contact = time.monotonic()
        return result

    def _append(self, kind: str, payloads: list[dict[str, Any]]) -> None:
        self.spool.append(kind, payloads)
        self._kick()

    def _database_up(self) -> bool:
        return self._down_since is None

    def _contact_is_old(self) -> bool:
        return time.monotonic() - self._last_contact > CONTACT_SECONDS

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = time.monotonic()
        if first:
            log.warning("database unavailable (%s): records wait on local disk", type(exc).__name__)
        self._kick()

    def _came_back(self) -> None:
        with self._lock:
            down_since, self._down_since = self._down_since, None
        if down_since is not None:
            log.warning("database available again after %.1f s", time.monotonic() - down_since)

    def _kick(self) -> None:
        with self._lock:
            self._kicked = True
            if self._flusher is None and not self._closing.is_set():
                self._flusher = threading.Thread(
                    target=self._flush_loop, name="pvp-cds-store", daemon=True
                )
                self._flusher.start()

    def _flush_loop(self) -> None:
        wait = RETRY_FIRST
        while not self._closing.wait(GATHER_SECONDS):
            with self._lock:
                self._kicked = False
            try:
                caught_up = self._drain(until_empty=False)
            except Exception:
                log.exception("moving the backlog to the database failed")
                caught_up = False
            if caught_up:
                with self._lock:
                    if not self._kicked:
                        self._flusher = None
                        return
                wait = RETRY_FIRST
                continue
            self._closing.wait(wait)
            wait = min(wait * 2, RETRY_MOST)
        with self._lock:
            self._flusher = None

    def _drain(self, *, until_empty: bool) -> bool:
        """Move the backlog to the database. ``until_empty``: wait for a move under way in
        this process, take over every backlog left by processes that ended, move everything,
        and say whether the backlog is empty. Otherwise (the background mover): leave it to a
        move already under way, and stop after a batch that was not full, so that records
        arriving meanwhile gather into the next one (moving a batch costs about what moving
        one record does); True when caught up. False when the database is unavailable."""
        if not self._moving.acquire(blocking=until_empty):
            return False
        try:
            self._adopt_orphans_if_due(force=until_empty)
            if (not self._database_up() or self._contact_is_old()) and not self._probe():
                return False
            backlog = self.spool.current()
            while backlog is not None and (batch := backlog.oldest(BATCH)):
                try:
                    self._write(self._readable(batch))
                except UNAVAILABLE as exc:
                    metrics.storage_error(_operation(batch[0].kind))
                    self._went_down(exc)
                    return False
                backlog.remove([pending.id for pending in batch])
                if len(batch) < BATCH and not until_empty:
                    break
        finally:
            self._moving.release()
        # All that waited when the last batch was read has moved (refused records wait for an
        # operator, not for the database).
        metrics.storage_backlog(0)
        return self._database_up()

    def _adopt_orphans_if_due(self, *, force: bool) -> None:
        now = time.monotonic()
        if force or now >= self._next_adoption:
            self._next_adoption = now + ADOPT_INTERVAL
            self.spool.adopt_orphans()

    def _probe(self) -> bool:
        """Ask the database whether it answers; mark it down or back up accordingly."""
        try:
            self._in_transaction(lambda connection: connection.execute(text("SELECT 1")))
        except UNAVAILABLE as exc:
            self._went_down(exc)
            return False
        if not self._database_up():
            # Connections pooled before the outage are dead: close them. The pool itself stays
            # (engine.dispose() would replace it), so that a call still stuck on the outage
            # checks its connection in where the store's close will find it.
            self.engine.pool.dispose()
            self._came_back()
        return True

    def _readable(self, batch: list[Pending]) -> list[tuple[Pending, Rows]]:
        """The batch's records with their rows. A record this code cannot read (a kind or a
        shape another version of the service wrote, left on disk across an upgrade or a
        rollback) is set aside as one the database refuses is: retried, it would stop every
        record behind it."""
        readable = []
        for pending in batch:
            try:
                readable.append((pending, _rows(pending)))
            except (AttributeError, LookupError, TypeError, ValueError) as exc:
                self._refuse(pending, f"unreadable: {type(exc).__name__}")
        return readable

    def _write(self, records: list[tuple[Pending, Rows]]) -> None:
        """Store the records; a record the database refuses is set aside."""
        try:
            self._in_transaction(
                lambda connection: _write_rows(connection, [rows for _, rows in records])
            )
        except UNAVAILABLE:
            raise
        except SQLAlchemyError:
            # One record the database refuses must not hold up the others: retry one by one.
            self._write_one_by_one(records)

    def _write_one_by_one(self, records: list[tuple[Pending, Rows]]) -> None:
        for pending, rows in records:
            try:
                self._in_transaction(lambda connection, rows=rows: _write_rows(connection, [rows]))
            except UNAVAILABLE:
                raise
            except SQLAlchemyError as exc:
                self._refuse(pending, type(exc).__name__)

    def _refuse(self, pending: Pending, reason: str) -> None:
        """Keep the record on local disk for an operator, no longer retried."""
        operation = _operation(pending.kind)
        metrics.storage_error(operation)
        log.error("a %s record could not be stored (%s); kept on local disk", operation, reason)
        self.spool.set_aside(pending, reason)


def _now() -> datetime:
    return datetime.now(UTC)


def _insert(connection: Connection, table: Any) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def jti_key(jti: str) -> str:
    return hashlib.sha256(jti.encode()).hexdigest()


def _write_rows(connection: Connection, records: list[Rows]) -> None:
    """Every row of the records, one multi-row insert per table: a record moved twice (see
    spool.py) is stored once."""
    by_table: dict[Table, list[dict[str, Any]]] = {}
    for rows in records:
        for table, row in rows:
            by_table.setdefault(table, []).append(row)
    for table, table_rows in by_table.items():
        connection.execute(_insert(connection, table).on_conflict_do_nothing(), table_rows)


def _rows(pending: Pending) -> Rows:
    payload = pending.payload
    if pending.kind == AUDIT:
        return _audit_rows(payload)
    if pending.kind == FEEDBACK:
        return [(schema.feedback, _feedback_row(payload))]
    if pending.kind == REPLAY:
        # Written by earlier versions, which kept a jti decided during an outage here; a
        # backlog they left is still moved.
        return [
            (
                schema.jwt_replay,
                {
                    "issuer": payload["issuer"],
                    "jti_sha256": jti_key(payload["jti"]),
                    "expires_at": payload["expires_at"],
                },
            )
        ]
    raise ValueError(f"no record kind {pending.kind!r}")


def _operation(kind: str) -> str:
    """The record's kind as a metrics label and in logs: one of ours, or "unknown" (the kind
    comes from the backlog file, which another version of the service may have written)."""
    return kind if kind in KINDS else "unknown"


def _audit_rows(payload: Mapping[str, Any]) -> Rows:
    # Read as a record first: one of another shape (another version's) is refused here.
    record = AuditRecord.from_payload(payload)
    event = {**payload, "answered_at": record.answered_at}
    return [
        (schema.audit_event, event),
        *(
            (schema.audit_card, {"card_uuid": card_uuid, "audit_event_id": record.id})
            for card_uuid in record.card_uuids
        ),
    ]


def _feedback_row(payload: Mapping[str, Any]) -> dict[str, Any]:
    item = payload["item"]
    reason = (item.get("overrideReason") or {}).get("reason") or {}
    return {
        "report_key": report_key(payload["service_id"], item),
        "service_id": payload["service_id"],
        "card_uuid": item["card"],
        "outcome": item["outcome"],
        "outcome_timestamp": item["outcomeTimestamp"],
        "override_reason_system": reason.get("system"),
        "override_reason_code": reason.get("code"),
        "received_at": datetime.fromisoformat(payload["received_at"]),
        "item": item,
    }


def _after_fork_in_child(store: Store) -> None:
    """gunicorn builds the app, then forks its workers: each child resets the store's process
    state. A weak reference, so stores that are dropped (tests build many) are not kept."""
    reference = weakref.ref(store)

    def reset() -> None:
        if (alive := reference()) is not None:
            alive._after_fork()

    os.register_at_fork(after_in_child=reset)
