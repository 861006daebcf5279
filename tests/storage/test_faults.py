"""The database stopped mid-run: a TCP proxy in front of the real PostgreSQL server is closed
(port shut, connections cut) and reopened. Hook calls keep answering within their deadline,
records wait on local disk, and every one arrives, once, when the database is back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from cds_service import create_app, storage
from cds_service.storage import schema
from tests.service import fhir

from .conftest import config_for, eventually, rows

URL_PATH = "/cds-services/pvp-residual-back-pain"
#: What a hook call may take with the database down: well under the ~500 ms budget the CDS
#: Hooks spec suggests, with room for a loaded test machine.
DEADLINE = 2.0


@pytest.fixture
def app(proxied_url: str, tmp_path: Path):
    service = create_app(
        {**config_for(proxied_url, tmp_path / "data"), "TESTING": True, "AUTHENTICATION": "off"}
    )
    yield service
    service.extensions["pvp_cds_store"].close()


def hook_call(client) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.post(URL_PATH, json=fhir.hook_request())
    return response.status_code, time.perf_counter() - started


def direct_url(postgres_database: URL) -> str:
    return postgres_database.render_as_string(hide_password=False)


def test_hook_calls_answer_within_their_deadline_while_the_database_is_down(app, proxy):
    client = app.test_client()
    assert hook_call(client)[0] == 200
    proxy.stop()
    answers = [hook_call(client) for _ in range(5)]
    assert [status for status, _ in answers] == [200] * 5
    assert max(seconds for _, seconds in answers) < DEADLINE


def test_ready_says_degraded_with_the_backlog_while_the_database_is_down(app, proxy):
    client = app.test_client()
    proxy.stop()
    for _ in range(3):
        hook_call(client)

    def degraded() -> bool:
        body = client.get("/health/ready").get_json()
        return body["status"] == "degraded" and body["store"]["backlog"] == 3

    assert eventually(degraded)
    assert client.get("/health/ready").status_code == 200
    assert client.get("/health/live").status_code == 200


def test_records_from_an_outage_arrive_once_when_the_database_is_back(
    app, proxy, postgres_database
):
    client = app.test_client()
    assert hook_call(client)[0] == 200
    proxy.stop()
    for _ in range(4):
        assert hook_call(client)[0] == 200
    assert eventually(
        lambda: not client.get("/health/ready").get_json()["store"]["database"] == "up"
    )
    proxy.start()
    assert eventually(lambda: client.get("/health/ready").get_json()["store"]["backlog"] == 0)
    audited = rows(direct_url(postgres_database), schema.audit_event)
    assert len(audited) == 5
    assert len({row["id"] for row in audited}) == 5
    assert client.get("/health/ready").get_json()["status"] == "ready"


def test_records_left_on_disk_by_a_stopped_process_arrive_after_a_restart(
    proxied_url, proxy, postgres_database, tmp_path
):
    config = config_for(proxied_url, tmp_path / "data")
    first = create_app({**config, "AUTHENTICATION": "off"})
    proxy.stop()
    for _ in range(3):
        assert hook_call(first.test_client())[0] == 200
    first.extensions["pvp_cds_store"].close()  # the process stops with its backlog on disk
    proxy.start()

    restarted = storage.open_store(config)
    restarted.wake()
    assert eventually(lambda: len(rows(direct_url(postgres_database), schema.audit_event)) == 3)
    restarted.close()
