"""Feedback (CDS Hooks 2.0 § Feedback): validated, stored once per report (the database side
is in tests/storage)."""

from __future__ import annotations

import sqlite3

import pytest

URL = "/cds-services/pvp-residual-back-pain/feedback"
CARD = "9368d37b-283f-44a0-93ea-547cebab93ed"


def accepted(card=CARD):
    return {
        "card": card,
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
        "outcomeTimestamp": "2026-03-11T10:00:00Z",
    }


def overridden(card=CARD):
    return {
        "card": card,
        "outcome": "overridden",
        "overrideReason": {
            "reason": {
                "code": "follow-up-planned",
                "system": "http://pvp-cds.org/fhir/CodeSystem/override-reason",
                "display": "Pain follow-up is already planned",
            },
            "userComment": "seen in clinic",
        },
        "outcomeTimestamp": "2026-03-11T10:05:00Z",
    }


def stored(app):
    store = app.extensions["pvp_cds_store"]
    assert store.flush()
    return store.feedback_items("pvp-residual-back-pain")


def test_accepted_and_overridden_feedback_is_stored(app, client):
    response = client.post(URL, json={"feedback": [accepted(), overridden()]})
    assert response.status_code == 200
    assert stored(app) == [accepted(), overridden()]


def test_the_same_report_twice_is_stored_once(app, client):
    client.post(URL, json={"feedback": [accepted()]})
    response = client.post(URL, json={"feedback": [accepted()]})
    assert response.status_code == 200
    assert stored(app) == [accepted()]


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(
            {"outcome": "accepted", "outcomeTimestamp": "2026-03-11T10:00:00Z"}, id="no-card"
        ),
        pytest.param({**accepted(), "outcome": "ignored"}, id="unknown-outcome"),
        pytest.param(
            {k: v for k, v in accepted().items() if k != "outcomeTimestamp"}, id="no-timestamp"
        ),
    ],
)
def test_invalid_feedback_is_400_and_not_stored(app, client, item):
    response = client.post(URL, json={"feedback": [item]})
    assert response.status_code == 400
    assert response.get_json()["resourceType"] == "OperationOutcome"
    assert stored(app) == []


def test_feedback_for_an_unknown_service_is_404(client):
    response = client.post("/cds-services/nope/feedback", json={"feedback": [accepted()]})
    assert response.status_code == 404


def test_feedback_the_service_cannot_keep_is_503_with_retry_after(app, client, monkeypatch):
    # A failing disk cannot be provoked here (tests run as root); SQLite's own error instead.
    def disk_failure(*_):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(app.extensions["pvp_cds_store"].spool, "append", disk_failure)
    response = client.post(URL, json={"feedback": [accepted()]})

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    issue = response.get_json()["issue"][0]
    assert (issue["code"], "send it again" in issue["diagnostics"]) == ("transient", True)


def test_feedback_refused_for_a_failing_disk_keeps_none_of_its_items_and_is_stored_when_sent_again(
    app, client, monkeypatch
):
    def disk_failure(*_):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(app.extensions["pvp_cds_store"].spool, "append", disk_failure)
    assert client.post(URL, json={"feedback": [accepted(), overridden()]}).status_code == 503
    monkeypatch.undo()
    assert stored(app) == []
    assert client.post(URL, json={"feedback": [accepted(), overridden()]}).status_code == 200
    assert stored(app) == [accepted(), overridden()]
