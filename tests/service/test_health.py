"""Probes: /health/live says the process answers; /health/ready says the model is loaded and
the store takes records (the database side of "degraded" is in tests/storage/test_faults.py)."""

from __future__ import annotations

import sqlite3


def test_live_answers_without_authentication(client):
    response = client.get("/health/live")
    assert (response.status_code, response.get_json()) == (200, {"status": "live"})


def test_ready_reports_the_model_and_an_empty_backlog(client):
    body = client.get("/health/ready").get_json()
    assert body["status"] == "ready"
    assert body["model"]["id"] == "li2021-pvp-residual-back-pain"
    assert body["store"] == {"database": "up", "backlog": 0, "refused": 0}


def test_ready_is_503_when_the_local_backlog_cannot_be_used(app, client, monkeypatch):
    # A full or failing disk cannot be provoked here (tests run as root); SQLite's own error.
    def disk_failure():
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(app.extensions["pvp_cds_store"].spool, "counts", disk_failure)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
