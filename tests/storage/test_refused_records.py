"""A record that cannot be stored, because the database refuses it or because this version of
the service cannot read it, is set aside on local disk for an operator and counted, and the
records behind it still arrive: one bad record never holds up the rest (docs/storage.md)."""

from __future__ import annotations

import hashlib
import logging

import pytest

from cds_service import metrics
from cds_service.storage import schema
from pvp_cds.cli import main
from tests.service.metrics_reading import changes, samples

from .conftest import configure_cli, rows

SERVICE = "pvp-residual-back-pain"
STORE_LOGGER = "cds_service.storage.store"


def feedback_item(card: str) -> dict:
    return {
        "card": card,
        "outcome": "accepted",
        "outcomeTimestamp": "2026-03-11T10:05:00Z",
    }


def stored_cards(database_url: str) -> list[str]:
    return sorted(row["card_uuid"] for row in rows(database_url, schema.feedback))


def test_a_record_the_database_refuses_is_set_aside_and_the_rest_arrive(store, database_url):
    store.record_feedback(SERVICE, [feedback_item("card-1")])
    # feedback.outcome is NOT NULL: the database itself refuses this row.
    store.record_feedback(SERVICE, [{**feedback_item("card-2"), "outcome": None}])
    store.record_feedback(SERVICE, [feedback_item("card-3")])

    assert store.flush()
    assert stored_cards(database_url) == ["card-1", "card-3"]
    assert store.spool.counts() == (0, 1)  # none waiting, one refused


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        # A kind written by another version of the service (an upgrade rolled back).
        ("audit-v9", {"issuer": "https://ehr.example.org/", "jti": "j", "expires_at": 1.0}),
        # A known kind in a shape this version does not read.
        ("feedback", {"service_id": SERVICE}),
        ("audit", {"id": "not-a-whole-record"}),
    ],
)
def test_a_record_this_version_cannot_read_is_set_aside_and_the_rest_arrive(
    store, database_url, kind, payload
):
    store.record_feedback(SERVICE, [feedback_item("card-1")])
    store.spool.append(kind, [payload])
    store.record_feedback(SERVICE, [feedback_item("card-3")])

    assert store.flush()
    assert stored_cards(database_url) == ["card-1", "card-3"]
    assert store.spool.counts() == (0, 1)
    assert rows(database_url, schema.jwt_replay) == []


def test_an_unreadable_record_is_counted_and_logged_under_a_label_of_ours(store, caplog):
    before = samples(metrics.exposition()[0].decode())
    store.spool.append("audit-v9", [{"patient": "Patient/kept-out-of-logs"}])

    with caplog.at_level(logging.ERROR, logger=STORE_LOGGER):
        store.flush()

    grown = changes(
        before, samples(metrics.exposition()[0].decode()), "pvp_cds_storage_errors_total"
    )
    assert {dict(labels)["operation"]: count for labels, count in grown.items()} == {"unknown": 1}
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    # Neither the record's content nor its kind (the backlog file's, not ours) is logged.
    assert "kept-out-of-logs" not in errors[0] and "audit-v9" not in errors[0]


def test_db_backlog_lists_the_refused_records_without_their_content(
    store, config, monkeypatch, capsys
):
    store.spool.append("audit-v9", [{"patient": "Patient/kept-out-of-sight"}])
    store.record_feedback(SERVICE, [{**feedback_item("card-2"), "outcome": None}])
    store.close()  # the service stops: the command takes its backlog over
    configure_cli(monkeypatch, config)

    assert main(["db", "backlog"]) == 0
    output = capsys.readouterr().out
    refused = [line for line in output.splitlines() if line.startswith("refused:")]
    assert len(refused) == 2
    assert "audit-v9" in refused[0] and "unreadable" in refused[0]
    assert "feedback" in refused[1] and "IntegrityError" in refused[1]
    assert "kept-out-of-sight" not in output and "card-2" not in output


def test_db_backlog_retry_moves_the_refused_records_again(
    store, config, database_url, monkeypatch, capsys
):
    # A record the mover had refused (whatever the cause, since mended).
    store.spool.append(
        "feedback",
        [
            {
                "service_id": SERVICE,
                "item": feedback_item("card-1"),
                "received_at": "2026-03-11T10:06:00+00:00",
            }
        ],
    )
    (pending,) = store.spool.current().oldest(10)
    store.spool.set_aside(pending, "IntegrityError")
    store.spool.current().remove([pending.id])
    store.close()  # the service stops: the command takes its backlog over
    configure_cli(monkeypatch, config)

    assert main(["db", "backlog"]) == 0
    assert stored_cards(database_url) == []  # without --retry a refused record stays put
    assert main(["db", "backlog", "--retry"]) == 0
    assert stored_cards(database_url) == ["card-1"]
    assert store.spool.counts() == (0, 0)
    assert "refused:" not in capsys.readouterr().out.split("put back in line")[1]


def test_a_replay_record_an_earlier_version_left_in_the_backlog_is_moved_not_set_aside(
    store, database_url
):
    # Earlier versions kept a jti decided during an outage in the backlog; after an upgrade
    # such a record must arrive, not page an operator as unreadable.
    jti = {"issuer": "https://ehr.example.org/", "jti": "left-by-1.x", "expires_at": 4e9}
    store.spool.append("replay", [jti])

    assert store.flush()
    assert store.spool.counts() == (0, 0)
    expected = hashlib.sha256(b"left-by-1.x").hexdigest()
    [row] = rows(database_url, schema.jwt_replay)
    assert (row["issuer"], row["expires_at"]) == (jti["issuer"], jti["expires_at"])
    assert row["jti_sha256"] == expected
