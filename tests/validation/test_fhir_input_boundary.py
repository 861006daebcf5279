"""`pvp-cds validate --fhir` keeps to the site's FHIR server as the service does: a next link
that leaves the server's base ends the read with an error (the token is not sent there), and
a Procedure whose subject is a Patient on another server is not one of this site's patients."""

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
from validation.fhir_input import FhirInputError, fhir_client, vertebroplasty_patients

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


def test_only_patients_on_the_sites_server_are_screened(fhir_server):
    on_this_server = fhir.vertebroplasty(id="pvp-a", patient_id="p-a")
    absolute_here = fhir.vertebroplasty(id="pvp-b")
    absolute_here["subject"] = {"reference": f"{fhir_server.base_url}/Patient/p-b"}
    elsewhere = fhir.vertebroplasty(id="pvp-c")
    elsewhere["subject"] = {"reference": "http://other.example/fhir/Patient/p-c"}
    fhir_server.answers["Procedure"] = (
        200,
        fhir.searchset(on_this_server, absolute_here, elsewhere),
    )

    patients = vertebroplasty_patients(
        fhir_client(), FhirServer(fhir_server.base_url), load_mapping_config()
    )

    assert patients == ["p-a", "p-b"]
