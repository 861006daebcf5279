"""The audit trail: one row per hook answer that carried a card, with what was shown and from
which inputs and model; exported for governance and purged after the retention period."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import sqlite3
from datetime import UTC, datetime, timedelta

from cds_service.client_auth import AuthenticatedClient
from cds_service.storage import audit_record, schema
from fhir_mappings import Applicability, Assessment
from pvp_cds.cli import main
from scoring import load_model
from tests.service import fhir

from .conftest import PSEUDONYM_KEY, configure_cli, rows

URL = "/cds-services/pvp-residual-back-pain"


def high_risk_request() -> dict:
    observations = fhir.findings(ivc=True, oedema=False, grade=3, cement=fhir.codes.BLOCKY)
    return fhir.hook_request(prefetch_data=fhir.prefetch(observations=observations))


def answer(app, body: dict) -> dict:
    response = app.test_client().post(URL, json=body)
    assert response.status_code == 200
    assert app.extensions["pvp_cds_store"].flush()
    return response.get_json()


def test_a_risk_card_is_audited_with_its_probability_inputs_and_model(app, database_url):
    card = answer(app, high_risk_request())["cards"][0]
    (row,) = rows(database_url, schema.audit_event)
    # Li 2021: -3.361 + 1.332 (vacuum cleft) + 2.622 (Goutallier 3), blocky cement = reference.
    expected = 1 / (1 + math.exp(-(-3.361 + 1.332 + 2.622)))
    assert math.isclose(row["probability_low"], expected, abs_tol=1e-9)
    assert row["probability_high"] == row["probability_low"]
    assert (row["tier"], row["applicability"]) == ("high", "applies")
    assert (row["model_id"], row["model_version"]) == ("li2021-pvp-residual-back-pain", "1.1.0")
    assert row["card_uuids"] == [card["uuid"]]
    assert row["hook_instance"] == "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"
    assert row["service_id"] == "pvp-residual-back-pain"
    assert row["latency_ms"] > 0


def test_each_audited_input_has_its_value_source_reference_and_date(app, database_url):
    answer(app, high_risk_request())
    (row,) = rows(database_url, schema.audit_event)
    findings = row["inputs"]["findings"]
    assert findings["goutallier_grade"]["value"] == 3
    assert findings["goutallier_grade"]["source"] == {
        "reference": "Observation/goutallier-1",
        "effective": fhir.PRE_OP_DATE,
        "status": "final",
        "kind": "observation",
    }
    assert findings["cement_distribution"]["value"] == "blocky"
    assert row["inputs"]["procedure"]["reference"] == "Procedure/pvp-1"
    assert row["inputs"]["procedure"]["performed"] == fhir.PROCEDURE_DATE


def test_the_audit_names_the_patient_only_by_the_keyed_pseudonym(app, database_url):
    answer(app, high_risk_request())
    (row,) = rows(database_url, schema.audit_event)
    expected = hmac.new(PSEUDONYM_KEY.encode(), fhir.PATIENT_ID.encode(), hashlib.sha256)
    assert row["patient_pseudonym"] == expected.hexdigest()[:16]
    text = json.dumps(row, default=str)
    for never in (fhir.PATIENT_ID, "Testpatient", "Eleanor", "MRN-4471-2209", "1948-05-17"):
        assert never not in text


def test_a_quiet_answer_is_not_audited(app, database_url):
    body = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[]))
    assert answer(app, body)["cards"] == []
    assert rows(database_url, schema.audit_event) == []


def test_a_model_does_not_apply_card_is_audited_with_its_reason_and_no_probability(
    app, database_url
):
    body = fhir.hook_request(
        prefetch_data=fhir.prefetch(procedures=[fhir.vertebroplasty(level="C5")])
    )
    answer(app, body)
    (row,) = rows(database_url, schema.audit_event)
    assert row["applicability"] == "level-outside-range"
    assert "C5" in row["applicability_reason"]
    assert (row["probability_low"], row["tier"]) == (None, None)


def test_the_feedback_card_uuid_finds_the_audit_row(app, database_url):
    card = answer(app, high_risk_request())["cards"][0]
    feedback = {
        "card": card["uuid"],
        "outcome": "accepted",
        "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
        "outcomeTimestamp": "2026-03-11T10:00:00Z",
    }
    response = app.test_client().post(f"{URL}/feedback", json={"feedback": [feedback]})
    assert response.status_code == 200
    assert app.extensions["pvp_cds_store"].flush()
    (link,) = rows(database_url, schema.audit_card)
    (event,) = rows(database_url, schema.audit_event)
    (stored,) = rows(database_url, schema.feedback)
    assert stored["card_uuid"] == link["card_uuid"] == card["uuid"]
    assert link["audit_event_id"] == event["id"]


def test_an_authenticated_clients_issuer_and_tenant_are_recorded():
    client = AuthenticatedClient("https://ehr.example.org/", "hospital-a", frozenset())
    record = make_record(datetime.now(UTC), client=client)
    assert (record.client_issuer, record.client_tenant) == (
        "https://ehr.example.org/",
        "hospital-a",
    )


def make_record(answered_at: datetime, client: AuthenticatedClient | None = None):
    model = load_model()
    assessment = Assessment(None, Applicability.NOT_VERTEBROPLASTY, {}, ())
    return audit_record(
        assessment=assessment,
        estimate=None,
        model=model,
        cards=[{"uuid": f"card-{answered_at.timestamp()}"}],
        hook_instance="hook-1",
        service_id="pvp-residual-back-pain",
        client=client,
        patient_pseudonym="0123456789abcdef",
        answered_at=answered_at,
        latency_ms=12.5,
    )


def test_export_as_ndjson_gives_the_rows_since_the_date_oldest_first(
    store, config, monkeypatch, capsys
):
    for day in (1, 10, 20):
        store.record_audit(make_record(datetime(2026, 3, day, 12, tzinfo=UTC)))
    store.close()  # the service stops: the command takes its backlog over
    configure_cli(monkeypatch, config)
    assert main(["audit", "export", "--since", "2026-03-05", "--format", "ndjson"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["answered_at"] for row in exported] == [
        "2026-03-10T12:00:00+00:00",
        "2026-03-20T12:00:00+00:00",
    ]
    assert exported[0]["inputs"] == {"procedure": None, "findings": {}}


def test_export_as_csv_has_a_header_and_json_in_the_structured_columns(
    store, config, monkeypatch, capsys
):
    store.record_audit(make_record(datetime(2026, 3, 10, 12, tzinfo=UTC)))
    store.close()  # the service stops: the command takes its backlog over
    configure_cli(monkeypatch, config)
    assert main(["audit", "export", "--since", "2026-03-01T00:00:00+00:00", "--format", "csv"]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["applicability"] == "not-vertebroplasty"
    assert json.loads(row["card_uuids"]) == [
        f"card-{datetime(2026, 3, 10, 12, tzinfo=UTC).timestamp()}"
    ]


def test_purge_deletes_the_audit_rows_older_than_the_retention_period(
    store, config, database_url, monkeypatch, capsys
):
    now = datetime.now(UTC)
    store.record_audit(make_record(now - timedelta(days=40)))
    store.record_audit(make_record(now - timedelta(days=20)))
    store.close()  # the service stops: the command takes its backlog over
    configure_cli(monkeypatch, config)
    monkeypatch.setenv("PVP_CDS_AUDIT_RETENTION_DAYS", "30")
    assert main(["audit", "purge"]) == 0
    assert "deleted 1 audit records" in capsys.readouterr().out
    assert len(rows(database_url, schema.audit_event)) == 1
    assert len(rows(database_url, schema.audit_card)) == 1


def test_a_card_still_goes_out_when_the_local_disk_fails(app, monkeypatch, caplog):
    # A failing disk cannot be provoked here (tests run as root); SQLite's own error instead.
    def disk_failure(*_):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(app.extensions["pvp_cds_store"].spool, "append", disk_failure)
    response = app.test_client().post(URL, json=high_risk_request())
    assert response.status_code == 200
    assert response.get_json()["cards"]
    assert "audit record of this answer could not be kept" in caplog.text


def test_a_json_column_keeps_an_integer_past_64_bits(store, database_url):
    # JSON columns are written by orjson, which refuses such integers; the standard library
    # writes them instead.
    item = {"card": "5d1a1b8e-0000-4000-8000-000000000001", "count": 2**70 + 1}
    row = {
        "report_key": "k",
        "service_id": "pvp-residual-back-pain",
        "card_uuid": item["card"],
        "outcome": "accepted",
        "outcome_timestamp": "2026-03-11T10:00:00Z",
        "received_at": datetime(2026, 3, 11, tzinfo=UTC),
        "item": item,
    }
    with store.engine.begin() as connection:
        connection.execute(schema.feedback.insert(), row)

    (stored,) = rows(database_url, schema.feedback)
    assert stored["item"] == item
