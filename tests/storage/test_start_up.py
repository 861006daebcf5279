"""`pvp-cds serve` starts on what an earlier run or an operator left behind, or refuses saying
what to fix, never with a traceback: a backlog left by a killed process, metrics files of an
earlier run, a metrics directory it cannot use, a database behind on its migrations."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from cds_service.storage import schema
from devtools.ports import free_port
from tests.service import fhir
from tests.service.metrics_reading import samples, value

from . import serve_process, workers
from .conftest import config_for, eventually, rows

SERVICE = "pvp-residual-back-pain"
HOOK_PATH = "/cds-services/pvp-residual-back-pain"


def feedback(card: int) -> dict:
    return {
        "card": f"5d1a1b8e-0000-4000-8000-{card:012d}",
        "outcome": "accepted",
        "outcomeTimestamp": "2026-11-28T10:00:00Z",
    }


def environment(database_url: str | None, data: Path, **more: str) -> dict[str, str]:
    chosen = {"PVP_CDS_DATA_DIR": str(data), "PVP_CDS_AUTHENTICATION": "off", **more}
    if database_url is not None:
        chosen["PVP_CDS_DATABASE_URL"] = database_url
    return chosen


def refused_start(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`pvp-cds serve` run to its end, which here must come before it serves."""
    return subprocess.run(
        [sys.executable, "-m", "pvp_cds", "serve", "--port", "0"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_starts_first_time_on_a_backlog_left_by_a_killed_process_and_moves_it(
    database_url, tmp_path
):
    data = tmp_path / "data"
    items = [feedback(n) for n in range(50)]
    killed = multiprocessing.get_context("spawn").Process(
        target=workers.leave_records, args=(config_for(database_url, data), SERVICE, items)
    )
    killed.start()
    killed.join(timeout=120)
    assert killed.exitcode == 0

    served = serve_process.serve(environment(database_url, data), tmp_path / "serve.log")
    try:
        assert eventually(lambda: len(rows(database_url, schema.feedback)) == len(items))
    finally:
        served.stop()


def test_metrics_files_of_an_earlier_run_are_not_counted(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    port = free_port()
    # A hook-call counter an earlier run left, from a process id no longer running.
    earlier = tmp_path / "earlier.py"
    earlier.write_text(
        "from cds_service import metrics\n"
        "metrics.instruments().hook_calls.labels('pvp-residual-back-pain', 'quiet', 'none')"
        ".inc(41)\n"
    )
    subprocess.run(
        [sys.executable, str(earlier)],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
        check=True,
        timeout=120,
    )
    assert list(metrics_dir.glob("*.db"))

    env = environment(
        None,
        tmp_path / "data",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        PVP_CDS_METRICS_PORT=str(port),
    )
    served = serve_process.serve(env, tmp_path / "serve.log")
    try:
        assert requests.post(served.base + HOOK_PATH, json=fhir.hook_request()).status_code == 200
        exposition = ""
        deadline = time.monotonic() + 30
        while "pvp_cds_hook_calls_total" not in exposition and time.monotonic() < deadline:
            try:
                exposition = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except requests.ConnectionError:
                time.sleep(0.2)
        calls = {
            outcome: value(
                samples(exposition),
                "pvp_cds_hook_calls_total",
                service="pvp-residual-back-pain",
                outcome=outcome,
                tier=tier,
            )
            for outcome, tier in (("quiet", "none"), ("card", "low"))
        }
        assert calls == {"quiet": 0, "card": 1}
    finally:
        served.stop()


def test_a_metrics_directory_that_cannot_be_used_is_a_clear_refusal(tmp_path):
    not_a_directory = tmp_path / "metrics"
    not_a_directory.write_text("")
    env = environment(None, tmp_path / "data", PROMETHEUS_MULTIPROC_DIR=str(not_a_directory))
    completed = refused_start(env)
    assert completed.returncode == 2
    assert "PROMETHEUS_MULTIPROC_DIR: cannot keep the metrics in" in completed.stderr
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_database_behind_on_its_migrations_is_a_clear_refusal(empty_database_url, tmp_path):
    completed = refused_start(environment(empty_database_url, tmp_path / "data"))
    assert completed.returncode == 2
    assert "run `pvp-cds db upgrade`" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_an_unreadable_database_file_is_a_clear_refusal(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "pvp-cds.sqlite3").write_bytes(b"not a SQLite file" * 100)
    completed = refused_start(environment(None, data))
    assert completed.returncode == 2
    assert "cannot be used (DatabaseError)" in completed.stderr
    assert "Traceback" not in completed.stderr
