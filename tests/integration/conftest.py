"""A real FHIR R4 server for the integration tests.

By default a throwaway sekmet-fhir server is started on 127.0.0.1 for the test session (fresh
database, random bearer token) and stopped by its PID at the end. Set PVP_CDS_TEST_FHIR_BASE_URL
(and PVP_CDS_TEST_FHIR_TOKEN if that server wants a bearer token) to run the same tests against
another server, e.g. HAPI FHIR or an EHR sandbox: then nothing is started.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from devtools.fhir_test_server import FhirEndpoint, FhirTestServer, load_transaction

EXTERNAL_BASE_URL_VARIABLE = "PVP_CDS_TEST_FHIR_BASE_URL"
EXTERNAL_TOKEN_VARIABLE = "PVP_CDS_TEST_FHIR_TOKEN"


@pytest.fixture(scope="session")
def external_fhir_server() -> FhirEndpoint | None:
    """The server named by the environment, or None when the tests start their own."""
    base_url = os.environ.get(EXTERNAL_BASE_URL_VARIABLE, "").strip()
    if not base_url:
        return None
    return FhirEndpoint(base_url.rstrip("/"), os.environ.get(EXTERNAL_TOKEN_VARIABLE) or None)


@pytest.fixture(scope="session")
def fhir_server(external_fhir_server: FhirEndpoint | None) -> Iterator[FhirEndpoint]:
    """The FHIR server of this session: its base_url and token (None: it wants none)."""
    if external_fhir_server is not None:
        yield external_fhir_server
        return
    with FhirTestServer() as server:
        yield server.endpoint


@pytest.fixture
def load_bundle(fhir_server: FhirEndpoint) -> Callable[[dict[str, object]], dict[str, object]]:
    """POST a transaction Bundle to the session's server; fails unless every entry is accepted."""

    def load(bundle: dict[str, object]) -> dict[str, object]:
        return load_transaction(fhir_server, bundle)

    return load
