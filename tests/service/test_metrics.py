"""Metrics count what the service did, by closed-set labels that carry no patient data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
import yaml

from cds_service import create_app, metrics
from fhir_mappings import codes
from tests.security.jwt_kit import ISSUER, ClientKey, claims, jwks, sign

from . import fhir
from .metrics_reading import Samples, changes, samples, value
from .stub_fhir import StubFhirServer
from .test_feedback import accepted, overridden

URL = "/cds-services/pvp-residual-back-pain"
HOOK_CALLS = "pvp_cds_hook_calls_total"
#: A patient id that looks like a FHIR resource type, as a careless label would take it.
PATIENT_ID = "Zeta9Patient"


def read() -> Samples:
    return samples(metrics.exposition()[0].decode())


def hook_calls(delta: dict[frozenset, float]) -> dict[tuple[str, str, str], float]:
    return {
        (dict(labels)["service"], dict(labels)["outcome"], dict(labels)["tier"]): count
        for labels, count in delta.items()
    }


def high_risk_request() -> dict:
    # Vacuum cleft, Goutallier 3, blocky cement: logit -3.361 + 1.332 + 2.622 = 0.593, 64%.
    observations = fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)
    return fhir.hook_request(prefetch_data=fhir.prefetch(observations=observations))


def test_each_hook_call_is_counted_once_by_service_outcome_and_tier(client):
    before = read()
    # Low: spongy cement only, logit -3.361 - 0.800 = -4.161, 1.5%.
    assert client.post(URL, json=fhir.hook_request()).status_code == 200
    assert client.post(URL, json=high_risk_request()).status_code == 200
    assert client.post(URL, json=high_risk_request()).status_code == 200
    quiet = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[]))
    assert client.post(URL, json=quiet).get_json() == {"cards": []}
    kyphoplasty = fhir.vertebroplasty(code=codes.RADLEX_KYPHOPLASTY)
    not_applicable = fhir.hook_request(prefetch_data=fhir.prefetch(procedures=[kyphoplasty]))
    assert client.post(URL, json=not_applicable).status_code == 200
    assert client.post(URL, data="{", content_type="application/json").status_code == 400
    unfulfilled = fhir.hook_request()
    del unfulfilled["prefetch"]
    assert client.post(URL, json=unfulfilled).status_code == 412

    assert hook_calls(changes(before, read(), HOOK_CALLS)) == {
        ("pvp-residual-back-pain", "card", "low"): 1,
        ("pvp-residual-back-pain", "card", "high"): 2,
        ("pvp-residual-back-pain", "quiet", "none"): 1,
        ("pvp-residual-back-pain", "not-applicable", "none"): 1,
        ("pvp-residual-back-pain", "4xx", "none"): 1,
        ("pvp-residual-back-pain", "412", "none"): 1,
    }


def test_a_call_to_an_unknown_service_is_counted_without_its_id(client):
    before = read()
    assert client.post("/cds-services/Zeta9Patient", json=fhir.hook_request()).status_code == 404
    assert hook_calls(changes(before, read(), HOOK_CALLS)) == {("unknown", "4xx", "none"): 1}


def test_a_cors_preflight_is_not_a_hook_call(client):
    before = read()
    preflight = client.options(
        URL,
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert preflight.status_code == 200
    assert changes(before, read(), HOOK_CALLS) == {}


def test_request_latency_is_observed_per_route_not_per_path(client):
    before = read()
    client.post(URL, json=fhir.hook_request())
    client.get("/cds-services/no/such/path")
    grown = changes(before, read(), "pvp_cds_http_request_duration_seconds_count")
    assert {dict(labels)["route"] for labels in grown} == {
        "/cds-services/<service_id>",
        "unmatched",
    }


def test_a_made_up_request_method_is_counted_as_other(client):
    before = read()
    client.open("/cds-services/no/such/path", method="BREW")
    grown = changes(before, read(), "pvp_cds_http_request_duration_seconds_count")
    assert [dict(labels)["method"] for labels in grown] == ["other"]


def test_feedback_is_counted_by_outcome(client):
    before = read()
    cards = ("a1b2c3d4-0000-4000-8000-000000000001", "a1b2c3d4-0000-4000-8000-000000000002")
    items = [accepted(cards[0]), overridden(cards[1]), accepted(cards[1])]
    assert client.post(URL + "/feedback", json={"feedback": items}).status_code == 200
    grown = changes(before, read(), "pvp_cds_feedback_total")
    assert {dict(labels)["outcome"]: count for labels, count in grown.items()} == {
        "accepted": 2,
        "overridden": 1,
    }


@pytest.fixture
def fhir_server():
    server = StubFhirServer()
    server.answers = {
        f"Patient/{PATIENT_ID}": (200, fhir.patient(PATIENT_ID)),
        "Procedure": (200, fhir.searchset(fhir.vertebroplasty(patient_id=PATIENT_ID))),
        "Observation": (200, fhir.searchset(*fhir.findings(patient_id=PATIENT_ID))),
        "Condition": (503, {"resourceType": "OperationOutcome"}),
        "RiskAssessment": (200, fhir.searchset()),
    }
    yield server
    server.stop()


def no_prefetch_request(server_url: str) -> dict:
    body = fhir.hook_request(patient_id=PATIENT_ID, fhirServer=server_url)
    del body["prefetch"]
    return body


def test_fhir_queries_are_counted_by_resource_type_and_status(fhir_server):
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [fhir_server.base_url],
            "ALLOW_HTTP_FHIR": True,
        }
    )
    before = read()
    response = app.test_client().post(URL, json=no_prefetch_request(fhir_server.base_url))
    assert response.status_code == 412
    grown = changes(before, read(), "pvp_cds_fhir_queries_total")
    assert {(dict(labels)["resource_type"], dict(labels)["status"]) for labels in grown} == {
        ("Patient", "200"),
        ("Procedure", "200"),
        ("Observation", "200"),
        ("Condition", "503"),
        ("RiskAssessment", "200"),
    }


def test_no_label_carries_the_patient_id_the_hook_instance_or_the_fhir_server(fhir_server):
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [fhir_server.base_url],
            "ALLOW_HTTP_FHIR": True,
        }
    )
    client = app.test_client()
    request = no_prefetch_request(fhir_server.base_url)
    client.post(URL, json=request)
    client.post(f"/cds-services/{PATIENT_ID}", json=request)
    client.post(URL, json=fhir.hook_request(patient_id=PATIENT_ID))
    labels = {label_value for _, label_set in read() for _, label_value in label_set}
    for sent in (PATIENT_ID, request["hookInstance"], fhir_server.base_url, "127.0.0.1"):
        assert not any(sent in label for label in labels), sent


@pytest.fixture
def authenticated_client(tmp_path):
    key = ClientKey.ec_p384("ehr-key-1")
    (tmp_path / "ehr.jwks.json").write_text(json.dumps(jwks(key)))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "ehr.jwks.json"}]}
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    app = create_app(
        {
            "TESTING": True,
            "TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
            "PUBLIC_BASE_URL": "https://cds.example.org",
        }
    )
    return app.test_client(), key


def test_authentication_refusals_are_counted_by_class_of_reason(authenticated_client):
    client, key = authenticated_client
    audience = "https://cds.example.org" + URL
    stranger = ClientKey.ec_p384("stranger")
    impostor = ClientKey.ec_p384(key.kid)  # the trusted key's kid, another key
    valid = sign(key, claims(aud=audience))
    attempts = {
        "missing-token": {},
        "expired": {"Authorization": f"Bearer {sign(key, claims(aud=audience, exp=1000))}"},
        "wrong-audience": {"Authorization": f"Bearer {sign(key, claims(aud='https://x.org/'))}"},
        "untrusted-issuer": {
            "Authorization": f"Bearer {sign(key, claims(aud=audience, iss='https://x.org/'))}"
        },
        "unknown-key": {"Authorization": f"Bearer {sign(stranger, claims(aud=audience))}"},
        "bad-signature": {"Authorization": f"Bearer {sign(impostor, claims(aud=audience))}"},
        "malformed": {"Authorization": "Bearer not-a-jwt"},
        "replayed": {"Authorization": f"Bearer {valid}"},
    }
    assert (
        client.post(URL, json=fhir.hook_request(), headers=attempts["replayed"]).status_code == 200
    )
    before = read()
    for headers in attempts.values():
        assert client.post(URL, json=fhir.hook_request(), headers=headers).status_code == 401
    grown = changes(before, read(), "pvp_cds_authentication_refusals_total")
    assert {dict(labels)["reason"]: count for labels, count in grown.items()} == dict.fromkeys(
        attempts, 1
    )


def test_storage_hooks_count_errors_and_report_the_backlog():
    # The gauge is the process's: a mover of an earlier test's store would set it meanwhile.
    for thread in threading.enumerate():
        if thread.name == "pvp-cds-store":
            thread.join(timeout=30)
    before = read()
    metrics.storage_error("audit")
    metrics.storage_backlog(7)
    after = read()
    assert value(after, "pvp_cds_storage_errors_total", operation="audit") == (
        value(before, "pvp_cds_storage_errors_total", operation="audit") + 1
    )
    assert value(after, "pvp_cds_storage_backlog") == 7


BACKLOG_READINGS_OF_TWO_WORKERS = """
import os
from cds_service import metrics

metrics.storage_backlog(5)  # this worker keeps 5 records waiting
ready, done = os.pipe(), os.pipe()
child = os.fork()
if child == 0:
    metrics.storage_backlog(2)  # and another worker 2 of its own
    os.write(ready[1], b"x")
    os.read(done[0], 1)  # stays alive while the metrics are read
    os._exit(0)
os.read(ready[0], 1)
print(metrics.exposition()[0].decode())
os.write(done[1], b"x")
os.waitpid(child, 0)
"""


def test_the_backlog_is_the_sum_of_every_live_worker_s(tmp_path):
    # Multiprocess mode is fixed when prometheus_client is imported: a process of its own.
    completed = subprocess.run(
        [sys.executable, "-c", BACKLOG_READINGS_OF_TWO_WORKERS],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert value(samples(completed.stdout), "pvp_cds_storage_backlog") == 7
