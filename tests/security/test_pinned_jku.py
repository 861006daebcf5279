"""A jku pinned to a local JWK Set file: a token that names the jku verifies against the file,
and nothing is fetched, ever. Tokens are signed as the public CDS Hooks Sandbox signs them (its
jwt-generator: ES384, a jku header naming its public JWK Set, a kid, iat rounded to the nearest
second and so up to half a second ahead)."""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
import yaml

from cds_service.client_auth import ClientAuthenticator, load_trusted_clients

from .jwt_kit import AUDIENCE, ClientKey, jwks, refusal_reason, sign

SANDBOX_ISSUER = "https://sandbox.cds-hooks.org"
SANDBOX_JKU = "https://sandbox.cds-hooks.org/.well-known/jwks.json"
OTHER_ISSUER = "https://ehr.hospital.example.org/"


class NoNetwork(requests.adapters.BaseAdapter):
    """A transport that records every request it is given and sends none."""

    def __init__(self) -> None:
        super().__init__()
        self.requested: list[str] = []

    def send(self, request: requests.PreparedRequest, *args: object, **kwargs: object) -> None:
        self.requested.append(request.url)
        raise requests.ConnectionError(f"no network in this test: {request.url}")

    def close(self) -> None:
        pass


@pytest.fixture
def no_network() -> Iterator[NoNetwork]:
    yield NoNetwork()


@pytest.fixture
def session(no_network: NoNetwork) -> Iterator[requests.Session]:
    session = requests.Session()
    session.mount("http://", no_network)
    session.mount("https://", no_network)
    yield session
    session.close()


@pytest.fixture(scope="module")
def sandbox_key() -> ClientKey:
    return ClientKey.ec_p384("sandbox-es384")


@pytest.fixture(scope="module")
def hospital_key() -> ClientKey:
    return ClientKey.ec_p384("hospital-es384")


@pytest.fixture
def authenticator(tmp_path, session, sandbox_key, hospital_key) -> ClientAuthenticator:
    """The sandbox's jku pinned to a copy of its JWK Set; another client pinned the same way."""
    (tmp_path / "sandbox.jwks.json").write_text(json.dumps(jwks(sandbox_key)))
    (tmp_path / "hospital.jwks.json").write_text(json.dumps(jwks(hospital_key)))
    document = {
        "clients": [
            {
                "issuer": SANDBOX_ISSUER,
                "allowed_jku": [{"url": SANDBOX_JKU, "jwks_file": "sandbox.jwks.json"}],
            },
            {
                "issuer": OTHER_ISSUER,
                "allowed_jku": [
                    {
                        "url": "https://ehr.hospital.example.org/jwks",
                        "jwks_file": "hospital.jwks.json",
                    }
                ],
            },
        ]
    }
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(document))
    return ClientAuthenticator(load_trusted_clients(tmp_path / "clients.yaml"), session=session)


def sandbox_token(key: ClientKey, *, jku: str = SANDBOX_JKU, iss: str = SANDBOX_ISSUER) -> str:
    now = time.time()
    # Math.round(Date.now() / 1000): the whole second nearest now, here the one just ahead.
    issued = math.ceil(now)
    assert issued > now
    payload = {
        "iss": iss,
        "aud": AUDIENCE,
        "exp": issued + 300,
        "iat": issued,
        "jti": str(uuid.uuid4()),
    }
    return sign(key, payload, typ="JWT", jku=jku)


def test_a_sandbox_token_verifies_against_the_pinned_file_without_any_request(
    authenticator, no_network, sandbox_key
):
    client = authenticator.authenticate(f"Bearer {sandbox_token(sandbox_key)}", AUDIENCE)
    assert client.issuer == SANDBOX_ISSUER
    assert no_network.requested == []


def test_the_pinned_file_keeps_answering_without_any_request(
    authenticator, no_network, sandbox_key
):
    for _ in range(3):
        authenticator.authenticate(f"Bearer {sandbox_token(sandbox_key)}", AUDIENCE)
    assert no_network.requested == []


def test_a_jku_not_listed_is_refused_and_never_requested(authenticator, no_network, sandbox_key):
    unlisted = "https://sandbox.cds-hooks.org/keys/other.json"
    reason = refusal_reason(authenticator, sandbox_token(sandbox_key, jku=unlisted))
    assert reason == (
        f"jku {unlisted!r} not allowed for {SANDBOX_ISSUER!r}: expected one of {[SANDBOX_JKU]}"
    )
    assert no_network.requested == []


def test_another_clients_pinned_key_is_refused(authenticator, no_network, hospital_key):
    # Signed by the hospital's key but claiming to be the sandbox: the sandbox's file lacks it.
    impostor = ClientKey("sandbox-es384", hospital_key.alg, hospital_key.private_key)
    assert "Signature verification failed" in refusal_reason(authenticator, sandbox_token(impostor))
    reason = refusal_reason(authenticator, sandbox_token(hospital_key))
    assert reason.startswith("kid 'hospital-es384' not in the JWK Set")
    assert no_network.requested == []


def test_a_jku_pinned_for_another_client_is_refused(authenticator, no_network, sandbox_key):
    token = sandbox_token(sandbox_key, iss=OTHER_ISSUER)
    assert "not allowed for 'https://ehr.hospital.example.org/'" in refusal_reason(
        authenticator, token
    )
    assert no_network.requested == []


def test_a_url_jku_beside_a_pinned_one_is_still_fetched(tmp_path, session, no_network, sandbox_key):
    (tmp_path / "sandbox.jwks.json").write_text(json.dumps(jwks(sandbox_key)))
    fetched = "https://sandbox.cds-hooks.org/next/jwks.json"
    document = {
        "clients": [
            {
                "issuer": SANDBOX_ISSUER,
                "allowed_jku": [{"url": SANDBOX_JKU, "jwks_file": "sandbox.jwks.json"}, fetched],
            }
        ]
    }
    (tmp_path / "clients.yaml").write_text(yaml.safe_dump(document))
    authenticator = ClientAuthenticator(
        load_trusted_clients(tmp_path / "clients.yaml"), session=session
    )
    refusal_reason(authenticator, sandbox_token(sandbox_key, jku=fetched))
    assert no_network.requested == [fetched]
