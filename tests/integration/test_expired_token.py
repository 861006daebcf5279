"""A hook whose access token has expired since the EHR issued it, against a real FHIR server.

The FHIR test server runs in SMART Backend Services mode: the test registers a client with a
key pair it generates, gets a short-lived access token from the server's own token endpoint
(``client_credentials`` with a signed JWT assertion), uses it once while it is valid and again
after it has expired. The server's 401 must become the service's 412, never a 500.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from jwt.algorithms import RSAAlgorithm
from werkzeug.test import TestResponse

from cds_service import create_app
from devtools.demo import hook_request
from devtools.fhir_test_server import (
    FHIR_JSON,
    FhirEndpoint,
    FhirTestServer,
    SmartClient,
    load_transaction,
)
from devtools.synthetic import NAMED_PATIENTS, transaction
from tests.service.conftest import SchemaCheckingClient

pytestmark = pytest.mark.integration

SERVICE = "/cds-services/pvp-residual-back-pain"
PATIENT = "pvp-high-risk"
CLIENT_ID = "pvp-cds-expiry-test"
KEY_ID = "pvp-cds-expiry-test-key"
ALGORITHM = "RS384"
SCOPE = "system/*.read"
#: Seconds. The server stamps ``exp`` from whole seconds, so a token is good for between
#: TOKEN_LIFETIME - 1 and TOKEN_LIFETIME seconds; a hook call takes well under 1 s.
TOKEN_LIFETIME = 2
#: RFC 7523: the client assertion type of a JWT signed by the client.
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TIMEOUT = 10


@dataclass(frozen=True)
class ExpiredToken:
    """An expired access token with the FHIR base it was issued for, and the service's answer
    to a hook sent with it while it was valid."""

    endpoint: FhirEndpoint
    answer_while_valid: TestResponse


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def smart_server(
    external_fhir_server: FhirEndpoint | None, signing_key: rsa.RSAPrivateKey
) -> Iterator[FhirTestServer]:
    """The test server with our client registered and short-lived tokens, the named patients
    loaded (with the static token, which does not expire)."""
    if external_fhir_server is not None:
        pytest.skip(
            "an external FHIR server's access tokens live as long as its authorization server "
            "decides, and no standard request asks for a lifetime of seconds; this test needs "
            "the test server it starts itself"
        )
    public_jwk = RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True)
    public_jwk.update({"kid": KEY_ID, "alg": ALGORITHM, "use": "sig"})
    client = SmartClient(CLIENT_ID, {"keys": [public_jwk]}, scopes=SCOPE)
    with FhirTestServer(smart_clients=[client], token_lifetime=TOKEN_LIFETIME) as server:
        load_transaction(server.endpoint, transaction(NAMED_PATIENTS))
        yield server


def token_endpoint(base_url: str) -> str:
    """SMART App Launch 2: the token endpoint is published in the server's SMART configuration."""
    response = requests.get(f"{base_url}/.well-known/smart-configuration", timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()["token_endpoint"]


def client_assertion(token_url: str, key: rsa.RSAPrivateKey) -> str:
    """SMART Backend Services: a JWT the client signs to authenticate at the token endpoint."""
    claims = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": token_url,
        "exp": int(time.time()) + 60,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": KEY_ID})


def request_access_token(token_url: str, key: rsa.RSAPrivateKey) -> dict[str, Any]:
    response = requests.post(
        token_url,
        data={
            "grant_type": "client_credentials",
            "scope": SCOPE,
            "client_assertion_type": JWT_BEARER,
            "client_assertion": client_assertion(token_url, key),
        },
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return response.json()


def make_client(base_url: str) -> FlaskClient:
    app = create_app(
        {
            "TESTING": True,
            "AUTHENTICATION": "off",
            "FHIR_SERVERS": [base_url],
            "ALLOW_HTTP_FHIR": True,
        }
    )
    app.test_client_class = SchemaCheckingClient
    return app.test_client()


def post_hook(endpoint: FhirEndpoint) -> TestResponse:
    """A patient-view hook with no prefetch, so the service reads the server with the token."""
    return make_client(endpoint.base_url).post(SERVICE, json=hook_request(PATIENT, endpoint))


@pytest.fixture(scope="module")
def expired_token(smart_server: FhirTestServer, signing_key: rsa.RSAPrivateKey) -> ExpiredToken:
    """A fresh token, used for one hook at once, then left to expire."""
    granted = request_access_token(token_endpoint(smart_server.base_url), signing_key)
    # The server issued the token before this instant, so the lifetime we configured (not the
    # one it announces, which a test below checks) has passed once we have waited that long.
    received = time.time()
    endpoint = FhirEndpoint(smart_server.base_url, granted["access_token"])
    answer = post_hook(endpoint)
    time.sleep(max(0.0, received + TOKEN_LIFETIME - time.time()))
    return ExpiredToken(endpoint, answer)


def test_the_token_is_granted_with_the_short_lifetime(smart_server, signing_key):
    granted = request_access_token(token_endpoint(smart_server.base_url), signing_key)
    assert granted["token_type"].lower() == "bearer"
    assert granted["expires_in"] == TOKEN_LIFETIME


def test_the_token_gave_a_card_while_it_was_valid(expired_token):
    answer = expired_token.answer_while_valid
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["cards"]


def test_the_fhir_server_refuses_the_token_as_expired(expired_token):
    refused = requests.get(
        f"{expired_token.endpoint.base_url}/Patient/{PATIENT}",
        headers=expired_token.endpoint.headers(),
        timeout=TIMEOUT,
    )
    assert refused.status_code == 401
    assert refused.headers["Content-Type"].startswith(FHIR_JSON)
    assert [issue["code"] for issue in refused.json()["issue"]] == ["expired"]


def test_hook_with_the_expired_token_is_412_not_500(expired_token):
    response = post_hook(expired_token.endpoint)
    assert response.status_code == 412
    diagnostics = [issue["diagnostics"] for issue in response.get_json()["issue"]]
    assert any("refused the access token (401)" in text for text in diagnostics), diagnostics
