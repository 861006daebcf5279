"""Durable state: the audit trail and feedback; and the JWT replay check shared by every
process (``replays.py``, in a store of its own choosing).

One database (SQLAlchemy 2 Core; Alembic migrations in ``migrations/``): by default an
embedded SQLite file in the data directory, in production PostgreSQL through
``PVP_CDS_DATABASE_URL``. Records reach it through a local durable backlog (``spool.py``), so a
hook call never waits on the database. See docs/storage.md.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

import fhir_mappings
from scoring import RiskEstimate

from .. import logs
from ..errors import InvalidRequest, ServiceUnavailable, StartupError
from ..runtime import current_runtime
from .audit import AuditRecord, audit_record
from .engine import database_url, default_data_dir, make_engine, shown
from .migrate import UPGRADE_COMMAND, check_current, current_revision, upgrade
from .replays import ReplayStatus, SharedReplays, open_replays
from .spool import Spool
from .store import UNAVAILABLE, DatabaseTimeout, Store, StoreStatus, report_key, settle

log = logging.getLogger(__name__)

__all__ = [
    "UPGRADE_COMMAND",
    "AuditRecord",
    "ReplayStatus",
    "SharedReplays",
    "command_line_engine",
    "Store",
    "StoreStatus",
    "current_replays",
    "current_store",
    "data_dir",
    "init_app",
    "open_replays_for",
    "open_store",
    "record_answer",
    "record_feedback",
    "upgrade_database",
    "report_key",
    "start_moving",
    "stop",
]

#: Seconds the start-up check of a PostgreSQL schema may wait for the server.
START_UP_SECONDS = 10.0


def data_dir(config: Mapping[str, Any]) -> Path:
    return Path(config["DATA_DIR"]) if config["DATA_DIR"] else default_data_dir()


def open_store(config: Mapping[str, Any]) -> Store:
    """The store for the service: its schema checked (or, for the embedded database, brought
    up to date), every database call bounded by ``DATABASE_TIMEOUT``. Nothing stays open:
    ``pvp-cds serve`` forks its workers after this, and a connection (a SQLite file, a
    socket) carried across a fork is shared by processes that each think it their own."""
    directory = data_dir(config)
    try:
        spool = Spool(directory)
    except OSError as exc:
        raise StartupError(
            f"PVP_CDS_DATA_DIR: cannot keep the local backlog in {directory} "
            f"({type(exc).__name__}); give the service a writable directory"
        ) from None
    url = database_url(config["DATABASE_URL"], directory)
    engine = make_engine(url, timeout=config["DATABASE_TIMEOUT"])
    try:
        if config["DATABASE_URL"] is None:
            # The embedded database is this service's own file: nobody else migrates it, and
            # README's first command must work without a separate step.
            migrations = make_engine(url, timeout=None)
            try:
                upgrade(migrations)
            finally:
                migrations.dispose()
        else:
            _within(START_UP_SECONDS, lambda: check_current(engine))
    except UNAVAILABLE as exc:
        raise StartupError(
            f"cannot reach the database {shown(url)} ({type(exc).__name__}); check "
            "PVP_CDS_DATABASE_URL and that the server is up"
        ) from None
    except SQLAlchemyError as exc:
        raise StartupError(
            f"the database {shown(url)} cannot be used ({type(exc).__name__}); check "
            "PVP_CDS_DATABASE_URL, or restore the database file from a backup"
        ) from None
    finally:
        engine.dispose()
    return Store(engine, spool, timeout=config["DATABASE_TIMEOUT"])


def _within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()``, or DatabaseTimeout after ``seconds``. On a thread of its own that ends with
    the call, so none is left running when gunicorn forks."""
    answer: Future = Future()
    thread = threading.Thread(target=settle, args=(call, answer), daemon=True)
    thread.start()
    try:
        answer.exception(timeout=seconds)  # waits for the call to end, however it ends
    except FutureTimeout:
        raise DatabaseTimeout(f"no answer from the database in {seconds} s") from None
    thread.join()
    return answer.result()


def command_line_engine(config: Mapping[str, Any]) -> Engine:
    """The database for migrations and governance commands: no request-path timeout."""
    return make_engine(database_url(config["DATABASE_URL"], data_dir(config)), timeout=None)


def upgrade_database(config: Mapping[str, Any]) -> str:
    """``pvp-cds db upgrade``: apply every migration; return the revision reached."""
    engine = command_line_engine(config)
    try:
        upgrade(engine)
        return current_revision(engine) or ""
    except UNAVAILABLE as exc:
        raise StartupError(
            f"cannot reach the database {shown(engine.url)} ({type(exc).__name__})"
        ) from None
    finally:
        engine.dispose()


def open_replays_for(config: Mapping[str, Any]) -> SharedReplays:
    """The shared jti replay check in the store the configuration chooses."""
    directory = data_dir(config)
    return open_replays(config, database_url(config["DATABASE_URL"], directory), directory)


def init_app(app: Flask) -> None:
    """Open the store and the replay check; the first record, readiness probe or
    ``start_moving`` in a process starts its mover (never in the process that builds the app
    before gunicorn forks)."""
    app.extensions["pvp_cds_store"] = open_store(app.config)
    app.extensions["pvp_cds_replays"] = open_replays_for(app.config)


def start_moving(app: Flask) -> None:
    """In a process that serves ``app`` (a gunicorn worker once forked): take over the backlog
    that processes which ended left, and move it."""
    app.extensions["pvp_cds_store"].wake()


def stop(app: Flask) -> None:
    """When a process that serves ``app`` ends: its backlog file is deleted if empty, else
    left for the next process."""
    app.extensions["pvp_cds_store"].close()
    app.extensions["pvp_cds_replays"].close()


def current_store() -> Store:
    return current_app.extensions["pvp_cds_store"]


def current_replays() -> SharedReplays:
    return current_app.extensions["pvp_cds_replays"]


def record_answer(
    service_id: str,
    hook_request: Mapping[str, Any],
    assessment: fhir_mappings.Assessment,
    estimate: RiskEstimate | None,
    response: Mapping[str, Any],
    *,
    started: float,
) -> None:
    """Audit a hook answer that carried a card (quiet answers are not stored), with the
    model's estimate when the card shows one. Called in the request, after
    ``logs.note_request`` and authentication, with ``started`` from ``time.perf_counter()``
    when the call arrived."""
    cards = response["cards"]
    if not cards:
        return
    runtime = current_runtime()
    record = audit_record(
        assessment=assessment,
        estimate=estimate,
        model=runtime.model,
        cards=cards,
        hook_instance=hook_request["hookInstance"],
        service_id=service_id,
        client=g.get("cds_client"),
        patient_pseudonym=logs.patient_pseudonym(),
        answered_at=datetime.now(UTC),
        latency_ms=(time.perf_counter() - started) * 1000,
    )
    try:
        current_store().record_audit(record)
    except (sqlite3.Error, OSError) as exc:
        # The local disk itself failed: the card is advice and still goes out; /health/ready
        # answers 503 until the backlog can be written again.
        log.error("audit record of this answer could not be kept: %s", type(exc).__name__)


def record_feedback(service_id: str, items: Sequence[Mapping[str, Any]]) -> None:
    """Keep CDS Hooks feedback items, in one commit; refuse them all with 400 when one holds
    text the database cannot keep, or with 503 when the local disk fails: the client sends
    them again, and the items kept before the failure are stored once (``report_key``)."""
    if (where := _unstorable_text(items, "feedback")) is not None:
        raise InvalidRequest(
            f"{where} contains the NUL character (U+0000), which cannot be stored; remove it"
        )
    try:
        current_store().record_feedback(service_id, items)
    except (sqlite3.Error, OSError) as exc:
        log.error("feedback could not be kept: %s", type(exc).__name__)
        raise ServiceUnavailable(
            "the feedback could not be stored now; send it again later"
        ) from None


def _unstorable_text(value: Any, where: str) -> str | None:
    """Where in ``value`` (JSON) there is text the database cannot keep, or None. PostgreSQL's
    text and jsonb refuse the NUL character, which JSON allows (``\\u0000``); what a client
    sends the database would refuse for ever is refused before it is answered."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        for name, member in value.items():
            if "\x00" in name:
                return f"a member name in {where}"
            if (found := _unstorable_text(member, f"{where}.{name}")) is not None:
                return found
    if isinstance(value, list):
        for index, member in enumerate(value):
            if (found := _unstorable_text(member, f"{where}[{index}]")) is not None:
                return found
    return None
