"""Liveness and readiness, for the orchestrator's probes: no authentication needed. The
database side of "degraded" is in tests/storage/test_faults.py."""

from __future__ import annotations

import sqlite3

from scoring import load_model


def test_live_answers_while_the_process_runs(client):
    response = client.get("/health/live")
    assert (response.status_code, response.get_json()) == (200, {"status": "live"})


def test_ready_names_the_loaded_model(client):
    model = load_model()
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.get_json()["model"] == {"id": model.id, "version": model.version}


def test_ready_reports_the_store_up_with_an_empty_backlog(client):
    body = client.get("/health/ready").get_json()
    assert body["status"] == "ready"
    assert body["store"] == {"database": "up", "backlog": 0, "refused": 0}


def test_ready_fails_while_the_model_is_unavailable_and_recovers(app, client):
    runtime = app.extensions.pop("pvp_cds")
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health/live").status_code == 200
    app.extensions["pvp_cds"] = runtime
    assert client.get("/health/ready").status_code == 200


def test_ready_is_503_when_the_local_backlog_cannot_be_used(app, client, monkeypatch):
    # A full or failing disk cannot be provoked here (tests run as root); SQLite's own error.
    def disk_failure():
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(app.extensions["pvp_cds_store"].spool, "counts", disk_failure)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
