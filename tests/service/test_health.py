"""Liveness and readiness, for the orchestrator's probes: no authentication needed."""

from __future__ import annotations

from scoring import load_model


def test_live_answers_while_the_process_runs(client):
    assert client.get("/health/live").status_code == 200


def test_ready_names_the_loaded_model(client):
    model = load_model()
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.get_json()["model"] == {"id": model.id, "version": model.version}


def test_ready_fails_while_the_model_is_unavailable_and_recovers(app, client):
    runtime = app.extensions.pop("pvp_cds")
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health/live").status_code == 200
    app.extensions["pvp_cds"] = runtime
    assert client.get("/health/ready").status_code == 200
