"""`pvp-cds serve` with several worker processes on the embedded database: a token sent to
all of them at once is accepted once, and every card shown is audited."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import yaml
from sqlalchemy import create_engine, func, select

from cds_service.storage import schema
from devtools.ports import free_port
from tests.security.jwt_kit import ISSUER, ClientKey, claims, jwks, sign
from tests.service import fhir

WORKERS, CALLS = 3, 12


@pytest.fixture
def served(tmp_path):
    key = ClientKey.ec_p384("ehr-key-1")
    (tmp_path / "ehr.jwks.json").write_text(json.dumps(jwks(key)))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "ehr.jwks.json"}]}
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "PVP_CDS_TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
        "PVP_CDS_PUBLIC_BASE_URL": base,
        "PVP_CDS_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-m", "pvp_cds", "serve", "--port", str(port)]
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            env={**environment, "PVP_CDS_WORKERS": str(WORKERS)},
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/health/live", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, (
                f"pvp-cds serve did not start: {log.read_text()[-2000:]}"
            )
            time.sleep(0.2)
        yield base, key, tmp_path / "data"
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        server.wait(timeout=30)


def post_each_on_its_own_connection(url: str, headers: dict, body: dict) -> list[int]:
    def one(_: int) -> int:
        with requests.Session() as session:
            return session.post(url, json=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(CALLS) as pool:
        return list(pool.map(one, range(CALLS)))


def test_a_token_sent_to_every_worker_at_once_is_accepted_once(served):
    base, key, _ = served
    path = "/cds-services/pvp-residual-back-pain"
    token = sign(key, claims(aud=base + path))
    statuses = post_each_on_its_own_connection(
        base + path, {"Authorization": f"Bearer {token}"}, fhir.hook_request()
    )
    assert sorted(statuses) == [200] + [401] * (CALLS - 1)


def test_every_card_answered_by_any_worker_is_audited(served):
    base, key, data = served
    path = "/cds-services/pvp-residual-back-pain"

    def call(_: int) -> int:
        headers = {"Authorization": f"Bearer {sign(key, claims(aud=base + path))}"}
        with requests.Session() as session:
            response = session.post(base + path, json=fhir.hook_request(), headers=headers)
            return response.status_code

    with ThreadPoolExecutor(CALLS) as pool:
        assert list(pool.map(call, range(CALLS))) == [200] * CALLS
    # Each worker moves its own backlog: wait for the database to have every record.
    engine = create_engine(f"sqlite:///{data / 'pvp-cds.sqlite3'}")
    deadline = time.monotonic() + 20
    while (audited := _audited(engine)) < CALLS and time.monotonic() < deadline:
        time.sleep(0.2)
    engine.dispose()
    assert audited == CALLS


def _audited(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(schema.audit_event)).scalar()
