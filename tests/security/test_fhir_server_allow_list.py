"""The fhirServer allow-list: we only send a client's access token to FHIR servers configured for
that client (or for all clients), over https unless plain http is allowed for development."""

from __future__ import annotations

import pytest

from cds_service.client_auth import AuthenticatedClient, FhirServerNotAllowed, check_fhir_server

LISTED = "https://fhir.example.org/r4"
CLIENT = AuthenticatedClient(
    issuer="https://ehr.example.org/", tenant=None, fhir_servers=frozenset({LISTED})
)


@pytest.mark.parametrize(
    "url",
    [
        LISTED,
        "https://fhir.example.org/r4/",
        "HTTPS://FHIR.Example.ORG/r4",
        "https://fhir.example.org:443/r4",
        "https://fhir.example.org/%72%34",
        "https://FHIR.example.org:443/r4/",
    ],
)
def test_a_listed_server_is_allowed_however_it_is_spelt(url):
    check_fhir_server(url, CLIENT.fhir_servers, allow_http=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://fhir.other.org/r4",
        "https://fhir.example.org/r5",
        "https://fhir.example.org/r4/../admin",
        "https://fhir.example.org/r4/%2e%2e/r4",
        "https://fhir.example.org/admin/../r4",
        "https://fhir.example.org/r4;x",
        "https://fhir.example.org/r4/Patient",
        "https://fhir.example.org",
        "https://fhir.example.org.attacker.example/r4",
        "https://fhir.example.org@attacker.example/r4",
        "https://fhir.example.org:8443/r4",
        "https://fhir.example.org/r4?_format=xml",
    ],
)
def test_a_server_not_listed_is_refused(url):
    with pytest.raises(FhirServerNotAllowed) as refused:
        check_fhir_server(url, CLIENT.fhir_servers, allow_http=False)
    assert refused.value.url == url


@pytest.mark.parametrize("url", ["fhir.example.org/r4", "ftp://fhir.example.org/r4", "", "r4"])
def test_a_value_that_is_not_an_http_url_is_refused(url):
    with pytest.raises(FhirServerNotAllowed, match="not an absolute http"):
        check_fhir_server(url, CLIENT.fhir_servers, allow_http=True)


def test_plain_http_is_refused_even_when_listed():
    with pytest.raises(FhirServerNotAllowed, match="https required"):
        check_fhir_server(
            "http://localhost:8080/fhir", ["http://localhost:8080/fhir"], allow_http=False
        )


def test_plain_http_is_allowed_for_local_development_when_listed():
    check_fhir_server("http://localhost:8080/fhir", ["http://localhost:8080/fhir"], allow_http=True)


def test_plain_http_allowed_still_needs_the_server_listed():
    with pytest.raises(FhirServerNotAllowed, match="not on the client's allow-list"):
        check_fhir_server("http://localhost:8080/fhir", [LISTED], allow_http=True)


def test_https_and_http_spellings_of_one_host_are_different_servers():
    with pytest.raises(FhirServerNotAllowed, match="not on the client's allow-list"):
        check_fhir_server("http://fhir.example.org/r4", [LISTED], allow_http=True)


def test_with_an_empty_list_no_server_is_allowed():
    with pytest.raises(FhirServerNotAllowed):
        check_fhir_server(LISTED, [], allow_http=False)
