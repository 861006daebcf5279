"""Feedback (CDS Hooks 2.0 § Feedback): validated, stored once per report (the database side
is in tests/storage)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from tests.service import fhir

URL = "/cds-services/pvp-residual-back-pain/feedback"
HOOK_URL = "/cds-services/pvp-residual-back-pain"
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


def issue(response) -> str:
    return response.get_json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("feedback", "field"),
    [
        pytest.param(
            [accepted(), {**overridden(), "overrideReason": {"userComment": "seen\u0000"}}],
            "feedback[1].overrideReason.userComment",
            id="comment",
        ),
        pytest.param(
            [
                {
                    **overridden(),
                    "overrideReason": {"reason": {"system": "http://x.org", "code": "a\u0000"}},
                }
            ],
            "feedback[0].overrideReason.reason.code",
            id="reason-code",
        ),
        pytest.param(
            [{**accepted(), "extension": {"org.example\u0000": {"x": 1}}}],
            "a member name in feedback[0].extension",
            id="extension-name",
        ),
    ],
)
def test_feedback_with_text_the_database_cannot_keep_is_400_naming_where(
    app, client, feedback, field
):
    # PostgreSQL's text and jsonb refuse U+0000, which JSON allows: taken, it would never arrive.
    response = client.post(URL, json={"feedback": feedback})
    assert response.status_code == 400
    assert issue(response).startswith(f"{field} contains the NUL character (U+0000)")
    assert stored(app) == []


def test_feedback_with_a_lone_surrogate_is_400_and_not_stored(app, client):
    # Not UTF-8 once decoded, so no database takes it; written by hand, as json.dumps would not.
    body = b'{"feedback": [{"card": "%s", "outcome": "overridden", ' % CARD.encode()
    body += b'"overrideReason": {"userComment": "seen \\ud800"}, '
    body += b'"outcomeTimestamp": "2026-03-11T10:05:00Z"}]}'
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in issue(response)
    assert stored(app) == []


def test_the_items_of_one_feedback_request_are_kept_in_one_append(app, client, monkeypatch):
    spool = app.extensions["pvp_cds_store"].spool
    real_append, appends = spool.append, []

    def counted(kind, payloads):
        appends.append(len(payloads))
        real_append(kind, payloads)

    monkeypatch.setattr(spool, "append", counted)
    items = [accepted(f"9368d37b-283f-44a0-93ea-{n:012d}") for n in range(30)]
    assert client.post(URL, json={"feedback": items}).status_code == 200
    assert appends == [30]


def test_more_feedback_items_than_the_cap_are_413_naming_the_cap(client):
    # The cap's default: CDS clients report on the cards one clinician saw.
    items = [accepted(f"9368d37b-283f-44a0-93ea-{n:012d}") for n in range(101)]
    response = client.post(URL, json={"feedback": items})
    assert response.status_code == 413
    assert "at most 100 items, this one has 101" in issue(response)


def test_a_feedback_body_over_its_byte_cap_is_413_naming_the_cap(app, client):
    app.config["FEEDBACK_MAX_BYTES"] = 2000
    comment = {**overridden(), "overrideReason": {"userComment": "x" * 2000}}
    response = client.post(URL, json={"feedback": [comment]})
    assert response.status_code == 413
    assert "at most 2000 bytes" in issue(response)
    assert stored(app) == []


def test_a_5000_item_feedback_flood_is_refused_and_hook_calls_beside_it_are_answered(app):
    flood = {"feedback": [accepted(f"9368d37b-283f-44a0-93ea-{n:012d}") for n in range(5000)]}
    statuses: list[int] = []

    def post_flood() -> None:
        for _ in range(4):
            statuses.append(app.test_client().post(URL, json=flood).status_code)

    flooding = [threading.Thread(target=post_flood) for _ in range(4)]
    for thread in flooding:
        thread.start()
    hook_calls = [
        app.test_client().post(HOOK_URL, json=fhir.hook_request()).status_code for _ in range(5)
    ]
    for thread in flooding:
        thread.join()
    assert hook_calls == [200] * 5
    assert statuses == [413] * 16
    assert stored(app) == []
