"""Fixtures for the security tests: keys, a recording JWKS server, an authenticator factory.
The guard against tokens in the logs is the suite-wide one in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests

from cds_service.client_auth import ClientAuthenticator, TrustedClient, TrustedClients

from .jwt_kit import FHIR_SERVER, ISSUER, ClientKey, RecordingServer, jwks


@pytest.fixture(scope="session")
def es_key() -> ClientKey:
    return ClientKey.ec_p384("ec-2024")


@pytest.fixture(scope="session")
def rs_key() -> ClientKey:
    return ClientKey.rsa("rsa-2024")


@pytest.fixture(scope="session")
def stranger_key() -> ClientKey:
    """Not published anywhere; signs under the trusted kid to forge tokens."""
    return ClientKey.ec_p384("ec-2024")


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment between us and 127.0.0.1
    yield session
    session.close()


@pytest.fixture
def ehr(server: RecordingServer, es_key: ClientKey, rs_key: ClientKey) -> TrustedClient:
    """The trusted EHR: both keys at /jwks, and one allowed jku."""
    server.publish("/jwks", jwks(es_key, rs_key))
    return TrustedClient(
        issuer=ISSUER,
        jwks_url=server.url("/jwks"),
        allowed_jku=frozenset({server.url("/jku-jwks")}),
        fhir_servers=frozenset({FHIR_SERVER}),
    )


@pytest.fixture
def authenticator_for(
    http: requests.Session,
) -> Callable[..., ClientAuthenticator]:
    def build(
        *clients: TrustedClient, fhir_servers: frozenset[str] = frozenset(), **options: Any
    ) -> ClientAuthenticator:
        options = {"session": http, "timeout": 2.0, "leeway": timedelta(seconds=5)} | options
        return ClientAuthenticator(TrustedClients(clients, fhir_servers), **options)

    return build


@pytest.fixture
def authenticator(
    authenticator_for: Callable[..., ClientAuthenticator], ehr: TrustedClient
) -> ClientAuthenticator:
    return authenticator_for(ehr)
