"""Crashes of `pvp-cds serve` on its data directory: the gunicorn master killed (kill -9) while
its workers still answer calls on kept-alive connections, and a new process started on the
same directory at once. Every card answered is audited, once, and the directory starts again
(docs/storage.md, "What survives a crash")."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from cds_service.storage import schema
from tests.service import fhir

from . import serve_process
from .conftest import rows

URL_PATH = "/cds-services/pvp-residual-back-pain"
CLIENTS = 6


class Clients:
    """Threads that post hook calls on kept-alive connections until stopped, and remember
    the card of every call answered."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.answered: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._calls) for _ in range(CLIENTS)]

    def __enter__(self) -> Clients:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _calls(self) -> None:
        body = fhir.hook_request()
        with requests.Session() as session:
            while not self._stop.is_set():
                try:
                    response = session.post(self.base + URL_PATH, json=body, timeout=10)
                except requests.RequestException:
                    time.sleep(0.01)
                    continue
                if response.status_code == 200:
                    with self._lock:
                        self.answered.extend(card["uuid"] for card in response.json()["cards"])


def environment(database_url: str, data: Path) -> dict[str, str]:
    return {
        "PVP_CDS_DATABASE_URL": database_url,
        "PVP_CDS_DATA_DIR": str(data),
        "PVP_CDS_AUTHENTICATION": "off",
    }


def backlog_command(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pvp_cds", "db", "backlog"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def warnings(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if '"WARNING"' in line or "ERROR" in line]


def sqlite_files(data: Path) -> list[Path]:
    return [path for path in data.rglob("*.sqlite3") if path.is_file()]


def test_every_card_answered_before_and_after_a_master_crash_is_audited_once(
    database_url, tmp_path
):
    data = tmp_path / "data"
    env = environment(database_url, data)
    served = serve_process.serve(env, tmp_path / "serve.log")
    workers = served.workers()
    with Clients(served.base) as clients:
        while len(clients.answered) < 200:
            time.sleep(0.05)
        os.kill(served.process.pid, signal.SIGKILL)
        served.process.wait()
        # A new process on the same directory while the workers still answer.
        during = [backlog_command(env) for _ in range(3)]
        assert serve_process.gone(workers, within=60), "the workers outlived their master"
    assert [run.returncode for run in during] == [0, 0, 0], during[-1].stderr

    after = backlog_command(env)
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("0 records waiting on local disk for the database (up), 0 ")
    for path in sqlite_files(data):
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",), path
    audited = [row["card_uuid"] for row in rows(database_url, schema.audit_card)]
    missing = set(clients.answered) - set(audited)
    assert not missing, f"{len(missing)} answered cards not audited: {warnings(served.log)}"
    assert len(audited) == len(set(audited))


def test_the_data_directory_of_a_crashed_master_serves_again_and_its_records_arrive(
    database_url, tmp_path
):
    data = tmp_path / "data"
    env = environment(database_url, data)
    served = serve_process.serve(env, tmp_path / "serve.log")
    workers = served.workers()
    with Clients(served.base) as clients:
        while len(clients.answered) < 100:
            time.sleep(0.05)
        os.kill(served.process.pid, signal.SIGKILL)
        served.process.wait()
        for worker in workers:  # all at once, as when the machine's power goes
            os.kill(worker, signal.SIGKILL)
    assert serve_process.gone(workers, within=30)

    again = serve_process.serve(env, tmp_path / "serve-again.log")
    try:
        deadline = time.monotonic() + 30
        while set(clients.answered) - {
            row["card_uuid"] for row in rows(database_url, schema.audit_card)
        }:
            assert time.monotonic() < deadline, "the crashed processes' records did not arrive"
            time.sleep(0.2)
    finally:
        again.stop()


def test_the_records_of_a_killed_worker_arrive_while_the_service_runs_on(
    proxied_url, proxy, postgres_database, tmp_path
):
    # The database is away meanwhile, so the killed worker's records are still on its disk.
    served = serve_process.serve(environment(proxied_url, tmp_path / "data"), tmp_path / "log")
    direct = postgres_database.render_as_string(hide_password=False)
    try:
        with Clients(served.base) as clients:
            proxy.stop()
            while len(clients.answered) < 100:
                time.sleep(0.05)
            os.kill(served.workers()[0], signal.SIGKILL)  # gunicorn starts another
            answered = len(clients.answered)
            while len(clients.answered) < answered + 50:
                time.sleep(0.05)
        proxy.start()
        deadline = time.monotonic() + 60
        while missing := set(clients.answered) - {
            row["card_uuid"] for row in rows(direct, schema.audit_card)
        }:
            assert time.monotonic() < deadline, f"{len(missing)} answered cards not audited"
            time.sleep(0.2)
    finally:
        served.stop()


@pytest.fixture(autouse=True)
def _no_leftover_servers():
    """A failed test must not leave servers behind on the shared machine."""
    before = set(_children())
    yield
    for pid in set(_children()) - before:
        os.kill(pid, signal.SIGKILL)


def _children() -> list[int]:
    pid = os.getpid()
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
