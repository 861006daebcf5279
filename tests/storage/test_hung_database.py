"""A database that hangs instead of refusing: the TCP proxy in front of the real PostgreSQL
server is frozen (connections stay open, nothing passes), as behind a dead proxy or during a
failover. Nothing fails by itself, so only our own bounds end the waits: an authenticated
hook call (its replay check asks the database) waits at most the database timeout, and the
readiness probe reports the database down."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import pytest
import yaml

from cds_service import create_app, storage
from cds_service.errors import StartupError
from tests.security.jwt_kit import ISSUER, ClientKey, claims, jwks, sign
from tests.service import fhir

from .conftest import config_for, eventually

URL_PATH = "/cds-services/pvp-residual-back-pain"
PUBLIC_BASE_URL = "https://cds.example.org"
#: The database timeout (PVP_CDS_DATABASE_TIMEOUT's default) and the most a call may take with
#: it: under the hook deadline (1.5 s), with room for a loaded test machine.
DATABASE_TIMEOUT = 1.0
DEADLINE = 2.5
#: How long a test waits for a call before it calls it hung (the database thaws after that).
HUNG = 20.0


@pytest.fixture
def key() -> ClientKey:
    return ClientKey.ec_p384("ehr-key-1")


@pytest.fixture
def app(proxied_url: str, proxy, key: ClientKey, tmp_path: Path) -> Iterator[Any]:
    (tmp_path / "ehr.jwks.json").write_text(json.dumps(jwks(key)))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "ehr.jwks.json"}]}
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    service = create_app(
        {
            **config_for(proxied_url, tmp_path / "data"),
            "TESTING": True,
            "DATABASE_TIMEOUT": DATABASE_TIMEOUT,
            "TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        }
    )
    yield service
    proxy.thaw()
    service.extensions["pvp_cds_store"].close()


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """What ``call`` returns (or raises) and the seconds it took; the test fails if it still
    waits after ``HUNG`` seconds."""
    answer: Future = Future()

    def run() -> None:
        try:
            answer.set_result(call())
        except BaseException as exc:
            answer.set_exception(exc)

    started = time.perf_counter()
    threading.Thread(target=run, daemon=True).start()
    try:
        return answer.result(timeout=HUNG), time.perf_counter() - started
    except FutureTimeout:
        pytest.fail(f"still waiting after {HUNG} s")


def authenticated_call(client: Any, key: ClientKey) -> int:
    token = sign(key, claims(aud=PUBLIC_BASE_URL + URL_PATH))
    headers = {"Authorization": f"Bearer {token}"}
    return client.post(URL_PATH, json=fhir.hook_request(), headers=headers).status_code


def test_an_authenticated_call_waits_on_a_hung_database_at_most_the_database_timeout(
    app, proxy, key
):
    client = app.test_client()
    assert authenticated_call(client, key) == 200  # a connection to the database is pooled
    proxy.freeze()
    status, seconds = timed(lambda: authenticated_call(client, key))
    assert status == 200
    assert seconds < DEADLINE


def test_once_the_database_hangs_later_calls_do_not_wait_on_it(app, proxy, key):
    client = app.test_client()
    proxy.freeze()
    assert timed(lambda: authenticated_call(client, key))[0] == 200
    answers = [timed(lambda: authenticated_call(client, key)) for _ in range(3)]
    assert [status for status, _ in answers] == [200] * 3
    assert max(seconds for _, seconds in answers) < DATABASE_TIMEOUT


def test_ready_reports_a_database_that_hangs_without_waiting_on_it(app, proxy):
    client = app.test_client()
    assert client.get("/health/ready").get_json()["status"] == "ready"
    proxy.freeze()
    readings = []

    def reports_it_down() -> bool:
        body, seconds = timed(lambda: client.get("/health/ready").get_json())
        readings.append(seconds)
        return body["status"] == "degraded" and body["store"]["database"] == "down"

    assert eventually(reports_it_down, within=30)
    assert max(readings) < DEADLINE


def test_a_hung_database_at_start_up_is_a_clear_refusal(proxied_url, proxy, tmp_path):
    proxy.freeze()
    with pytest.raises(StartupError, match="cannot reach the database"):
        timed(lambda: _open(proxied_url, tmp_path))


def _open(url: str, tmp_path: Path) -> None:
    storage.open_store(config_for(url, tmp_path / "data")).close()
