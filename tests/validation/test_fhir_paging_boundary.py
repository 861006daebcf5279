"""`pvp-cds validate --fhir` follows paging like the service: a next link that leaves the
server's base ends the read with an error, and the token is not sent there."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from cds_service.fhir_client import FhirServer
from fhir_mappings import load_mapping_config
from scoring import load_model
from tests.service import fhir
from tests.service.stub_fhir import StubFhirServer
from validation import OutcomeWindow, read_fhir
from validation.cohort import Period
from validation.fhir_input import FhirInputError, fhir_client

MODEL = load_model()


@pytest.fixture
def fhir_server():
    server = StubFhirServer()
    yield server
    server.stop()


def test_a_procedure_search_whose_next_link_leaves_the_base_stops_the_read(fhir_server):
    leaving = fhir_server.url("/fhir/%2e%2e/admin/secret?page=2")
    fhir_server.answers["Procedure"] = (200, fhir.searchset(next_url=leaving))

    with pytest.raises(FhirInputError, match="a next link leaves"):
        read_fhir(
            fhir_client(),
            FhirServer(fhir_server.base_url, "the-site-token"),
            MODEL,
            load_mapping_config(),
            OutcomeWindow.for_model(MODEL),
            Period(),
        )

    assert [urlsplit(path).path for path in fhir_server.requested] == ["/fhir/Procedure"]
