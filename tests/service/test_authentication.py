"""CDS client authentication wired into the app, and the fhirServer allow-list."""

from __future__ import annotations

import json
import logging
import time

import pytest
import yaml

from cds_service import create_app
from cds_service.errors import StartupError
from tests.security.jwt_kit import ISSUER, ClientKey, claims, jwks, sign

from . import fhir
from .conftest import SchemaCheckingClient
from .stub_fhir import StubFhirServer

PUBLIC_BASE = "https://cds.example.org"
SERVICE_PATH = "/cds-services/pvp-residual-back-pain"


@pytest.fixture(scope="module")
def key():
    return ClientKey.ec_p384("ehr-key-1")


@pytest.fixture
def allowed_fhir():
    server = StubFhirServer()
    server.answers = {
        f"Patient/{fhir.PATIENT_ID}": (200, fhir.patient()),
        "Procedure": (200, fhir.searchset(fhir.vertebroplasty())),
        "Observation": (200, fhir.searchset(*fhir.findings())),
        "Condition": (200, fhir.searchset()),
        "RiskAssessment": (200, fhir.searchset()),
    }
    yield server
    server.stop()


@pytest.fixture
def other_fhir():
    server = StubFhirServer()
    yield server
    server.stop()


@pytest.fixture
def app(tmp_path, key, allowed_fhir):
    return authenticating_app(tmp_path, key, allowed_fhir)


def authenticating_app(tmp_path, key, allowed_fhir, **settings):
    """The service with authentication on, trusting ``key``, with ``settings`` on top."""
    (tmp_path / "ehr.jwks.json").write_text(json.dumps(jwks(key)))
    clients = {
        "clients": [
            {
                "issuer": ISSUER,
                "jwks_file": "ehr.jwks.json",
                "fhir_servers": [allowed_fhir.base_url],
            }
        ]
    }
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    app = create_app(
        {
            "TESTING": True,
            "TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
            "PUBLIC_BASE_URL": PUBLIC_BASE,
            "ALLOW_HTTP_FHIR": True,
            **settings,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app


def bearer(key, path):
    return {"Authorization": f"Bearer {sign(key, claims(aud=PUBLIC_BASE + path))}"}


def test_discovery_without_a_token_is_401_with_no_detail(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/cds-services")
    assert response.status_code == 401
    assert response.get_json()["issue"][0]["diagnostics"] == "authentication required"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "no Bearer token" in caplog.text or "Authorization" in caplog.text


def test_discovery_with_a_valid_token_is_200(client, key):
    response = client.get("/cds-services", headers=bearer(key, "/cds-services"))
    assert response.status_code == 200


def test_service_call_with_a_valid_token_is_200(client, key):
    response = client.post(
        SERVICE_PATH, json=fhir.hook_request(), headers=bearer(key, SERVICE_PATH)
    )
    assert response.status_code == 200
    assert response.get_json()["cards"]


def test_token_for_another_endpoint_is_401(client, key):
    response = client.post(
        SERVICE_PATH, json=fhir.hook_request(), headers=bearer(key, "/cds-services")
    )
    assert response.status_code == 401


def test_a_token_valid_for_ten_years_is_401(client, key):
    now = int(time.time())
    long_lived = claims(aud=PUBLIC_BASE + SERVICE_PATH, iat=now, exp=now + 10 * 365 * 86400)
    headers = {"Authorization": f"Bearer {sign(key, long_lived)}"}
    response = client.post(SERVICE_PATH, json=fhir.hook_request(), headers=headers)
    assert response.status_code == 401
    assert response.get_json()["issue"][0]["diagnostics"] == "authentication required"


def test_the_maximum_token_lifetime_is_a_setting(tmp_path, key, allowed_fhir):
    lenient = authenticating_app(tmp_path, key, allowed_fhir, JWT_MAX_LIFETIME_SECONDS=600)
    now = int(time.time())
    ten_minutes = claims(aud=PUBLIC_BASE + SERVICE_PATH, iat=now, exp=now + 600)
    headers = {"Authorization": f"Bearer {sign(key, ten_minutes)}"}
    response = lenient.test_client().post(SERVICE_PATH, json=fhir.hook_request(), headers=headers)
    assert response.status_code == 200


def test_replayed_token_is_401(client, key):
    headers = bearer(key, SERVICE_PATH)
    assert client.post(SERVICE_PATH, json=fhir.hook_request(), headers=headers).status_code == 200
    assert client.post(SERVICE_PATH, json=fhir.hook_request(), headers=headers).status_code == 401


def test_unknown_service_without_a_token_is_401_not_404(client):
    assert client.post("/cds-services/nope", json=fhir.hook_request()).status_code == 401


def test_health_needs_no_token(client):
    assert client.get("/health").status_code == 200


def test_cors_preflight_needs_no_token(client):
    response = client.options(
        SERVICE_PATH,
        headers={
            "Origin": "https://sandbox.cds-hooks.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert response.status_code == 200


def no_prefetch_request(fhir_server_url, token="the-ehr-access-token"):
    body = fhir.hook_request(fhirServer=fhir_server_url)
    del body["prefetch"]
    body["fhirAuthorization"] = fhir.fhir_authorization(token)
    return body


def test_allowed_fhir_server_is_queried_with_the_access_token(client, key, allowed_fhir):
    response = client.post(
        SERVICE_PATH,
        json=no_prefetch_request(allowed_fhir.base_url),
        headers=bearer(key, SERVICE_PATH),
    )
    assert response.status_code == 200
    assert {r.headers["Authorization"] for r in allowed_fhir.requests} == {
        "Bearer the-ehr-access-token"
    }


def test_unlisted_fhir_server_is_412_and_never_receives_a_request(client, key, other_fhir):
    response = client.post(
        SERVICE_PATH,
        json=no_prefetch_request(other_fhir.base_url),
        headers=bearer(key, SERVICE_PATH),
    )
    assert response.status_code == 412
    assert "not one this service may query" in response.get_json()["issue"][0]["diagnostics"]
    assert other_fhir.requests == []


def test_plain_http_fhir_server_is_refused_unless_allowed(tmp_path, key, allowed_fhir):
    (tmp_path / "ehr.jwks.json").write_text(json.dumps(jwks(key)))
    clients = {"clients": [{"issuer": ISSUER, "jwks_file": "ehr.jwks.json"}]}
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    app = create_app(
        {
            "TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"),
            "PUBLIC_BASE_URL": PUBLIC_BASE,
            "FHIR_SERVERS": [allowed_fhir.base_url],
        }
    )
    response = app.test_client().post(
        SERVICE_PATH,
        json=no_prefetch_request(allowed_fhir.base_url),
        headers=bearer(key, SERVICE_PATH),
    )
    assert response.status_code == 412
    assert "https required" in response.get_json()["issue"][0]["diagnostics"]
    assert allowed_fhir.requests == []


def test_authentication_is_required_by_default():
    with pytest.raises(
        StartupError, match="PVP_CDS_TRUSTED_CLIENTS_FILE and PVP_CDS_PUBLIC_BASE_URL"
    ):
        create_app()


def test_unknown_authentication_mode_refuses_to_start():
    with pytest.raises(StartupError, match="'required' or 'off'"):
        create_app({"AUTHENTICATION": "maybe"})


def test_authentication_off_is_logged_as_a_warning_at_start(caplog):
    with caplog.at_level(logging.WARNING):
        create_app({"AUTHENTICATION": "off"})
    assert "authentication of CDS clients is OFF" in caplog.text


def test_a_client_whose_jku_is_pinned_to_a_file_gets_discovery(tmp_path, key, caplog):
    # The jku names a host this test cannot reach: a 200 means the keys came from the file.
    jku = "https://sandbox.cds-hooks.org/.well-known/jwks.json"
    (tmp_path / "sandbox.jwks.json").write_text(json.dumps(jwks(key)))
    clients = {
        "clients": [
            {"issuer": ISSUER, "allowed_jku": [{"url": jku, "jwks_file": "sandbox.jwks.json"}]}
        ]
    }
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(clients))
    app = create_app(
        {"TRUSTED_CLIENTS_FILE": str(tmp_path / "clients.yaml"), "PUBLIC_BASE_URL": PUBLIC_BASE}
    )
    token = sign(key, claims(aud=PUBLIC_BASE + "/cds-services"), jku=jku)
    response = app.test_client().get("/cds-services", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "JWK Set refresh" not in caplog.text


def test_a_refused_audience_is_logged_with_both_urls(client, key, caplog):
    called = "http://localhost:8080/cds-services"
    token = sign(key, claims(aud=called))
    with caplog.at_level(logging.WARNING):
        response = client.get("/cds-services", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert f"aud expected '{PUBLIC_BASE}/cds-services', received '{called}'" in caplog.text
