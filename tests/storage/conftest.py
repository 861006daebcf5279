"""The storage tests run against the embedded SQLite database and a real PostgreSQL server.

PostgreSQL: ``PVP_CDS_TEST_POSTGRES_URL`` (default the local server, user postgres). Each test
session creates its own database with a random name and drops it at the end, because other
suites may use the same server at the same time. On CI (``CI=true``) an unreachable server
fails the storage tests; elsewhere they skip, saying they ran against SQLite only.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from cds_service import create_app, settings, storage
from cds_service.storage import schema

from .proxy import TcpProxy

ADMIN_URL = make_url(
    os.environ.get(
        "PVP_CDS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
)
BACKENDS = ["sqlite", "postgresql"]


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[URL]:
    """The server's maintenance database, or a skip (a failure on CI) if it cannot be reached."""
    engine = create_engine(ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        message = (
            f"PostgreSQL at {ADMIN_URL.render_as_string()} is unreachable ({type(exc).__name__})"
        )
        if _on_ci():
            pytest.fail(f"{message}: CI must run the storage tests against PostgreSQL")
        pytest.skip(f"{message}: the storage tests ran against SQLite only")
    finally:
        engine.dispose()
    yield ADMIN_URL


@contextmanager
def fresh_postgres_database(admin: URL) -> Iterator[URL]:
    name = f"pvp_cds_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_admin: URL) -> Iterator[URL]:
    """One database for the session, at the newest schema; tests empty its tables."""
    with fresh_postgres_database(postgres_admin) as url:
        storage.upgrade_database(config_for(url.render_as_string(hide_password=False), None))
        yield url


def config_for(database_url: str | None, data_dir: Path | None, **overrides: Any) -> dict:
    return {
        **settings.DEFAULTS,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir) if data_dir else None,
        **overrides,
    }


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema, on the backend of the test's ``backend`` parameter."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_admin")) as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the newest schema with empty tables: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'pvp-cds.sqlite3'}"
        storage.upgrade_database(config_for(url, tmp_path))
        return url
    url = request.getfixturevalue("postgres_database")
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> dict:
    return config_for(database_url, tmp_path / "data")


@pytest.fixture
def store(config: dict) -> Iterator[storage.Store]:
    opened = storage.open_store(config)
    yield opened
    opened.close()


@pytest.fixture
def app(config: dict) -> Iterator[Any]:
    """The service on the test's database, authentication off, a fixed pseudonym key."""
    service = create_app(
        {**config, "TESTING": True, "AUTHENTICATION": "off", "LOG_PSEUDONYM_KEY": PSEUDONYM_KEY}
    )
    yield service
    service.extensions["pvp_cds_store"].close()


PSEUDONYM_KEY = "audit-test-key"


def rows(database_url: str, table: Any) -> list[dict]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(table.select()).mappings()]
    finally:
        engine.dispose()


def configure_cli(monkeypatch: pytest.MonkeyPatch, config: dict) -> None:
    """The command line's settings: the test's database and data directory."""
    monkeypatch.setenv("PVP_CDS_DATABASE_URL", config["DATABASE_URL"])
    monkeypatch.setenv("PVP_CDS_DATA_DIR", config["DATA_DIR"])


@pytest.fixture
def proxy(postgres_database: URL) -> Iterator[TcpProxy]:
    running = TcpProxy((postgres_database.host, postgres_database.port or 5432))
    yield running
    running.stop()


@pytest.fixture
def proxied_url(postgres_database: URL, proxy: TcpProxy) -> str:
    # Empty the session database's tables first, as the database_url fixture does.
    engine = create_engine(postgres_database)
    with engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    return postgres_database.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )


def eventually(condition: Callable[[], bool], within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def at_once(action, count: int) -> list:
    """``action(i)`` for i in range(count), on as many threads released together."""
    barrier = threading.Barrier(count)

    def run(index: int):
        barrier.wait(timeout=30)
        return action(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
