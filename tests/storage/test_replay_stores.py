"""The shared jti replay check, for each store (SQLite file, PostgreSQL, Redis): a jti is
accepted once across threads, processes and service processes sharing the store, still refused
after a restart, taken over once expired; with the store unavailable, this process's memory
decides (or calls get 503), and the metrics and readiness probe say so."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml

from cds_service import create_app, metrics, storage
from cds_service.errors import ServiceUnavailable, StartupError
from cds_service.storage import replays
from cds_service.storage.store import jti_key
from tests.security.jwt_kit import ISSUER, ClientKey, claims, jwks, sign
from tests.service import fhir
from tests.service.metrics_reading import samples, value

from . import workers
from .conftest import at_once, config_for
from .proxy import TcpProxy

REDIS = ("127.0.0.1", 6379)
STORES = ["sqlite", "postgresql", "redis"]
THREADS, PROCESSES = 12, 3
PUBLIC_BASE_URL = "https://cds.example.org"
URL_PATH = "/cds-services/pvp-residual-back-pain"


def redis_reachable() -> bool:
    import redis

    try:
        redis.Redis(*REDIS, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(scope="session")
def redis_server() -> tuple[str, int]:
    """The local Redis server, or a skip (a failure on CI) if it cannot be reached."""
    if not redis_reachable():
        message = f"Redis at {REDIS[0]}:{REDIS[1]} is unreachable"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{message}: CI must run the replay tests against Redis")
        pytest.skip(f"{message}: the Redis replay store was not tested")
    return REDIS


@pytest.fixture(params=STORES)
def replay_config(request: pytest.FixtureRequest, tmp_path: Path) -> dict:
    """The service's settings with the replay check in the test's store."""
    if request.param == "sqlite":
        return config_for(None, tmp_path / "data")
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_database")
        return config_for(url.render_as_string(hide_password=False), tmp_path / "data")
    host, port = request.getfixturevalue("redis_server")
    return config_for(
        None,
        tmp_path / "data",
        REPLAY_STORE="redis",
        REPLAY_REDIS_URL=f"redis://{host}:{port}/0",
    )


@pytest.fixture
def key() -> tuple[str, str]:
    # New in every test: Redis and PostgreSQL are shared with other tests and runs.
    return ("https://ehr.example.org/", f"jti-{uuid.uuid4()}")


def opened(config: dict, count: int) -> list[storage.SharedReplays]:
    """Replay checks as separate processes or hosts hold them: each its own memory."""
    return [storage.open_replays_for(config) for _ in range(count)]


def test_the_store_is_the_one_configured(replay_config):
    checks = storage.open_replays_for(replay_config)
    expected = replay_config["REPLAY_STORE"] or (
        "sqlite" if replay_config["DATABASE_URL"] is None else "postgresql"
    )
    assert checks.status() == storage.ReplayStatus(expected, up=True)
    checks.close()


def test_the_same_jti_from_many_threads_of_one_process_is_accepted_once(replay_config, key):
    checks = storage.open_replays_for(replay_config)
    expires_at = time.time() + 300
    accepted = at_once(lambda _: checks.first_use(key, expires_at, now=time.time()), THREADS)
    checks.close()
    assert accepted.count(True) == 1


def test_the_same_jti_from_many_processes_memories_is_accepted_once(replay_config, key):
    checks = opened(replay_config, THREADS)
    expires_at = time.time() + 300
    accepted = at_once(lambda i: checks[i].first_use(key, expires_at, now=time.time()), THREADS)
    for each in checks:
        each.close()
    assert accepted.count(True) == 1


def test_the_same_jti_from_several_forked_processes_is_accepted_once(replay_config, key):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(
            target=workers.reporting,
            args=(results, workers.claim_jti, replay_config, barrier, key, time.time() + 300),
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    accepted = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert sorted(map(str, accepted)) == ["False"] * (PROCESSES - 1) + ["True"]


def test_a_token_sent_to_two_service_processes_at_once_is_answered_once(replay_config, tmp_path):
    signer = ClientKey.ec_p384("ehr-key-1")
    (tmp_path / "ehr.jwks.json").write_text(json.dumps(jwks(signer)))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "ehr.jwks.json"}]}
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    config = {
        **replay_config,
        "TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    token = sign(signer, claims(aud=PUBLIC_BASE_URL + URL_PATH))
    # The embedded database made before the processes start, as `pvp-cds serve` does.
    storage.open_store(config).close()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(
            target=workers.reporting,
            args=(
                results,
                workers.hook_call,
                config,
                barrier,
                URL_PATH,
                token,
                fhir.hook_request(),
            ),
        )
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    statuses = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert sorted(map(str, statuses)) == ["200", "401"]


def test_a_restarted_process_still_refuses_a_live_jti(replay_config, key):
    before = storage.open_replays_for(replay_config)
    now = time.time()
    assert before.first_use(key, now + 300, now=now)
    before.close()
    restarted = storage.open_replays_for(replay_config)
    assert not restarted.first_use(key, now + 300, now=now + 1)
    restarted.close()


def test_the_same_jti_from_another_issuer_is_not_a_replay(replay_config, key):
    checks = storage.open_replays_for(replay_config)
    now = time.time()
    assert checks.first_use(key, now + 300, now=now)
    assert checks.first_use(("https://other-ehr.example.org/", key[1]), now + 300, now=now)
    checks.close()


def test_an_expired_entry_is_taken_over(replay_config, key):
    first, second = opened(replay_config, 2)
    now = time.time()
    assert first.first_use(key, now + 0.3, now=now)
    time.sleep(0.5)  # Redis expires by its own clock
    assert second.first_use(key, time.time() + 300, now=time.time())
    # Taken over for the new token's lifetime: refused again now.
    assert not first.first_use(key, time.time() + 300, now=time.time())
    first.close()
    second.close()


def test_the_sqlite_store_is_a_file_of_its_own_written_without_waiting_for_the_disk(tmp_path):
    config = config_for(None, tmp_path / "data")
    checks = storage.open_replays_for(config)
    checks.first_use(("iss", "jti-1"), time.time() + 300, now=time.time())
    checks.close()
    with sqlite3.connect(tmp_path / "data" / replays.REPLAY_FILE) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT count(*) FROM jwt_replay").fetchone() == (1,)


def sqlite_indexes(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return [name for (name,) in rows]


def test_a_sqlite_replay_check_writes_the_key_alone_with_no_index_beside_it(tmp_path):
    # Each index is one more page written by every check; the table's key is the only one.
    path = tmp_path / replays.REPLAY_FILE
    replays.SqliteReplays(path, timeout=0.5).close()
    assert sqlite_indexes(path) == []


def test_a_replay_file_from_an_earlier_version_loses_its_index_and_keeps_its_jtis(tmp_path, key):
    # The schema the previous version created, with a live jti in it.
    path = tmp_path / replays.REPLAY_FILE
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.executescript(
            """
            CREATE TABLE jwt_replay (
                issuer TEXT NOT NULL, jti_sha256 TEXT NOT NULL, expires_at REAL NOT NULL,
                PRIMARY KEY (issuer, jti_sha256)
            ) WITHOUT ROWID;
            CREATE INDEX ix_jwt_replay_expires_at ON jwt_replay (expires_at);
            """
        )
        connection.execute(
            "INSERT INTO jwt_replay VALUES (?, ?, ?)",
            (key[0], jti_key(key[1]), time.time() + 300),
        )
    upgraded = replays.SqliteReplays(path, timeout=0.5)
    assert sqlite_indexes(path) == []
    assert not upgraded.claim(key, time.time() + 300, time.time())
    upgraded.close()


def test_the_sqlite_purge_deletes_the_expired_entries_and_keeps_the_live_ones(tmp_path):
    store = replays.SqliteReplays(tmp_path / replays.REPLAY_FILE, timeout=0.5)
    now = time.time()
    store.claim(("iss", "expired"), now - 1, now - 10)
    store.claim(("iss", "live"), now + 300, now)
    store.purge(now)
    with closing(sqlite3.connect(tmp_path / replays.REPLAY_FILE)) as connection:
        kept = connection.execute("SELECT jti_sha256 FROM jwt_replay").fetchall()
    assert kept == [(jti_key("live"),)]
    store.close()


def test_a_sqlite_claim_after_the_store_closed_is_the_store_being_down(tmp_path):
    # A late call while its worker ends: it falls back like any call with the store away,
    # instead of opening a connection nobody closes.
    store = replays.SqliteReplays(tmp_path / replays.REPLAY_FILE, timeout=0.5)
    now = time.time()
    store.claim(("iss", "before"), now + 300, now)
    store.close()
    with pytest.raises(replays.ReplayStoreDown):
        store.claim(("iss", "after"), now + 300, now)


def test_a_process_starting_while_another_holds_the_sqlite_replay_file_waits_its_turn(tmp_path):
    # As when gunicorn's workers or two instances on one host start together: the file is
    # held longer than a replay check may wait (0.5 s), and starting must not fail for it.
    path = tmp_path / replays.REPLAY_FILE
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(1.5, holder.commit)
    release.start()
    try:
        replays.SqliteReplays(path, timeout=0.5).close()
    finally:
        release.join()
        holder.close()


def test_the_postgresql_table_is_unlogged(postgres_database):
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_database)
    with engine.connect() as connection:
        persistence = connection.execute(
            text("SELECT relpersistence FROM pg_class WHERE relname = 'jwt_replay'")
        ).scalar_one()
    engine.dispose()
    assert persistence == "u"


# --- The store unavailable. ---------------------------------------------------------------


@pytest.fixture(params=STORES)
def proxied_config(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[dict, Any]]:
    """Settings whose replay store can be made unavailable, and how: a proxy in front of the
    PostgreSQL or Redis server (stopped: port closed), or for SQLite another connection
    holding the file's write lock beyond the replay timeout."""
    if request.param == "sqlite":
        config = config_for(None, tmp_path / "data", REPLAY_TIMEOUT=0.2)
        yield config, SqliteLock(tmp_path / "data" / replays.REPLAY_FILE)
        return
    if request.param == "postgresql":
        database = request.getfixturevalue("postgres_database")
        proxy = TcpProxy((database.host, database.port or 5432))
        url = database.set(host="127.0.0.1", port=proxy.port)
        config = config_for(url.render_as_string(hide_password=False), tmp_path / "data")
    else:
        proxy = TcpProxy(request.getfixturevalue("redis_server"))
        config = config_for(
            None,
            tmp_path / "data",
            REPLAY_STORE="redis",
            REPLAY_REDIS_URL=f"redis://127.0.0.1:{proxy.port}/0",
        )
    yield config, proxy
    proxy.stop()


class SqliteLock:
    """Makes the SQLite replay file unwritable for a while: another connection holds its lock."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._holder: sqlite3.Connection | None = None

    def stop(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._holder = sqlite3.connect(self._path, isolation_level=None)
        self._holder.execute("BEGIN EXCLUSIVE")

    def start(self) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None


def local_decisions() -> float:
    return value(samples(metrics.exposition()[0].decode()), "pvp_cds_replay_local_decisions_total")


def test_with_the_store_down_this_process_decides_and_the_metrics_say_so(proxied_config, key):
    config, fault = proxied_config
    checks = storage.open_replays_for(config)
    before = local_decisions()
    fault.stop()
    now = time.time()
    assert checks.first_use(key, now + 300, now=now)
    assert not checks.first_use(key, now + 300, now=now + 1)
    assert local_decisions() == before + 1  # the replay was refused from memory, not counted
    assert not checks.status().up
    fault.start()
    checks.close()


def test_a_jti_decided_during_an_outage_is_refused_elsewhere_once_the_store_is_back(
    proxied_config, key
):
    config, fault = proxied_config
    during = storage.open_replays_for(config)
    fault.stop()
    now = time.time()
    assert during.first_use(key, now + 300, now=now)
    fault.start()
    deadline = time.monotonic() + 20
    while not during.status().up and time.monotonic() < deadline:
        time.sleep(0.2)
    assert during.status().up
    elsewhere = storage.open_replays_for(config)
    assert not elsewhere.first_use(key, now + 300, now=now + 2)
    during.close()
    elsewhere.close()


def test_with_the_refuse_fallback_a_call_gets_503_while_the_store_is_down(proxied_config, key):
    config, fault = proxied_config
    checks = storage.open_replays_for({**config, "REPLAY_FALLBACK": "refuse"})
    fault.stop()
    with pytest.raises(ServiceUnavailable):
        checks.first_use(key, time.time() + 300, now=time.time())
    fault.start()
    checks.close()


def test_the_readiness_probe_reports_the_replay_store_down(tmp_path):
    closed = TcpProxy(REDIS)
    closed.stop()
    app = create_app(
        {
            **config_for(None, tmp_path / "data"),
            "TESTING": True,
            "AUTHENTICATION": "off",
            "REPLAY_STORE": "redis",
            "REPLAY_REDIS_URL": f"redis://127.0.0.1:{closed.port}/0",
        }
    )
    replays_check = app.extensions["pvp_cds_replays"]
    replays_check.first_use(("iss", "jti-1"), time.time() + 300, now=time.time())
    answer = app.test_client().get("/health/ready")
    storage.stop(app)
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "degraded"
    assert answer.get_json()["replay"] == {"store": "redis", "shared": "down"}


# --- A store that cannot be used stops the start-up, naming the setting. -------------------


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"REPLAY_STORE": "postgresql"}, "PVP_CDS_DATABASE_URL"),
        ({"REPLAY_STORE": "redis"}, "PVP_CDS_REPLAY_REDIS_URL"),
        ({"REPLAY_STORE": "redis", "REPLAY_REDIS_URL": "http://host/0"}, "REPLAY_REDIS_URL"),
        ({"REPLAY_STORE": "memcached"}, "PVP_CDS_REPLAY_STORE"),
        ({"REPLAY_FALLBACK": "allow"}, "PVP_CDS_REPLAY_FALLBACK"),
    ],
)
def test_a_replay_store_that_cannot_be_used_stops_the_start_up(tmp_path, overrides, named):
    with pytest.raises(StartupError) as refused:
        create_app({**config_for(None, tmp_path / "data"), "TESTING": True, **overrides})
    assert named in str(refused.value)


def test_a_replay_file_that_cannot_be_written_stops_the_start_up(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / replays.REPLAY_FILE).mkdir()  # a directory where the file should be
    with pytest.raises(StartupError) as refused:
        storage.open_replays_for(config_for(None, tmp_path / "data"))
    assert "PVP_CDS_DATA_DIR" in str(refused.value)
