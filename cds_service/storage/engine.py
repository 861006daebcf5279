"""Database engines: the embedded SQLite file by default, PostgreSQL (psycopg 3) by URL.

The service's engine gives up after ``timeout`` seconds where the driver can: the connect
timeout, the server's statement timeout, the pool's wait (the store also stops waiting for
any call after that long, whatever the driver does: store.py). The command-line tools
(migrations, export, purge) run without that bound. Every PostgreSQL connection has TCP
keepalives and a TCP user timeout, so a connection to a server that has gone (a failover, a
dead network path) fails within seconds instead of the kernel's quarter of an hour.
"""

from __future__ import annotations

import math
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .. import json_provider
from ..errors import StartupError

DATABASE_FILE = "pvp-cds.sqlite3"
#: libpq's TCP settings: an idle connection is probed after 5 s, then every 2 s, and dropped
#: after 3 probes without an answer; data sent and not acknowledged for 10 s drops it too.
TCP_SETTINGS = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


def default_data_dir() -> Path:
    """Outside any source tree: the user's state directory (XDG), as a service user's home."""
    state_home = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state_home) / "pvp-cds"


def database_url(configured: str | None, data_dir: Path) -> URL:
    """The configured URL, or the embedded SQLite file in the data directory. A bare
    ``postgresql://`` URL gets psycopg 3, the driver this package installs."""
    if configured is None:
        return URL.create("sqlite+pysqlite", database=str(data_dir / DATABASE_FILE))
    try:
        url = make_url(configured)
    except ArgumentError:
        raise StartupError(
            "PVP_CDS_DATABASE_URL is not a database URL: expected e.g. "
            "postgresql://user@host:5432/pvp_cds or sqlite:///path/pvp-cds.sqlite3"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise StartupError(
            f"PVP_CDS_DATABASE_URL: {url.get_backend_name()} is not supported; use PostgreSQL "
            "or SQLite"
        )
    return url


def make_engine(url: URL, *, timeout: float | None) -> Engine:
    """An engine whose connections give up after ``timeout`` seconds (None: no bound)."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, timeout)
    return _postgresql_engine(url, timeout)


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL, timeout: float | None) -> Engine:
    if url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": timeout or 60.0}, json_serializer=_json_text
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: sqlite3.Connection, _record: Any) -> None:
    cursor = connection.cursor()
    # WAL: readers never block the writer, so several worker processes share the file.
    cursor.execute("PRAGMA journal_mode=WAL")
    # A committed audit record survives a power cut, not only a crash of the process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _json_text(value: Any) -> str:
    """JSON columns written by orjson: the standard library's encoder was a third of the
    CPU of moving an audit record to the database."""
    return json_provider.dumps(value).decode()


def _postgresql_engine(url: URL, timeout: float | None) -> Engine:
    connect_args: dict[str, Any] = dict(TCP_SETTINGS)
    pool: dict[str, Any] = {}
    if timeout is not None:
        # libpq counts whole seconds and takes 2 as its least timeout; a refused connection
        # fails at once. statement_timeout bounds a slow server once connected.
        connect_args["connect_timeout"] = max(2, math.ceil(timeout))
        connect_args["options"] = f"-c statement_timeout={int(timeout * 1000)}"
        pool["pool_timeout"] = timeout
    try:
        return create_engine(url, connect_args=connect_args, json_serializer=_json_text, **pool)
    except ModuleNotFoundError as exc:
        raise StartupError(
            f"PVP_CDS_DATABASE_URL is PostgreSQL but its driver is not installed ({exc.name}): "
            "pip install 'pvp-cds[postgresql]'"
        ) from None
